package dev.inference.ledger.service.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbeddedInfrastructureTest {

    @Test
    void a_database_url_is_logged_without_its_user_password_or_other_parameters() {
        assertThat(EmbeddedInfrastructure.withoutCredentials("jdbc:postgresql://db:5432/ledger?user=ledger&password=s3cret&sslmode=verify-full"))
                .isEqualTo("jdbc:postgresql://db:5432/ledger?…");
        assertThat(EmbeddedInfrastructure.withoutCredentials("jdbc:postgresql://ledger:s3cret@db:5432/ledger"))
                .isEqualTo("jdbc:postgresql://db:5432/ledger");
        assertThat(EmbeddedInfrastructure.withoutCredentials("jdbc:postgresql://db/ledger;password=s3cret"))
                .isEqualTo("jdbc:postgresql://db/ledger?…");
    }

    @Test
    void a_url_without_credentials_is_logged_as_it_is() {
        assertThat(EmbeddedInfrastructure.withoutCredentials("jdbc:postgresql://db:5432/ledger")).isEqualTo("jdbc:postgresql://db:5432/ledger");
        assertThat(EmbeddedInfrastructure.withoutCredentials("kafka-0:9092,kafka-1:9092")).isEqualTo("kafka-0:9092,kafka-1:9092");
    }
}

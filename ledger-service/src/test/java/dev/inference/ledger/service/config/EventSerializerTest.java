package dev.inference.ledger.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.money.Money;

class EventSerializerTest {

    private final EventSerializer serializer = EventSerializer.of(new AxonConfiguration().defaultAxonObjectMapper());
    private final TopUpCredited credited = new TopUpCredited("acct-1", "top-1", Money.of("10", "USD"), Money.of("10", "USD"),
            Instant.parse("2026-12-07T10:00:00Z"));

    @Test
    void an_event_is_stored_under_its_contract_name_and_revision() {
        SerializedObject<byte[]> stored = serializer.serialize(credited, byte[].class);

        assertThat(stored.getType().getName()).isEqualTo("account.TopUpCredited");
        assertThat(stored.getType().getRevision()).isEqualTo("1");
        assertThat((Object) serializer.deserialize(stored)).isEqualTo(credited);
    }

    @Test
    void a_row_stored_under_its_java_class_name_still_reads() {
        byte[] payload = serializer.serialize(credited, byte[].class).getData();
        var legacy = new SimpleSerializedObject<>(payload, byte[].class,
                new SimpleSerializedType("dev.inference.ledger.kernel.account.AccountEvent$TopUpCredited", null));

        assertThat((Object) serializer.deserialize(legacy)).isEqualTo(credited);
    }

    @Test
    void a_stored_name_that_is_no_event_of_the_ledger_stays_unknown() {
        var foreign = new SimpleSerializedObject<>("{}".getBytes(), byte[].class, new SimpleSerializedType("account.NoSuchEvent", "1"));

        assertThat(serializer.classForType(foreign.getType())).isEqualTo(UnknownSerializedType.class);
    }
}

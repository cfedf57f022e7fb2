package dev.inference.ledger.kernel.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void amounts_keep_twelve_places_and_print_without_exponent() {
        assertThat(Money.of("12.5", "USD").toPlainString()).isEqualTo("12.500000000000");
        assertThat(Money.of("1E-12", "USD").toPlainString()).isEqualTo("0.000000000001");
    }

    @Test
    void an_amount_finer_than_the_ledger_scale_is_refused_not_rounded() {
        assertThatThrownBy(() -> Money.of("0.0000000000001", "USD")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void currencies_never_mix() {
        assertThatThrownBy(() -> Money.of("1", "USD").plus(Money.of("1", "EUR"))).isInstanceOf(IllegalArgumentException.class);
    }
}

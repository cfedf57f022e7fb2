package dev.inference.ledger.invoicing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceLine;

class InvoiceRoundingTest {

    private static final Instant T = Instant.parse("2026-11-02T00:00:00Z");

    private static UnbilledLine charge(String component, String amount) {
        return new UnbilledLine("2026-11", "tokens", "m", "p", 1, component, BigDecimal.ONE, "1M tokens", BigDecimal.ONE,
                new BigDecimal(amount), 1, T, T);
    }

    @Test
    void each_line_is_rounded_once_half_even_and_the_remainder_goes_to_the_next_invoice() {
        var rounded = InvoiceRounding.round(List.of(charge("input", "1.005"), charge("output", "2.015000000001")), BigDecimal.ZERO, "USD");
        assertThat(rounded.lines()).extracting(InvoiceLine::amount).containsExactly(new BigDecimal("1.00"), new BigDecimal("2.02"));
        assertThat(rounded.total()).isEqualByComparingTo("3.02");
        assertThat(rounded.carriedOut()).isEqualByComparingTo("0.000000000001");
    }

    @Test
    void a_carry_of_a_minor_unit_or_more_is_a_line_of_its_own() {
        var rounded = InvoiceRounding.round(List.of(charge("input", "1.004")), new BigDecimal("0.008"), "USD");
        assertThat(rounded.lines()).extracting(InvoiceLine::component).containsExactly("input", InvoiceRounding.CARRIED_COMPONENT);
        assertThat(rounded.total()).isEqualByComparingTo("1.01");
        assertThat(rounded.carriedOut()).isEqualByComparingTo("0.002");
    }

    @Test
    void no_invoice_goes_below_zero_for_a_carry() {
        var rounded = InvoiceRounding.round(List.of(charge("input", "0.004")), new BigDecimal("-0.008"), "USD");
        assertThat(rounded.total()).isEqualByComparingTo("0.00");
        assertThat(rounded.carriedOut()).isEqualByComparingTo("-0.004");
    }

    @Test
    void credit_beyond_the_charges_is_carried_to_the_next_invoice_and_taken_as_far_as_its_charges_go() {
        var first = InvoiceRounding.round(List.of(charge("input", "1.00"), charge("credit", "-3.004")), BigDecimal.ZERO, "USD");
        assertThat(first.total()).isEqualByComparingTo("0");
        assertThat(first.carriedOut()).isEqualByComparingTo("-2.004");
        assertThat(first.lines()).extracting(InvoiceLine::amount).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("1.00"), new BigDecimal("-3.00"), new BigDecimal("2.00"));

        var second = InvoiceRounding.round(List.of(charge("input", "1.50")), first.carriedOut(), "USD");
        assertThat(second.total()).isEqualByComparingTo("0");
        assertThat(second.carriedOut()).isEqualByComparingTo("-0.504");

        var third = InvoiceRounding.round(List.of(charge("input", "5.00")), second.carriedOut(), "USD");
        assertThat(third.total()).isEqualByComparingTo("4.50");
        assertThat(third.carriedOut()).isEqualByComparingTo("-0.004");
    }

    /** With credits among the charges, no invoice is below zero and the totals and the last carry still add up to the charges. */
    @Test
    void over_runs_with_credits_no_invoice_is_negative_and_every_cent_is_accounted() {
        Random random = new Random(20261207L);
        for (int run = 0; run < 20; run++) {
            BigDecimal charged = BigDecimal.ZERO;
            BigDecimal invoiced = BigDecimal.ZERO;
            BigDecimal carry = BigDecimal.ZERO;
            for (int invoice = 0; invoice < 100; invoice++) {
                List<UnbilledLine> lines = new ArrayList<>();
                for (int l = 0, n = 1 + random.nextInt(4); l < n; l++) {
                    BigDecimal amount = BigDecimal.valueOf(random.nextLong(-3_000_000_000_000L, 5_000_000_000_000L), 12);
                    lines.add(charge("c" + l, amount.toPlainString()));
                    charged = charged.add(amount);
                }
                var rounded = InvoiceRounding.round(lines, carry, "USD");
                assertThat(rounded.total().signum()).isGreaterThanOrEqualTo(0);
                assertThat(rounded.lines().stream().map(InvoiceLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add))
                        .isEqualByComparingTo(rounded.total());
                invoiced = invoiced.add(rounded.total());
                carry = rounded.carriedOut();
            }
            assertThat(invoiced.add(carry)).isEqualByComparingTo(charged);
        }
    }

    /** Over any run of invoices, the totals and the last carry add up to the charges, to the last decimal. */
    @Test
    void over_hundreds_of_random_invoices_the_invoiced_totals_equal_the_charges_exactly() {
        Random random = new Random(20261203L);
        for (int run = 0; run < 20; run++) {
            BigDecimal charged = BigDecimal.ZERO;
            BigDecimal invoiced = BigDecimal.ZERO;
            BigDecimal carry = BigDecimal.ZERO;
            for (int invoice = 0; invoice < 300; invoice++) {
                List<UnbilledLine> lines = new ArrayList<>();
                for (int l = 0, n = 1 + random.nextInt(6); l < n; l++) {
                    BigDecimal amount = BigDecimal.valueOf(random.nextLong(0, 5_000_000_000_000L), 12)
                            .multiply(BigDecimal.valueOf(random.nextInt(1, 50))).setScale(12, RoundingMode.UNNECESSARY);
                    lines.add(charge("c" + l, amount.toPlainString()));
                    charged = charged.add(amount);
                }
                var rounded = InvoiceRounding.round(lines, carry, "USD");
                assertThat(rounded.total().signum()).isGreaterThanOrEqualTo(0);
                assertThat(rounded.total().scale()).isEqualTo(2);
                assertThat(rounded.carriedOut().abs()).isLessThan(new BigDecimal("0.01").multiply(BigDecimal.valueOf(lines.size() + 1)));
                invoiced = invoiced.add(rounded.total());
                carry = rounded.carriedOut();
            }
            assertThat(invoiced.add(carry)).isEqualByComparingTo(charged);
        }
    }
}

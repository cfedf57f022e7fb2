package dev.inference.ledger.accounts;

import static dev.inference.ledger.accounts.AccountEvents.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.inference.ledger.accounts.AccountEvents.NOW;
import static dev.inference.ledger.accounts.AccountEvents.PRICE;
import static dev.inference.ledger.accounts.AccountEvents.batch;
import static dev.inference.ledger.accounts.AccountEvents.credited;
import static dev.inference.ledger.accounts.AccountEvents.opened;
import static dev.inference.ledger.accounts.AccountEvents.usd;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BillingLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceDefaulted;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceSettled;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceWrittenOff;
import dev.inference.ledger.kernel.account.AccountEvent.PaymentMethodAttached;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.accounts.AccountCommand.AttachPaymentMethod;
import dev.inference.ledger.accounts.AccountCommand.CloseUnbilled;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoiceVoided;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoiceDefault;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoicePaid;
import dev.inference.ledger.accounts.AccountCommand.TopUp;

/** The account's side of invoicing: what an invoice takes, and what its payment or default means. */
class BillingTest {

    private static final BillingMode POSTPAID = BillingMode.POSTPAID;
    private static final Instant OCT_31 = Instant.parse("2026-10-31T23:59:00Z");
    private static final Instant NOV_1 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant NOV_1_LATER = Instant.parse("2026-11-01T00:10:00Z");

    private AggregateTestFixture<Account> fixture;

    @BeforeEach
    void setUp() {
        fixture = AccountEvents.fixture();
    }

    private static ChargedRecord at(String eventId, String cost, Instant occurredAt) {
        return new ChargedRecord(eventId, occurredAt, "gw-1", Attribution.NONE, 0, List.of(new BigDecimal(cost)), usd(cost).amount(), null);
    }

    private static UnbilledLine line(String period, String quantity, String amount, long records, Instant first, Instant last) {
        return new UnbilledLine(period, PRICE.kind(), PRICE.item(), PRICE.provider(), 1, "input", BigDecimal.ONE, "1M tokens",
                new BigDecimal(quantity), usd(amount).amount(), records, first, last);
    }

    private static UnbilledClosed closed(String invoiceId, String kind, Instant cutoff, String total, String unbilledAfter,
                                         UnbilledLine... lines) {
        return new UnbilledClosed(ID, invoiceId, kind, cutoff, "USD", List.of(lines), usd(total).amount(), usd(unbilledAfter).amount(),
                usd("0").amount(), NOW);
    }

    @Test
    void a_monthly_invoice_takes_the_charges_that_occurred_before_the_month_ended_and_leaves_the_1st_of_november_for_the_next() {
        fixture.given(opened(POSTPAID),
                        batch(POSTPAID, "0", "0", "7.5", "7.5", at("u-1", "3", OCT_31), at("u-2", "2", OCT_31), at("u-3", "2.5", NOV_1_LATER)))
                .when(new CloseUnbilled(ID, "acct-42/monthly/2026-10", UnbilledClosed.MONTHLY, NOV_1))
                .expectEvents(closed("acct-42/monthly/2026-10", UnbilledClosed.MONTHLY, NOV_1, "5", "2.5",
                        line("2026-10", "5", "5", 2, OCT_31, OCT_31)))
                .expectResultMessagePayload(closed("acct-42/monthly/2026-10", UnbilledClosed.MONTHLY, NOV_1, "5", "2.5",
                        line("2026-10", "5", "5", 2, OCT_31, OCT_31)));
    }

    @Test
    void a_charge_backdated_into_a_closed_month_lands_on_the_next_invoice_with_its_own_date() {
        fixture.given(opened(POSTPAID),
                        batch(POSTPAID, "0", "0", "3", "3", at("u-1", "3", OCT_31)),
                        closed("acct-42/monthly/2026-10", UnbilledClosed.MONTHLY, NOV_1, "3", "0", line("2026-10", "3", "3", 1, OCT_31, OCT_31)),
                        batch(POSTPAID, "0", "0", "1.25", "4.25", at("u-late", "1.25", OCT_31)))
                .when(new CloseUnbilled(ID, "acct-42/monthly/2026-11", UnbilledClosed.MONTHLY, Instant.parse("2026-12-01T00:00:00Z")))
                .expectEvents(closed("acct-42/monthly/2026-11", UnbilledClosed.MONTHLY, Instant.parse("2026-12-01T00:00:00Z"), "1.25", "0",
                        line("2026-10", "1.25", "1.25", 1, OCT_31, OCT_31)));
    }

    @Test
    void closing_the_same_invoice_again_closes_nothing_more() {
        fixture.given(opened(POSTPAID), batch(POSTPAID, "0", "0", "3", "3", at("u-1", "3", OCT_31)),
                        closed("acct-42/threshold/3", UnbilledClosed.THRESHOLD, null, "3", "0", line("2026-10", "3", "3", 1, OCT_31, OCT_31)),
                        batch(POSTPAID, "0", "0", "1", "4", at("u-2", "1", OCT_31)))
                .when(new CloseUnbilled(ID, "acct-42/threshold/3", UnbilledClosed.THRESHOLD, null))
                .expectNoEvents();
    }

    @Test
    void nothing_unbilled_closes_nothing() {
        fixture.given(opened(POSTPAID))
                .when(new CloseUnbilled(ID, "acct-42/monthly/2026-10", UnbilledClosed.MONTHLY, NOV_1))
                .expectNoEvents()
                .expectResultMessagePayload(null);
    }

    @Test
    void a_threshold_invoice_takes_everything_unbilled_and_re_arms_the_billing_limit() {
        fixture.given(opened(POSTPAID), batch(POSTPAID, "0", "0", "20", "20", at("u-1", "12", OCT_31), at("u-2", "8", NOV_1_LATER)),
                        new BillingLimitReached(ID, 1, usd("20"), usd("20"), NOW, 1),
                        closed("acct-42/threshold/3", UnbilledClosed.THRESHOLD, null, "20", "0",
                                line("2026-10", "12", "12", 1, OCT_31, OCT_31), line("2026-11", "8", "8", 1, NOV_1_LATER, NOV_1_LATER)))
                .when(new AccountCommand.ChargeUsage(ID, List.of(new AccountCommand.UsageToCharge("u-3", NOW, "gw-1", Attribution.NONE,
                        AccountEvents.charge("20"), null))))
                .expectEvents(batch(POSTPAID, "0", "0", "20", "40", AccountEvents.record("u-3", "20")),
                        new BillingLimitReached(ID, 1, usd("20"), usd("20"), NOW, 0));
    }

    @Test
    void a_prepaid_account_has_nothing_to_invoice() {
        fixture.given(opened(BillingMode.PREPAID), credited("t-1", "10", "10"))
                .when(new CloseUnbilled(ID, "acct-42/threshold/1", UnbilledClosed.THRESHOLD, null))
                .expectException(AccountRuleViolation.class);
    }

    @Test
    void a_paid_invoice_is_paid_spend_and_promotes_a_postpaid_account() {
        fixture.given(opened(POSTPAID), new InvoiceSettled(ID, "i-1", "INV-2026-000001", usd("60"), usd("60"), NOW))
                .when(new RecordInvoicePaid(ID, "i-2", "INV-2026-000002", usd("40")))
                .expectEvents(new InvoiceSettled(ID, "i-2", "INV-2026-000002", usd("40"), usd("100"), NOW),
                        new TierPromoted(ID, 1, 2, usd("100"), usd("100"), NOW));
    }

    @Test
    void an_invoice_paid_twice_counts_once() {
        fixture.given(opened(POSTPAID), new InvoiceSettled(ID, "i-1", "INV-2026-000001", usd("60"), usd("60"), NOW))
                .when(new RecordInvoicePaid(ID, "i-1", "INV-2026-000001", usd("60")))
                .expectNoEvents();
    }

    @Test
    void an_invoice_that_cannot_be_charged_suspends_the_account_until_it_is_paid() {
        fixture.given(opened(POSTPAID))
                .when(new RecordInvoiceDefault(ID, "i-1", "INV-2026-000001", usd("25"), "card-declined"))
                .expectEvents(new InvoiceDefaulted(ID, "i-1", "INV-2026-000001", usd("25"), "card-declined", NOW),
                        new AccountSuspended(ID, "invoice-unpaid", usd("0"), NOW));
        fixture.given(opened(POSTPAID), new InvoiceDefaulted(ID, "i-1", "INV-2026-000001", usd("25"), "card-declined", NOW),
                        new AccountSuspended(ID, "invoice-unpaid", usd("0"), NOW))
                .when(new RecordInvoicePaid(ID, "i-1", "INV-2026-000001", usd("25")))
                .expectEvents(new InvoiceSettled(ID, "i-1", "INV-2026-000001", usd("25"), usd("25"), NOW),
                        new AccountReinstated(ID, usd("0"), NOW));
    }

    @Test
    void a_top_up_does_not_reinstate_an_account_that_owes_an_invoice() {
        fixture.given(opened(POSTPAID), new InvoiceDefaulted(ID, "i-1", "INV-2026-000001", usd("25"), "card-declined", NOW),
                        new AccountSuspended(ID, "invoice-unpaid", usd("0"), NOW))
                .when(new TopUp(ID, "t-1", usd("50")))
                .expectEvents(credited("t-1", "50", "50"));
    }

    @Test
    void a_card_on_file_is_attached_and_a_malformed_one_refused() {
        fixture.given(opened(POSTPAID))
                .when(new AttachPaymentMethod(ID, "pm_card_visa", "visa ending 4242"))
                .expectEvents(new PaymentMethodAttached(ID, "pm_card_visa", "visa ending 4242", NOW));
        fixture.given(opened(POSTPAID))
                .when(new AttachPaymentMethod(ID, "pm card/../x", "visa"))
                .expectException(AccountRuleViolation.class);
    }

    @Test
    void a_voided_invoice_is_owed_no_more_and_its_account_is_reinstated() {
        fixture.given(opened(POSTPAID), new InvoiceDefaulted(ID, "i-1", "INV-2026-000001", usd("25"), "card-declined", NOW),
                        new AccountSuspended(ID, "invoice-unpaid", usd("0"), NOW))
                .when(new RecordInvoiceVoided(ID, "i-1", "INV-2026-000001", "CN-2026-000001", usd("25")))
                .expectEvents(new InvoiceWrittenOff(ID, "i-1", "INV-2026-000001", "CN-2026-000001", usd("25"), NOW),
                        new AccountReinstated(ID, usd("0"), NOW));
        fixture.given(opened(POSTPAID), new InvoiceWrittenOff(ID, "i-1", "INV-2026-000001", "CN-2026-000001", usd("25"), NOW))
                .when(new RecordInvoiceVoided(ID, "i-1", "INV-2026-000001", "CN-2026-000001", usd("25")))
                .expectNoEvents();
    }

    @Test
    void a_preview_shows_everything_unbilled_line_by_line_and_is_a_read() {
        AccountState given = AccountState.folded(opened(POSTPAID),
                batch(POSTPAID, "0", "0", "5", "5", at("u-1", "3", OCT_31), at("u-2", "2", NOV_1_LATER)));

        assertThat(BillingRules.unbilled(given)).containsExactly(line("2026-10", "3", "3", 1, OCT_31, OCT_31),
                line("2026-11", "2", "2", 1, NOV_1_LATER, NOV_1_LATER));
    }

    @Test
    void a_record_of_nothing_used_costs_nothing_and_puts_no_line_on_an_invoice() {
        ChargedRecord nothing = new ChargedRecord("u-0", OCT_31, "gw-1", Attribution.NONE, 0, List.of(), usd("0").amount(), null);
        fixture.given(opened(POSTPAID), batch(POSTPAID, "0", "0", "3", "3", at("u-1", "3", OCT_31), nothing))
                .when(new CloseUnbilled(ID, "acct-42/monthly/2026-10", UnbilledClosed.MONTHLY, NOV_1))
                .expectEvents(closed("acct-42/monthly/2026-10", UnbilledClosed.MONTHLY, NOV_1, "3", "0",
                        line("2026-10", "3", "3", 1, OCT_31, OCT_31)));
    }
}

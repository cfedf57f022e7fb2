package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.inference.ledger.audit.AuditCommand;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Infrastructure;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.MovableClock;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * A paid invoice corrected after the fact, over a moved clock: a record charged twice by its gateway is reversed after its
 * invoice was paid, and its credit note refunded through the payment provider, once; a goodwill credit note on the next
 * invoice, then a reversal of a record on it, are credited on the one after, which they take to zero, the rest carried on.
 * The auditor's verify finds every cent.
 */
@Import(MovableClock.Config.class)
@TestPropertySource(properties = {"ledger.invoicing.poll-interval=200ms", "ledger.payments.simulated.delay=10ms"})
class CreditNotesEndToEndTest extends ServiceStory {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String ACCOUNT = "acct-refund";

    @Autowired
    MovableClock clock;

    @Autowired
    DataSource dataSource;

    @Test
    void a_reversal_after_payment_is_refunded_once_and_a_credit_note_is_credited_on_the_next_invoice() throws Exception {
        HttpApi api = new HttpApi(port);
        clock.moveTo(Instant.parse("2027-05-10T10:00:00Z"));
        assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"" + ACCOUNT + "\",\"name\":\"Refunded Co\",\"billingMode\":\"postpaid\","
                + "\"currency\":\"USD\"}").status()).isEqualTo(201);
        assertThat(api.put("/api/v1/accounts/" + ACCOUNT + "/payment-method", ADMIN, "{\"paymentMethodId\":\"pm_card_visa\"}").status())
                .isEqualTo(200);

        // 1M output tokens of Claude 4 Opus: 82.50, past tier 1's billing limit: a threshold invoice, paid by card.
        publish("r-1", "2027-05-10T10:00:00Z");
        awaitInvoice(api, "INV-2027-000001", "paid");

        // The gateway had sent it twice under two ids: staff reverse r-1 and refund it.
        var reversal = api.post("/api/v1/accounts/" + ACCOUNT + "/usage/reversals", ADMIN,
                "{\"eventId\":\"r-1\",\"reason\":\"counted twice by the gateway\",\"settlement\":\"refund\"}");
        assertThat(reversal.status()).as(reversal.body().toString()).isEqualTo(201);
        assertThat(reversal.body().at("/invoiceCredit/amount").asText()).isEqualTo("82.50");
        JsonNode refunded = awaitCreditNote(api, "INV-2027-000001", "refunded");
        assertThat(refunded.get("creditNoteNumber").asText()).isEqualTo("CN-2027-000001");
        assertThat(refunded.get("settlement").asText()).isEqualTo("refund");
        assertThat(refunded.get("usageEventId").asText()).isEqualTo("r-1");
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM simulated_payments WHERE idempotency_key LIKE 'refund/%' AND amount = -82.50",
                Integer.class)).as("refunded once").isEqualTo(1);
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/usage/reversals", ADMIN, "{\"eventId\":\"r-1\",\"reason\":\"again\"}")
                .body().get("type").asText()).isEqualTo("/problems/usage-already-reversed");

        // The second invoice, paid; a goodwill credit note of 10.00 on it, credited on the next invoice.
        publish("r-2", "2027-05-10T10:00:30Z");
        awaitInvoice(api, "INV-2027-000002", "paid");
        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();
        String goodwill = "{\"amount\":\"10.00\",\"reason\":\"goodwill for an outage\",\"settlement\":\"credit\"}";
        assertThat(api.post("/api/v1/invoices/INV-2027-000002/credit-notes", staff, goodwill, "Idempotency-Key", "gw-1").status())
                .isEqualTo(403);
        var note = api.post("/api/v1/invoices/INV-2027-000002/credit-notes", ADMIN, goodwill, "Idempotency-Key", "gw-1");
        assertThat(note.status()).as(note.body().toString()).isEqualTo(201);
        assertThat(note.body().get("creditNote").asText()).isEqualTo("CN-2027-000002");
        var again = api.post("/api/v1/invoices/INV-2027-000002/credit-notes", ADMIN, goodwill, "Idempotency-Key", "gw-1");
        assertThat(again.body().get("creditNote").asText()).as("the same key, the same credit note").isEqualTo("CN-2027-000002");
        var tooMuch = api.post("/api/v1/invoices/INV-2027-000002/credit-notes", ADMIN,
                "{\"amount\":\"80.00\",\"reason\":\"too much\",\"settlement\":\"refund\"}", "Idempotency-Key", "gw-2");
        assertThat(tooMuch.status()).isEqualTo(422);
        assertThat(tooMuch.body().get("type").asText()).isEqualTo("/problems/credit-exceeds-invoice");
        assertThat(api.post("/api/v1/invoices/INV-2027-000002/credit-notes", ADMIN, "{\"amount\":\"0.001\",\"reason\":\"x\"}",
                "Idempotency-Key", "gw-3").status()).isEqualTo(422);
        Await.until("the credit waits on the next invoice", WAIT, () -> unbilled(api).compareTo(new BigDecimal("-10")) == 0);

        // r-2 was wrong too, reversed as credit: the invoice has 72.50 left to credit (10.00 went as goodwill): a credit note of
        // 72.50, credited, and the 10.00 it could not take credited as well: the whole 82.50 comes back.
        var second = api.post("/api/v1/accounts/" + ACCOUNT + "/usage/reversals", ADMIN, "{\"eventId\":\"r-2\",\"reason\":\"test traffic\"}");
        assertThat(second.status()).as(second.body().toString()).isEqualTo(201);
        Await.until("both credits wait on the next invoice", WAIT, () -> unbilled(api).compareTo(new BigDecimal("-92.50")) == 0);
        JsonNode credited = api.get("/api/v1/invoices/INV-2027-000002", ADMIN).body();
        assertThat(new BigDecimal(credited.get("credited").asText())).isEqualByComparingTo("82.50");
        assertThat(credited.at("/creditNotes/1/amount").asText()).startsWith("72.5");

        // June's run: May's 0.001425 of DeepSeek less the 92.50 of credit: nothing due, 92.498575 carried to the next invoice.
        clock.moveTo(Instant.parse("2027-05-20T10:05:00Z"));
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(new Usage(ACCOUNT, "{\"eventId\":\"d-1\",\"kind\":\"tokens\","
                + "\"accountId\":\"" + ACCOUNT + "\",\"occurredAt\":\"2027-05-20T10:00:00Z\",\"model\":\"deepseek-ai/DeepSeek-V3\","
                + "\"inputTokens\":2000,\"outputTokens\":500}")), 0);
        Await.until("the small usage is unbilled", WAIT, () -> unbilled(api).compareTo(new BigDecimal("-92.498575")) == 0);
        clock.moveTo(Instant.parse("2027-06-01T00:00:30Z"));
        JsonNode june = awaitInvoice(api, "INV-2027-000003", "paid");
        assertThat(new BigDecimal(june.get("total").asText())).isZero();
        assertThat(new BigDecimal(june.get("carriedOut").asText())).isEqualByComparingTo("-92.498575");

        new Ledger(infra().database, api, ADMIN).assertReconciles();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = new AuditCommand(Map.of("LEDGER_DB_URL", infra().database.jdbcUrl(), "LEDGER_DB_USER", infra().database.user(),
                "LEDGER_DB_PASSWORD", infra().database.password(), "LEDGER_AUDIT_SIGNING_KEY", Infrastructure.AUDIT_SIGNING_KEY),
                new PrintStream(output, true)).run("verify");
        assertThat(exit).as(output.toString()).isZero();
    }

    private static BigDecimal unbilled(HttpApi api) {
        return new BigDecimal(api.get("/api/v1/accounts/" + ACCOUNT, ADMIN).body().path("unbilled").asText("0"));
    }

    private static void publish(String eventId, String occurredAt) {
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(new Usage(ACCOUNT, "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\","
                + "\"accountId\":\"" + ACCOUNT + "\",\"occurredAt\":\"" + occurredAt + "\",\"model\":\"anthropic/claude-4-opus\","
                + "\"outputTokens\":1000000}")), 0);
    }

    private static JsonNode awaitInvoice(HttpApi api, String number, String status) {
        Await.until(number + " is " + status, WAIT, () -> {
            HttpApi.Response invoice = api.get("/api/v1/invoices/" + number, ADMIN);
            return invoice.status() == 200 && status.equals(invoice.body().path("status").asText());
        });
        return api.get("/api/v1/invoices/" + number, ADMIN).body();
    }

    private static JsonNode awaitCreditNote(HttpApi api, String number, String refundStatus) {
        Await.until(number + "'s credit note is " + refundStatus, WAIT,
                () -> refundStatus.equals(api.get("/api/v1/invoices/" + number, ADMIN).body().at("/creditNotes/0/refundStatus").asText()));
        return api.get("/api/v1/invoices/" + number, ADMIN).body().at("/creditNotes/0");
    }
}

package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.inference.ledger.audit.AuditCommand;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Infrastructure;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.MovableClock;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;
import dev.inference.ledger.service.support.WebhookReceiver;

/**
 * Billing stories over a moved clock: a postpaid customer's usage, published to Kafka over two months,
 * crosses its tier's billing limit twice and is invoiced at once each time, paid by card, promoted; each
 * month's rest is invoiced when the month turns, and a record backdated into a closed month lands on the
 * next invoice. A customer whose card declines is suspended until a new card pays.
 */
@Import(MovableClock.Config.class)
@TestPropertySource(properties = {"ledger.invoicing.poll-interval=200ms", "ledger.invoicing.payment-attempts=2",
        "ledger.invoicing.first-payment-retry-after=1s", "ledger.payments.simulated.delay=10ms",
        "ledger.webhooks.retry-schedule=0s,300ms,300ms", "ledger.webhooks.poll-interval=100ms"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InvoicingEndToEndTest extends ServiceStory {

    @Autowired
    MovableClock clock;

    private static WebhookReceiver receiver;

    @BeforeAll
    static void receiver(@Autowired MovableClock clock) throws IOException {
        receiver = new WebhookReceiver(clock);
    }

    @AfterAll
    static void closeReceiver() {
        receiver.close();
    }

    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    @Order(1)
    void a_postpaid_account_crosses_two_tier_limits_and_is_invoiced_paid_promoted_and_invoiced_monthly() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        clock.moveTo(Instant.parse("2027-02-10T10:00:00Z"));
        open(api, "acct-beatrix", "Beatrix Labs");
        // The authorize view learns of the new account from the event stream: a moment after it opened.
        Await.until("authorize refuses a postpaid account without a card", WAIT,
                () -> api.get("/api/v1/authorize?accountId=acct-beatrix", ADMIN).body().path("reason").asText().equals("no-payment-method"));
        assertThat(api.put("/api/v1/accounts/acct-beatrix/payment-method", ADMIN, "{\"paymentMethodId\":\"pm_card_visa\",\"description\":\"visa 4242\"}")
                .status()).isEqualTo(200);
        Await.until("the card on file lets the account spend", WAIT,
                () -> api.get("/api/v1/authorize?accountId=acct-beatrix", ADMIN).body().path("allowed").asBoolean());
        // The customer's receiver refuses each webhook's first attempt, then takes it.
        String hook = receiver.route("/beatrix", 1, 500, 204);
        var subscription = api.post("/api/v1/accounts/acct-beatrix/webhooks", ADMIN,
                "{\"url\":\"" + hook + "\",\"eventTypes\":[\"invoice.issued\",\"invoice.paid\",\"tier.promoted\"]}");
        assertThat(subscription.status()).as(String.valueOf(subscription.body())).isEqualTo(201);
        receiver.trust("/beatrix", subscription.body().get("secret").asText());

        // 1M output tokens of Claude 4 Opus: 82.50, past tier 1's limit of 20: a threshold invoice, paid by card.
        publish(opus("b-1", "2027-02-10T10:00:00Z", 1_000_000));
        JsonNode first = awaitInvoice(api, "INV-2027-000001", "paid");
        assertThat(first.get("kind").asText()).isEqualTo("threshold");
        assertThat(new BigDecimal(first.get("total").asText())).isEqualByComparingTo("82.50");
        publish(opus("b-2", "2027-02-10T10:00:30Z", 1_000_000));
        awaitInvoice(api, "INV-2027-000002", "paid");
        // 165.00 paid: tier 2 (limit 100).
        Await.until("the account is promoted to tier 2", WAIT, () -> api.get("/api/v1/accounts/acct-beatrix", ADMIN).body().path("tier").asInt() == 2);
        assertThat(ledger.eventsOf("acct-beatrix", "BillingLimitReached")).isEqualTo(2);
        // Each move of the clock waits for the webhooks in flight: a receiver checks their timestamps against its own clock.
        awaitWebhooksAccepted(5);

        // A little usage late in February, invoiced by the monthly run when March begins: 0.001425 rounds to 0.00.
        clock.moveTo(Instant.parse("2027-02-27T12:05:00Z"));
        publish(deepseek("b-3", "2027-02-27T12:00:00Z"));
        awaitUnbilled(api, "0.001425");
        clock.moveTo(Instant.parse("2027-03-01T00:00:30Z"));
        JsonNode february = awaitInvoice(api, "INV-2027-000003", "paid");
        assertThat(february.get("kind").asText()).isEqualTo("monthly");
        assertThat(new BigDecimal(february.get("total").asText())).isZero();
        assertThat(new BigDecimal(february.get("carriedOut").asText())).isEqualByComparingTo("0.001425");
        awaitWebhooksAccepted(7);

        // A record of 28 February arrives on 2 March: February is closed, so it goes on March's invoice, with its own date.
        clock.moveTo(Instant.parse("2027-03-02T09:00:00Z"));
        publish(opus("b-late", "2027-02-28T23:00:00Z", 100_000));
        awaitUnbilled(api, "8.25");
        clock.moveTo(Instant.parse("2027-04-01T00:00:30Z"));
        JsonNode march = awaitInvoice(api, "INV-2027-000004", "paid");
        assertThat(new BigDecimal(march.get("total").asText())).isEqualByComparingTo("8.25");
        assertThat(new BigDecimal(march.get("carriedIn").asText())).isEqualByComparingTo("0.001425");
        assertThat(march.get("lines")).singleElement().satisfies(line ->
                assertThat(line.get("firstOccurredAt").asText()).isEqualTo("2027-02-28T23:00:00Z"));

        // Every charge on exactly one invoice: the invoices' exact charges are the usage charged, to the last decimal.
        BigDecimal invoicedExact = BigDecimal.ZERO;
        for (JsonNode invoice : api.get("/api/v1/accounts/acct-beatrix/invoices", ADMIN).body().get("invoices")) {
            invoicedExact = invoicedExact.add(new BigDecimal(invoice.get("exactCharges").asText()));
        }
        assertThat(invoicedExact).isEqualByComparingTo("173.251425");
        assertThat(new BigDecimal(api.get("/api/v1/accounts/acct-beatrix", ADMIN).body().get("unbilled").asText())).isZero();
        ledger.assertReconciles();

        String text = pdfText(port, "INV-2027-000001");
        assertThat(text).contains("Invoice INV-2027-000001", "Beatrix Labs", "82.50", "Total due", "paid");
        String csv = api.text("/api/v1/invoices/INV-2027-000004.csv", ADMIN)[1];
        assertThat(csv).contains("\"output\"", "8.250000000000");

        // Gateways read the same facts on billing.notifications.
        var told = Topics.read(infra().kafka.bootstrapServers(), "billing.notifications", 8, r -> "acct-beatrix".equals(r.key())
                && Topics.header(r, "x-notification-type").startsWith("invoice."));
        assertThat(told).extracting(r -> Topics.header(r, "x-notification-type")).containsOnly("invoice.issued", "invoice.paid");
        assertThat(told).extracting(r -> Topics.header(r, "x-receipt-id")).doesNotHaveDuplicates();

        // Every invoice issued and paid reached the receiver, signed, once accepted per webhook-id.
        awaitWebhooksAccepted(9);
        assertThat(receiver.at("/beatrix")).allSatisfy(r -> assertThat(r.refusal()).as(r.body()).isNull());
        assertThat(receiver.at("/beatrix").stream().filter(r -> r.answered() == 204).map(WebhookReceiver.Received::webhookId))
                .doesNotHaveDuplicates();
        assertThat(receiver.at("/beatrix").stream().filter(r -> r.answered() == 204).map(WebhookReceiver.Received::body))
                .filteredOn(body -> body.contains("\"invoice.issued\"")).hasSize(4)
                .anySatisfy(body -> assertThat(body).contains("INV-2027-000001"));
    }

    @Test
    @Order(2)
    void a_declined_card_suspends_the_account_until_a_new_card_pays_the_invoice() {
        HttpApi api = new HttpApi(port);
        clock.moveTo(Instant.parse("2027-02-10T10:00:00Z"));
        open(api, "acct-declined", "Declined Inc");
        api.put("/api/v1/accounts/acct-declined/payment-method", ADMIN, "{\"paymentMethodId\":\"pm_card_declined\"}");
        publish(opus("d-1", "2027-02-10T10:00:00Z", 1_000_000).replace("acct-beatrix", "acct-declined"), "acct-declined");
        awaitInvoice(api, "INV-2027-000005", "payment-failed");
        Await.until("the account is suspended", WAIT,
                () -> "suspended".equals(api.get("/api/v1/accounts/acct-declined", ADMIN).body().path("status").asText()));

        api.put("/api/v1/accounts/acct-declined/payment-method", ADMIN, "{\"paymentMethodId\":\"pm_card_visa\"}");
        awaitInvoice(api, "INV-2027-000005", "paid");
        Await.until("the account is reinstated", WAIT,
                () -> "active".equals(api.get("/api/v1/accounts/acct-declined", ADMIN).body().path("status").asText()));
        assertThat(api.post("/api/v1/invoices/INV-2027-000005/pay", ADMIN, "").status()).isEqualTo(422);
    }

    @Test
    @Order(3)
    void an_invoice_voided_by_a_credit_note_is_owed_no_more_and_a_prepaid_account_gets_its_statement() throws Exception {
        HttpApi api = new HttpApi(port);
        clock.moveTo(Instant.parse("2027-02-12T10:00:00Z"));
        open(api, "acct-void", "Void Co");
        api.put("/api/v1/accounts/acct-void/payment-method", ADMIN, "{\"paymentMethodId\":\"pm_card_declined\"}");
        publish(opus("v-1", "2027-02-12T10:00:00Z", 1_000_000).replace("acct-beatrix", "acct-void"), "acct-void");
        Await.until("the account is suspended for its unpaid invoice", WAIT,
                () -> "suspended".equals(api.get("/api/v1/accounts/acct-void", ADMIN).body().path("status").asText()));
        String number = api.get("/api/v1/accounts/acct-void/invoices", ADMIN).body().get("invoices").get(0).get("number").asText();

        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();
        assertThat(api.post("/api/v1/invoices/" + number + "/void", staff, "{\"reason\":\"goodwill\"}").status()).isEqualTo(403);
        var voided = api.post("/api/v1/invoices/" + number + "/void", ADMIN, "{\"reason\":\"goodwill\"}");
        assertThat(voided.status()).as(String.valueOf(voided.body())).isEqualTo(200);
        assertThat(voided.body().get("creditNote").asText()).isEqualTo("CN-2027-000001");
        awaitInvoice(api, number, "void");
        Await.until("the account owes nothing and is reinstated", WAIT,
                () -> "active".equals(api.get("/api/v1/accounts/acct-void", ADMIN).body().path("status").asText()));
        assertThat(api.post("/api/v1/invoices/" + number + "/void", ADMIN, "{}").body().path("type").asText())
                .isEqualTo("/problems/invoice-voided");
        assertThat(pdfText(port, number)).contains("VOID", "CN-2027-000001");

        // The preview: what a threshold invoice would take now, by the same closing and rounding, closing nothing.
        publish(deepseek("v-2", "2027-02-12T10:00:00Z").replace("acct-beatrix", "acct-void"), "acct-void");
        Await.until("the preview shows the new usage", WAIT, () -> "0.001425000000".equals(
                api.get("/api/v1/accounts/acct-void/invoices/preview", ADMIN).body().path("exactCharges").asText()));
        var preview = api.get("/api/v1/accounts/acct-void/invoices/preview", ADMIN).body();
        assertThat(new BigDecimal(preview.get("total").asText())).isZero();
        assertThat(preview.get("lines")).hasSize(2);
        Await.until("the preview closed nothing: the usage is still unbilled", WAIT, () -> new BigDecimal(
                api.get("/api/v1/accounts/acct-void", ADMIN).body().path("unbilled").asText("0")).compareTo(new BigDecimal("0.001425")) == 0);

        // A prepaid account's month: opening, top-ups, usage, closing, nothing due.
        assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-pre\",\"name\":\"Prepaid\",\"billingMode\":\"prepaid\","
                + "\"currency\":\"USD\"}").status()).isEqualTo(201);
        api.post("/api/v1/accounts/acct-pre/top-ups", ADMIN, "{\"amount\":\"100.00\"}", "Idempotency-Key", "pre-1");
        publish(opus("p-1", "2027-02-12T10:00:00Z", 100_000).replace("acct-beatrix", "acct-pre"), "acct-pre");
        new Ledger(infra().database, api, ADMIN).awaitBalance("acct-pre", new BigDecimal("91.75"), WAIT);
        Await.until("the statement counts the usage", WAIT, () -> new BigDecimal(
                api.get("/api/v1/accounts/acct-pre/statements/2027-02", ADMIN).body().path("usage").asText("0")).signum() > 0);
        var statement = api.get("/api/v1/accounts/acct-pre/statements/2027-02", ADMIN).body();
        assertThat(new BigDecimal(statement.get("openingBalance").asText())).isZero();
        assertThat(new BigDecimal(statement.get("topUps").asText())).isEqualByComparingTo("100");
        assertThat(new BigDecimal(statement.get("usage").asText())).isEqualByComparingTo("8.25");
        assertThat(new BigDecimal(statement.get("closingBalance").asText())).isEqualByComparingTo("91.75");
        assertThat(new BigDecimal(statement.get("due").asText())).isZero();
        assertThat(api.get("/api/v1/accounts/acct-pre/statements/2099-01", ADMIN).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/accounts/acct-pre/statements/last-month", ADMIN).status()).isEqualTo(400);

        // The auditor's replay of all three stories: every invoice is what its account closed, its rounding balances, each paid once.
        new Ledger(infra().database, api, ADMIN).assertReconciles();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = new AuditCommand(Map.of("LEDGER_DB_URL", infra().database.jdbcUrl(), "LEDGER_DB_USER", infra().database.user(),
                "LEDGER_DB_PASSWORD", infra().database.password(), "LEDGER_AUDIT_SIGNING_KEY", Infrastructure.AUDIT_SIGNING_KEY),
                new PrintStream(output, true)).run("verify", "--report", "target/audit-report-invoicing.json");
        assertThat(exit).as(output.toString()).isZero();
        assertThat(output.toString()).contains("VERIFIED", "6 invoices");
    }

    private static void awaitWebhooksAccepted(long count) {
        Await.until(count + " webhooks accepted", WAIT, () -> receiver.at("/beatrix").stream().filter(r -> r.answered() == 204).count() == count);
    }

    private static void open(HttpApi api, String id, String name) {
        assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"" + id + "\",\"name\":\"" + name
                + "\",\"billingMode\":\"postpaid\",\"currency\":\"USD\"}").status()).isEqualTo(201);
    }

    private static String opus(String eventId, String occurredAt, int outputTokens) {
        return "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"acct-beatrix\",\"occurredAt\":\"" + occurredAt
                + "\",\"model\":\"anthropic/claude-4-opus\",\"outputTokens\":" + outputTokens + "}";
    }

    private static String deepseek(String eventId, String occurredAt) {
        return "{\"eventId\":\"" + eventId + "\",\"kind\":\"tokens\",\"accountId\":\"acct-beatrix\",\"occurredAt\":\"" + occurredAt
                + "\",\"model\":\"deepseek-ai/DeepSeek-V3\",\"inputTokens\":2000,\"outputTokens\":500}";
    }

    private static void publish(String json) {
        publish(json, "acct-beatrix");
    }

    private static void publish(String json, String account) {
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(new Usage(account, json)), 0);
    }

    private static void awaitUnbilled(HttpApi api, String amount) {
        Await.until("unbilled is " + amount, WAIT, () -> {
            JsonNode unbilled = api.get("/api/v1/accounts/acct-beatrix", ADMIN).body().path("unbilled");
            return unbilled.isTextual() && new BigDecimal(unbilled.asText()).compareTo(new BigDecimal(amount)) == 0;
        });
    }

    private static JsonNode awaitInvoice(HttpApi api, String number, String status) {
        Await.until(number + " is " + status, WAIT, () -> {
            HttpApi.Response invoice = api.get("/api/v1/invoices/" + number, ADMIN);
            return invoice.status() == 200 && status.equals(invoice.body().path("status").asText());
        });
        return api.get("/api/v1/invoices/" + number, ADMIN).body();
    }

    private static String pdfText(int port, String number) throws IOException, InterruptedException {
        HttpResponse<byte[]> pdf = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/invoices/" + number + ".pdf")).header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.statusCode()).isEqualTo(200);
        try (PDDocument document = Loader.loadPDF(pdf.body())) {
            return new PDFTextStripper().getText(document);
        }
    }
}

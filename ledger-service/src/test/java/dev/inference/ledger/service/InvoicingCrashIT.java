package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.testsupport.TestKafka;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceProcess;
import dev.inference.ledger.service.support.UsageStream;
import dev.inference.ledger.service.support.UsageStream.Usage;

/**
 * The monthly run cut short by a SIGKILL, then taken up by two instances at once: every postpaid account
 * is invoiced exactly once, the numbers run without a gap or a repeat, every invoice is paid once, and
 * every account's charges are on its invoice to the last decimal.
 */
class InvoicingCrashIT {

    private static final Logger log = LoggerFactory.getLogger(InvoicingCrashIT.class);
    private static final String ADMIN = "lt_invoicing-crash-admin-token-of-32-characters";
    private static final int ACCOUNTS = 150;
    private static final int RECORDS_EACH = 3;
    /** 10,000 output tokens of Claude 4 Opus. */
    private static final BigDecimal RECORD_COST = new BigDecimal("0.825");
    private static final Map<String, String> INVOICING = Map.of("LEDGER_INVOICING_POLL_INTERVAL", "500ms",
            "LEDGER_INVOICING_RUN_LEASE", "10s", "LEDGER_INVOICING_FIRST_PAYMENT_RETRY_AFTER", "1s",
            "LEDGER_PAYMENTS_SIMULATED_DELAY", "20ms");

    @Test
    void a_monthly_run_killed_midway_and_taken_up_by_two_instances_invoices_every_account_once_without_gaps() throws Exception {
        List<String> accounts = IntStream.range(0, ACCOUNTS).mapToObj(i -> String.format("acct-m%03d", i)).toList();
        // Last month's usage: the run that the start of this month calls for takes it.
        Instant lastMonth = YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().minus(Duration.ofHours(1));
        List<Usage> usage = new ArrayList<>();
        for (String account : accounts) {
            for (int r = 0; r < RECORDS_EACH; r++) {
                usage.add(new Usage(account, "{\"eventId\":\"" + account + "-" + r + "\",\"kind\":\"tokens\",\"accountId\":\"" + account
                        + "\",\"occurredAt\":\"" + lastMonth + "\",\"model\":\"anthropic/claude-4-opus\",\"outputTokens\":10000}"));
            }
        }
        try (TestKafka kafka = TestKafka.start()) {
            TestDatabases.Database database = TestDatabases.fresh("invoicingcrash");
            Path logs = Path.of("target", "invoicing-crash-test");
            Map<String, String> noInvoicing = Map.of("LEDGER_ROLES_INVOICING", "false");
            try (ServiceProcess ingest = new ServiceProcess(database, kafka.bootstrapServers(), ADMIN, noInvoicing, logs.resolve("ingest"));
                 ServiceProcess first = new ServiceProcess(database, kafka.bootstrapServers(), ADMIN, INVOICING, logs.resolve("first"));
                 ServiceProcess second = new ServiceProcess(database, kafka.bootstrapServers(), ADMIN, INVOICING, logs.resolve("second"))) {
                ingest.start().awaitServing(Duration.ofMinutes(2));
                HttpApi api = new HttpApi(ingest.port());
                Ledger ledger = new Ledger(database, api, ADMIN);
                for (String account : accounts) {
                    assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"" + account + "\",\"name\":\"Customer " + account
                            + "\",\"billingMode\":\"postpaid\",\"currency\":\"USD\"}").status()).isEqualTo(201);
                    assertThat(api.put("/api/v1/accounts/" + account + "/payment-method", ADMIN, "{\"paymentMethodId\":\"pm_card_visa\"}")
                            .status()).isEqualTo(200);
                }
                UsageStream.publish(kafka.bootstrapServers(), usage, 0);
                Await.until("every record is charged", Duration.ofMinutes(2), () -> ledger.charged() == (long) ACCOUNTS * RECORDS_EACH);

                first.start().awaitServing(Duration.ofMinutes(2));
                Await.until("the monthly run is under way", Duration.ofMinutes(2), () -> ledger.invoicesIssued() >= 3);
                first.kill();
                long atKill = ledger.invoicesIssued();
                log.info("the invoicing instance was killed (SIGKILL) with {} of {} invoices issued", atKill, ACCOUNTS);
                assertThat(atKill).as("killed in the middle of the run").isLessThan(ACCOUNTS);

                // Two instances now: once the dead one's lease ends, one of them takes the run up.
                first.start();
                second.start();
                first.awaitServing(Duration.ofMinutes(2));
                second.awaitServing(Duration.ofMinutes(2));
                Await.until("every account is invoiced", Duration.ofMinutes(3), () -> ledger.invoicesIssued() >= ACCOUNTS);
                Await.until("every invoice is paid", Duration.ofMinutes(3), () -> paid(api, accounts) == ACCOUNTS);

                assertThat(ledger.invoicesIssued()).as("one invoice per account").isEqualTo(ACCOUNTS);
                int year = Instant.now().atOffset(ZoneOffset.UTC).getYear();
                assertThat(ledger.invoiceNumbers()).as("gapless, each once").containsExactlyInAnyOrderElementsOf(
                        IntStream.rangeClosed(1, ACCOUNTS).mapToObj(n -> String.format("INV-%d-%06d", year, n)).toList());
                BigDecimal exact = RECORD_COST.multiply(BigDecimal.valueOf(RECORDS_EACH));
                for (String account : accounts) {
                    JsonNode invoice = api.get("/api/v1/accounts/" + account + "/invoices", ADMIN).body().get("invoices").get(0);
                    assertThat(new BigDecimal(invoice.get("exactCharges").asText())).as(account).isEqualByComparingTo(exact);
                    assertThat(new BigDecimal(invoice.get("total").asText())).as(account).isEqualByComparingTo("2.48");
                    assertThat(ledger.eventsOf(account, "InvoiceSettled")).as(account + " paid once").isEqualTo(1);
                    assertThat(ledger.paymentsTaken(account)).as(account + " charged once").isEqualTo(1);
                    assertThat(new BigDecimal(api.get("/api/v1/accounts/" + account, ADMIN).body().get("unbilled").asText())).isZero();
                }
                ledger.assertReconciles();
                ledger.awaitAuditLog();
                ServiceProcess.AuditRun audit = second.auditVerify();
                assertThat(audit.exitCode()).as(audit.output()).isZero();
                assertThat(audit.output()).contains("VERIFIED");
            }
        }
    }

    private static long paid(HttpApi api, List<String> accounts) {
        return accounts.stream().filter(account -> {
            JsonNode invoices = api.get("/api/v1/accounts/" + account + "/invoices", ADMIN).body().path("invoices");
            return invoices.size() == 1 && "paid".equals(invoices.get(0).path("status").asText());
        }).count();
    }
}

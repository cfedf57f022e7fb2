package dev.inference.ledger.service.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.testsupport.TestDatabases;

/** What an auditor checks in the ledger's own database and API once a stream has been ingested. */
public final class Ledger {

    private static final String UNDEFINED_TABLE = "42P01";

    private final TestDatabases.Database database;
    private final HttpApi api;
    private final String token;

    public Ledger(TestDatabases.Database database, HttpApi api, String token) {
        this.database = database;
        this.api = api;
        this.token = token;
    }

    public void openPrepaid(List<String> accounts, BigDecimal opening) {
        for (String id : accounts) {
            assertThat(api.post("/api/v1/accounts", token,
                    "{\"accountId\":\"" + id + "\",\"name\":\"Customer " + id + "\",\"billingMode\":\"prepaid\",\"currency\":\"USD\"}")
                    .status()).isEqualTo(201);
            assertThat(api.post("/api/v1/accounts/" + id + "/top-ups", token, "{\"amount\":\"" + opening.toPlainString() + "\"}",
                    "Idempotency-Key", "opening-" + id).status()).isEqualTo(201);
        }
    }

    /** Usage records charged so far, as committed in the database. */
    public long charged() {
        return count("SELECT count(*) FROM charged_usage");
    }

    /** Usage records charged, as the event store holds them (the records of every usage batch). */
    public long usageRecordsCharged() {
        return count(RECORDS + " WHERE d.payloadtype LIKE '%.UsageBatchCharged'");
    }

    /** Usage records charged to one account. */
    public long usageRecordsOf(String accountId) {
        return count(RECORDS + " WHERE d.payloadtype LIKE '%.UsageBatchCharged' AND d.aggregateidentifier = '"
                + accountId.replace("'", "") + "'");
    }

    private static final String RECORDS = """
            SELECT count(*) FROM domainevententry d,
                   jsonb_array_elements(convert_from(d.payload, 'UTF8')::jsonb -> 'records') r""";

    /** How many events of {@code type} (e.g. BudgetBlocked) the account has recorded. */
    public long eventsOf(String accountId, String type) {
        return count("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = '" + accountId.replace("'", "")
                + "' AND payloadtype LIKE '%." + type.replace("'", "") + "'");
    }

    /** Payments the simulated provider took for the account: each must be credited exactly once. */
    public long paymentsTaken(String accountId) {
        return count("SELECT count(*) FROM simulated_payments WHERE succeeded AND account_id = '" + accountId.replace("'", "") + "'");
    }

    /** InvoicePaid events of the account's invoices (each invoice is an aggregate of its own). */
    public long invoicePaymentsRecorded(String accountId) {
        return count("SELECT count(*) FROM domainevententry d JOIN invoices i ON i.invoice_id = d.aggregateidentifier"
                + " WHERE d.payloadtype LIKE '%.InvoicePaid' AND i.account_id = '" + accountId.replace("'", "") + "'");
    }

    /** The usage charges of every invoice issued to the account, exact (before rounding to cents). */
    public BigDecimal invoicedCharges(String accountId) {
        return sum("SELECT coalesce(sum(exact_charges), 0) FROM invoices WHERE account_id = ?", accountId);
    }

    /** The account's events, oldest first, by their simple type name (e.g. RechargeRequested). */
    public List<String> eventTypes(String accountId) {
        List<String> types = new ArrayList<>();
        try (Connection c = database.connect(); var s = c.prepareStatement(
                "SELECT payloadtype FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber")) {
            s.setString(1, accountId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(1);
                    types.add(type.substring(type.lastIndexOf('.') + 1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return types;
    }

    /** Invoices issued, as the event store holds them (not the projection). */
    public long invoicesIssued() {
        return count("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%.InvoiceIssued'");
    }

    /** The numbers of the invoices issued, from the event store, in the order they were stored. */
    public List<String> invoiceNumbers() {
        List<String> numbers = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT convert_from(payload, 'UTF8')::jsonb ->> 'number' FROM domainevententry"
                        + " WHERE payloadtype LIKE '%.InvoiceIssued' ORDER BY globalindex")) {
            while (rs.next()) {
                numbers.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return numbers;
    }

    /** Usage event ids that were charged to the same account more than once: must be none. */
    public long usageEventIdsChargedTwice() {
        return count("""
                SELECT count(*) FROM (
                    SELECT d.aggregateidentifier, r ->> 'eventId'
                      FROM domainevententry d, jsonb_array_elements(convert_from(d.payload, 'UTF8')::jsonb -> 'records') r
                     WHERE d.payloadtype LIKE '%.UsageBatchCharged'
                     GROUP BY 1, 2 HAVING count(*) > 1) twice""");
    }

    /** Waits until the account's projected balance is exactly {@code expected}. */
    public void awaitBalance(String accountId, BigDecimal expected, Duration timeout) {
        Await.until(accountId + " shows its balance of " + expected.toPlainString(), timeout, () -> {
            HttpApi.Response account = api.get("/api/v1/accounts/" + accountId, token);
            return account.status() == 200 && new BigDecimal(account.body().get("balance").asText()).compareTo(expected) == 0;
        });
    }

    /** The account's grants whose effective time or expiry has come and that the account has not looked at yet. */
    public long grantsDue(String accountId) {
        return count("SELECT count(*) FROM credit_grants WHERE due_at <= now() AND account_id = '" + accountId.replace("'", "''") + "'");
    }

    /** What expired of the account's grants, as their expiries recorded it. */
    public BigDecimal expiredCredit(String accountId) {
        return sum("SELECT coalesce(sum(ended_amount), 0) FROM credit_grants WHERE ended = 'expired' AND account_id = ?", accountId);
    }

    private BigDecimal sum(String sql, String accountId) {
        try (Connection c = database.connect(); var s = c.prepareStatement(sql)) {
            s.setString(1, accountId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Until the audit log holds every stored event: a verification before that would find events not yet logged. */
    public void awaitAuditLog() {
        Await.until("the audit log holds every event", Duration.ofSeconds(90),
                () -> count("SELECT count(*) FROM audit_log") == count("SELECT count(*) FROM domainevententry"));
    }

    /** The audit reconciliation: every projected balance and entry against the event store, once the projections caught up. */
    public void assertReconciles() {
        Await.until("the projections reconcile with the event store", Duration.ofSeconds(60),
                () -> api.get("/api/v1/audit/reconciliation", token).body().get("mismatches").isEmpty());
    }

    private long count(String sql) {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return 0; // the service has not created its tables yet
            }
            throw new IllegalStateException(e);
        }
    }
}

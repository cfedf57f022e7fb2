package dev.inference.ledger.service;

import dev.inference.ledger.accounts.BillingRules;
import dev.inference.ledger.accounts.PriceTermRules;

import dev.inference.ledger.kernel.account.BalanceMovement;
import dev.inference.ledger.kernel.account.GrantKind;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.usage.UsageKind;
import dev.inference.ledger.testsupport.TestDatabases;
import dev.inference.ledger.accounts.Budget;
import dev.inference.ledger.accounts.Organisation;
import dev.inference.ledger.service.account.entries.EntriesProjection;
import dev.inference.ledger.service.pricing.PublishedCatalogs;
import dev.inference.ledger.service.security.Role;
import dev.inference.ledger.webhooks.DeliveryQueue;
import dev.inference.ledger.webhooks.WebhookDeliveryWorker;
import dev.inference.ledger.webhooks.WebhookEventType;
import dev.inference.ledger.webhooks.WebhookSubscriptions;

/**
 * Every character column of every migration, against the longest value the ledger writes into it: an
 * {@link Identifier} the doors accept, a composite of them, or a value the ledger makes itself. A value
 * the door accepted must never fail its write later (it would stall a projection or dead-letter usage
 * that was valid). A new column fails {@link #every_character_column_says_what_is_written_into_it} until
 * it is added to {@link #WRITTEN}.
 */
class ColumnWidthsTest {

    /** What a column holds, and the longest such value. */
    record Written(String what, int maxLength) {

        static Written id(Identifier id) {
            return new Written(id.field(), id.maxLength());
        }

        /** A value the ledger makes itself from a known set or shape. */
        static Written internal(String what, int maxLength) {
            return new Written(what, maxLength);
        }

        static Written oneOf(String what, Collection<String> values) {
            return new Written(what + " " + values, values.stream().mapToInt(String::length).max().orElseThrow());
        }

        /** Text of no bound (a stored HTTP answer): only a column without a limit holds it. */
        static Written unbounded(String what) {
            return new Written(what, Integer.MAX_VALUE);
        }
    }

    private static final int INT_DIGITS = String.valueOf(Integer.MAX_VALUE).length();
    private static final int SHA256_HEX = 64;
    /** Axon's own columns (class names, ISO timestamps, node names); its table factories use 255. */
    private static final Written AXON = Written.internal("Axon's own", 255);
    /** Kafka refuses topic names over 249 characters; group ids come from configuration. */
    private static final Written KAFKA_NAME = Written.internal("a Kafka topic or group name from configuration", 249);
    private static final Written ACCOUNT = Written.id(Identifier.ACCOUNT);
    private static final Written USAGE_KIND = Written.oneOf("usage kind",
            Arrays.stream(UsageKind.values()).map(UsageKind::wire).toList());
    private static final Written MODEL_OR_METER = Written.internal("a model or a meter",
            Math.max(Identifier.MODEL.maxLength(), Identifier.METER.maxLength()));
    private static final Written CURRENCY = Written.internal("an ISO 4217 code", 3);
    /** {@code Funding.nextRechargeId}: the account id, "-recharge-" and the account's recharge count (an int). */
    private static final Written RECHARGE_ID = Written.internal("<accountId>-recharge-<n>",
            Identifier.ACCOUNT.maxLength() + "-recharge-".length() + INT_DIGITS);
    /** A grant made through the API, or a top-up's or a recharge's, named after it. */
    private static final Written GRANT_ID = Written.internal("<grantId>, top-up:<Idempotency-Key>, recharge:<rechargeId> or reversal:<eventId>",
            max(Identifier.GRANT.maxLength(), "top-up:".length() + Identifier.IDEMPOTENCY_KEY.maxLength(),
                    "recharge:".length() + RECHARGE_ID.maxLength(), "reversal:".length() + Identifier.EVENT_ID.maxLength()));

    /** {@code InvoiceIssuer}: the account id, "/threshold/" and a sequence number (a long), or "/monthly/yyyy-MM". */
    private static final Written INVOICE_ID = Written.internal("<accountId>/threshold/<sequence> or <accountId>/monthly/<yyyy-MM>",
            Identifier.ACCOUNT.maxLength() + "/threshold/".length() + String.valueOf(Long.MAX_VALUE).length());
    private static final Written INVOICE_NUMBER = Written.internal("INV-<year>-<number>", "INV-".length() + 4 + 1 + 19);
    private static final Written WEBHOOK_SUBSCRIPTION = Written.internal("whsub_<random>", WebhookSubscriptions.SUBSCRIPTION_ID_LENGTH);
    private static final Written WEBHOOK_EVENT_TYPE = Written.oneOf("webhook event type", WebhookEventType.wireNames());

    /** {@code HoldEvent.stream}: "hold/", the account id, "/" and the hold id. */
    private static final Written HOLD_STREAM = Written.internal("hold/<accountId>/<holdId>",
            HoldEvent.STREAM_PREFIX.length() + Identifier.ACCOUNT.maxLength() + 1 + Identifier.HOLD.maxLength());

    private static final Map<String, Written> WRITTEN = columns(
            // V1: Axon's event store.
            table("domainevententry",
                    "aggregateidentifier", Written.internal("an account id, an invoice id, the price list's id or a hold's stream",
                            max(Identifier.ACCOUNT.maxLength(), INVOICE_ID.maxLength(), PublishedCatalogs.PRICE_LIST.length(), HOLD_STREAM.maxLength())),
                    "type", AXON, "eventidentifier", AXON, "payloadrevision", AXON, "payloadtype", AXON, "timestamp", AXON),
            table("snapshotevententry",
                    "aggregateidentifier", Written.internal("an account id, an invoice id, the price list's id or a hold's stream",
                            max(Identifier.ACCOUNT.maxLength(), INVOICE_ID.maxLength(), PublishedCatalogs.PRICE_LIST.length(), HOLD_STREAM.maxLength())),
                    "type", AXON, "eventidentifier", AXON, "payloadrevision", AXON, "payloadtype", AXON, "timestamp", AXON),
            table("tokenentry", "processorname", AXON, "tokentype", AXON, "timestamp", AXON, "owner", AXON),
            // V2
            table("charged_usage", "account_id", ACCOUNT, "event_id", Written.id(Identifier.EVENT_ID)),
            table("usage_rollup", "account_id", ACCOUNT, "kind", USAGE_KIND, "item", MODEL_OR_METER, "provider", Written.id(Identifier.PROVIDER),
                    "api_key_id", Written.id(Identifier.API_KEY), "project_id", Written.id(Identifier.PROJECT),
                    "member_id", Written.id(Identifier.MEMBER), "source", Written.id(Identifier.SOURCE)),
            table("usage_daily", "account_id", ACCOUNT, "kind", USAGE_KIND, "item", MODEL_OR_METER, "provider", Written.id(Identifier.PROVIDER),
                    "api_key_id", Written.id(Identifier.API_KEY), "project_id", Written.id(Identifier.PROJECT),
                    "member_id", Written.id(Identifier.MEMBER), "source", Written.id(Identifier.SOURCE)),
            table("account_budgets", "account_id", ACCOUNT, "scope", Written.oneOf("budget scope", Budget.SCOPES),
                    "scope_id", Written.id(Identifier.SCOPE_ID), "period", Written.oneOf("budget period", List.of("month")),
                    "soft_alerts", Written.unbounded("the alert fractions, comma separated")),
            table("held_top_ups", "account_id", ACCOUNT, "top_up_id", Written.id(Identifier.IDEMPOTENCY_KEY)),
            table("held_usage", "account_id", ACCOUNT, "usage_event_id", Written.id(Identifier.EVENT_ID), "kind", USAGE_KIND, "item", MODEL_OR_METER),
            // V18: db-scheduler's table; what it writes is its own: the task's name, its instance, the scheduler's name.
            table("scheduled_tasks", "task_name", Written.unbounded("db-scheduler's task name (monthly-invoicing)"),
                    "task_instance", Written.unbounded("db-scheduler's task instance (recurring)"),
                    "picked_by", Written.unbounded("db-scheduler's scheduler name, instance-<UUID>")),
            // V17
            table("holds", "hold_id", Written.id(Identifier.HOLD), "account_id", ACCOUNT, "api_key_id", Written.id(Identifier.API_KEY),
                    "project_id", Written.id(Identifier.PROJECT), "member_id", Written.id(Identifier.MEMBER), "currency", CURRENCY,
                    "state", Written.oneOf("hold state", List.of("open", "settled", "released", "expired"))),
            table("hold_books", "account_id", ACCOUNT),
            table("audit_verifications", "first_difference", Written.unbounded("the first difference 'audit verify' found, cut at 2,000")),
            table("usage_trace_calls", "account_id", ACCOUNT, "trace_id", Written.id(Identifier.TRACE), "event_id", Written.id(Identifier.EVENT_ID),
                    "kind", USAGE_KIND, "item", MODEL_OR_METER, "provider", Written.id(Identifier.PROVIDER),
                    "api_key_id", Written.id(Identifier.API_KEY), "project_id", Written.id(Identifier.PROJECT),
                    "member_id", Written.id(Identifier.MEMBER), "source", Written.id(Identifier.SOURCE)),
            table("ingest_offsets", "consumer_group", KAFKA_NAME, "topic", KAFKA_NAME),
            table("accounts", "account_id", ACCOUNT, "currency", CURRENCY,
                    "billing_mode", Written.oneOf("billing mode", Arrays.stream(BillingMode.values()).map(BillingMode::wire).toList())),
            table("account_balances", "account_id", ACCOUNT, "name", Written.id(Identifier.NAME),
                    "billing_mode", Written.oneOf("billing mode", Arrays.stream(BillingMode.values()).map(BillingMode::wire).toList()),
                    "currency", CURRENCY, "status", Written.oneOf("account status", List.of("active", "suspended"))),
            table("ledger_entries", "account_id", ACCOUNT,
                    "entry_type", Written.oneOf("entry type", List.of(EntriesProjection.TOP_UP, EntriesProjection.USAGE,
                            EntriesProjection.RECHARGE, EntriesProjection.INVOICED, EntriesProjection.USAGE_REVERSED, BalanceMovement.GRANT, BalanceMovement.GRANT_EXPIRED,
                            BalanceMovement.GRANT_VOIDED, EntriesProjection.TRUE_UP)),
                    "reference", Written.internal("a usage eventId, a top-up id (its Idempotency-Key), a recharge id, an invoice id, a grant id "
                            + "(top-up:<key>, reversal:<eventId>), a commitment id, or a credit's key (a credit note's number, reversal:<eventId>, "
                            + "overpaid:<invoice number>)", max(Identifier.EVENT_ID.maxLength(), Identifier.IDEMPOTENCY_KEY.maxLength(),
                                    RECHARGE_ID.maxLength(), INVOICE_ID.maxLength(), Identifier.GRANT.maxLength(), Identifier.COMMITMENT.maxLength(),
                                    "top-up:".length() + Identifier.IDEMPOTENCY_KEY.maxLength(), "reversal:".length() + Identifier.EVENT_ID.maxLength()))),
            table("credit_grants", "account_id", ACCOUNT, "grant_id", GRANT_ID,
                    "kind", Written.oneOf("grant kind", Arrays.stream(GrantKind.values()).map(GrantKind::wire).toList()),
                    "currency", CURRENCY, "reason", Written.internal("a grant's or a reversal's reason", Identifier.REASON.maxLength()),
                    "ended", Written.oneOf("how a grant ended", List.of("expired", "voided"))),
            table("credit_draws", "account_id", ACCOUNT, "grant_id", GRANT_ID),
            table("commitments", "account_id", ACCOUNT, "commitment_id", Written.id(Identifier.COMMITMENT), "currency", CURRENCY),
            table("api_tokens", "token_hash", Written.internal("SHA-256 in hex", SHA256_HEX), "token_id", Written.id(Identifier.TOKEN_ID),
                    "role", Written.oneOf("role", Arrays.stream(Role.values()).map(Role::wire).toList()), "account_id", ACCOUNT),
            table("idempotent_requests",
                    "scope", Written.internal("top-up:<accountId>, card-top-up:<accountId> or credit-note:<invoice number>",
                            "card-top-up:".length() + Identifier.ACCOUNT.maxLength()),
                    "idempotency_key", Written.id(Identifier.IDEMPOTENCY_KEY),
                    "request_hash", Written.internal("SHA-256 in hex", SHA256_HEX),
                    "response_body", Written.unbounded("the first answer's body")),
            // V3
            table("organisation_scopes", "account_id", ACCOUNT,
                    "kind", Written.oneOf("scope kind", List.of("project", "member", "apiKey")),
                    "scope_id", Written.internal("a project, member or API key id",
                            max(Identifier.PROJECT.maxLength(), Identifier.MEMBER.maxLength(), Identifier.API_KEY.maxLength())),
                    "name", Written.id(Identifier.NAME), "role", Written.oneOf("member role", Organisation.ROLES),
                    "project_id", Written.id(Identifier.PROJECT), "member_id", Written.id(Identifier.MEMBER)),
            // V4
            table("recharges_due", "recharge_id", RECHARGE_ID, "account_id", ACCOUNT, "currency", CURRENCY),
            table("simulated_payments",
                    "idempotency_key", Written.internal("<rechargeId>/attempt-<n> or <invoice number>/round-<n>",
                            RECHARGE_ID.maxLength() + "/attempt-".length() + INT_DIGITS),
                    "account_id", ACCOUNT, "currency", CURRENCY,
                    "reference", Written.internal("sim_<UUID>", "sim_".length() + 36),
                    "reason", Written.oneOf("decline reason", List.of("card-declined", "processor-unavailable"))),
            table("auto_recharge_settings", "account_id", ACCOUNT, "currency", CURRENCY),
            // V5
            table("authorize_guards", "account_id", ACCOUNT, "held_period", Written.internal("a calendar month, yyyy-MM", "yyyy-MM".length()),
                    "held_full_scopes", Written.unbounded("the budget scopes holds fill, comma separated")),
            // V10
            table("invoice_series", "series", Written.oneOf("number series", List.of("INV", "CN"))),
            table("invoice_carry", "account_id", ACCOUNT),
            table("invoices", "invoice_id", INVOICE_ID, "number", INVOICE_NUMBER, "account_id", ACCOUNT,
                    "kind", Written.oneOf("invoice kind", List.of("threshold", "monthly")), "currency", CURRENCY,
                    "payment_reference", Written.internal("sim_<UUID> or nothing-due", "sim_".length() + 36),
                    "failure_reason", Written.internal("a decline reason, prefixed when the outcome was unknown", 100),
                    "status", Written.oneOf("invoice status", List.of("issued", "paid", "payment-failed", "void")),
                    "credit_note", Written.internal("CN-<year>-<number>", "CN-".length() + 4 + 1 + 19),
                    "void_reason", Written.id(Identifier.REASON)),
            table("invoice_credit_notes", "credit_note_number", Written.internal("CN-<year>-<number>", "CN-".length() + 4 + 1 + 19),
                    "credit_note_id", Written.internal("an Idempotency-Key or reversal:<eventId>", "reversal:".length()
                            + Identifier.EVENT_ID.maxLength()),
                    "invoice_id", INVOICE_ID, "account_id", ACCOUNT, "currency", CURRENCY,
                    "settlement", Written.oneOf("settlement", List.of("due", "refund", "credit")),
                    "reason", Written.internal("a credit note's reason, or a reversal's with its record", Identifier.REASON.maxLength()),
                    "usage_event_id", Written.id(Identifier.EVENT_ID),
                    "refund_status", Written.oneOf("refund status", List.of("pending", "refunded", "failed")),
                    "refund_reference", Written.internal("sim_refund_<UUID>", "sim_refund_".length() + 36),
                    "refund_reason", Written.internal("a provider's refusal", 100)),
            table("invoice_lines", "invoice_id", INVOICE_ID,
                    "kind", Written.oneOf("line kind", List.of("tokens", "compute", "units", "rounding", PriceTermRules.TRUE_UP_KIND,
                            BillingRules.CREDIT_NOTE_KIND)),
                    "item", Written.internal("a model or meter, the rounding line's name, a commitment, a credit note's number or "
                            + "reversal:<eventId>", max(Identifier.MODEL.maxLength(), Identifier.METER.maxLength(), Identifier.COMMITMENT.maxLength(),
                            "reversal:".length() + Identifier.EVENT_ID.maxLength())),
                    "provider", Written.id(Identifier.PROVIDER),
                    "component", Written.internal("a price component (or unit), its tier and the account's terms that priced it, "
                            + "and 'reversed'; or a credit's description", max(Identifier.UNIT.maxLength() + " (tier 10)".length()
                            + " reversed".length() + " (overage:)".length() + Identifier.COMMITMENT.maxLength(),
                            "credit of invoice ".length() + 128)),
                    "price_unit", Written.internal("a price unit", 64)),
            table("payment_methods", "account_id", ACCOUNT, "payment_method_id", Written.id(Identifier.PAYMENT_METHOD),
                    "description", Written.internal("a card's description", 200)),
            table("billing_runs", "period", Written.internal("a calendar month, yyyy-MM", "yyyy-MM".length())),
            table("authorize_blocks", "account_id", ACCOUNT,
                    "scope", Written.internal("<scope kind>:<scopeId>",
                            Budget.SCOPES.stream().mapToInt(String::length).max().orElseThrow() + 1 + Identifier.SCOPE_ID.maxLength()),
                    "period", Written.internal("a calendar month, yyyy-MM", "yyyy-MM".length())),
            // V7
            table("parked_events", "processor", Written.internal("an event processor's name", 64),
                    "aggregate_id", AXON, "event_id", AXON, "event_type", AXON, "cause", Written.unbounded("the failure, cut at 2,000")),
            // V15
            table("projection_gaps", "processor", Written.internal("an event processor's name", 64),
                    "failure", Written.unbounded("the failure, cut at 2,000")),
            // V8
            table("dead_letter_outbox", "topic", KAFKA_NAME, "reason", Written.internal("a dead-letter reason", 100),
                    "detail", Written.unbounded("the reason's detail, at most Rejection.MAX_DETAIL")),
            // V12: copied from the event store's own columns, as wide.
            table("audit_log", "event_id", AXON, "aggregate_id", AXON, "event_type", AXON, "recorded_at", AXON),
            table("audit_checkpoints", "signed_note", Written.unbounded("a signed note of one signature")),
            // V11
            table("webhook_subscriptions", "subscription_id", WEBHOOK_SUBSCRIPTION, "account_id", ACCOUNT,
                    "url", Written.id(Identifier.WEBHOOK_URL)),
            table("webhook_deliveries", "subscription_id", WEBHOOK_SUBSCRIPTION, "webhook_id", AXON, "event_type", WEBHOOK_EVENT_TYPE,
                    "payload", Written.unbounded("the webhook's JSON body"), "state", Written.oneOf("delivery state", DeliveryQueue.STATES)),
            table("webhook_attempts", "subscription_id", WEBHOOK_SUBSCRIPTION, "webhook_id", AXON, "event_type", WEBHOOK_EVENT_TYPE,
                    "error", Written.internal("an attempt's error, cut", WebhookDeliveryWorker.MAX_ERROR)),
            // Flyway's own history.
            table("flyway_schema_history", "version", Written.internal("Flyway's own", 50),
                    "description", Written.internal("Flyway's own", 200), "type", Written.internal("Flyway's own", 20),
                    "script", Written.internal("Flyway's own", 1000), "installed_by", Written.internal("Flyway's own", 100)));

    /** A character column as the migrated schema has it; {@code width} is null for a column without a limit. */
    record Column(String table, String name, String type, Integer width) {
        String key() {
            return table + "." + name;
        }
    }

    private static List<Column> columns;

    @BeforeAll
    static void migrateAFreshDatabase() throws SQLException {
        TestDatabases.Database db = TestDatabases.fresh("column_widths");
        Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).locations("classpath:db/migration")
                .placeholders(Map.of("servicerole", "")).load().migrate();
        columns = new ArrayList<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery("""
                SELECT table_name, column_name, data_type, character_maximum_length
                  FROM information_schema.columns
                 WHERE table_schema = 'public' AND data_type IN ('character varying', 'character', 'text')
                 ORDER BY table_name, ordinal_position""")) {
            while (rs.next()) {
                columns.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3), (Integer) rs.getObject(4)));
            }
        }
        assertThat(columns).as("the migrations' character columns").hasSizeGreaterThan(40);
    }

    @Test
    void every_character_column_says_what_is_written_into_it() {
        List<String> keys = columns.stream().map(Column::key).toList();
        assertThat(keys.stream().filter(key -> !WRITTEN.containsKey(key)).toList())
                .as("columns that ColumnWidthsTest.WRITTEN does not map: add what is written into each").isEmpty();
        assertThat(WRITTEN.keySet().stream().filter(key -> !keys.contains(key)).toList())
                .as("mapped columns that no migration has").isEmpty();
    }

    @Test
    void every_character_column_is_as_wide_as_the_longest_value_written_into_it() {
        List<String> tooNarrow = columns.stream()
                .filter(c -> WRITTEN.containsKey(c.key()))
                .filter(c -> c.width() != null && c.width() < WRITTEN.get(c.key()).maxLength())
                .map(c -> c.key() + " is " + c.type() + "(" + c.width() + ") but holds " + WRITTEN.get(c.key()).what()
                        + " of up to " + WRITTEN.get(c.key()).maxLength())
                .toList();
        assertThat(tooNarrow).isEmpty();
    }

    @Test
    void a_fixed_width_column_holds_only_values_of_exactly_that_width() {
        // CHAR(n) pads a shorter value with blanks, which would then not equal what was written.
        List<String> padded = columns.stream()
                .filter(c -> c.type().equals("character") && WRITTEN.containsKey(c.key()))
                .filter(c -> c.width() != WRITTEN.get(c.key()).maxLength())
                .map(c -> c.key() + " is character(" + c.width() + ") but holds " + WRITTEN.get(c.key()).what())
                .toList();
        assertThat(padded).isEmpty();
    }

    private static Map<String, Written> columns(Map<String, Written>... tables) {
        Map<String, Written> all = new LinkedHashMap<>();
        Stream.of(tables).forEach(all::putAll);
        return all;
    }

    /** {@code table("t", "column", written, "column", written, ...)} */
    private static Map<String, Written> table(String table, Object... columnsAndWritten) {
        Map<String, Written> mapped = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndWritten.length; i += 2) {
            mapped.put(table + "." + columnsAndWritten[i], (Written) columnsAndWritten[i + 1]);
        }
        return mapped;
    }

    private static int max(int... lengths) {
        return Arrays.stream(lengths).max().orElseThrow();
    }
}

package dev.inference.ledger.service.correction;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.accounts.AccountCommand.ChargedUsage;
import dev.inference.ledger.accounts.AccountCommand.GrantTerms;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.kernel.event.EventTypes;
import dev.inference.ledger.accounts.CreditRules;
import dev.inference.ledger.service.api.ApiException;

/**
 * Finds a charged usage record in its account's own events, the one place that says exactly what it cost and which
 * grants paid it: from the moment its id was first claimed (less a margin), forward to the batch that charged it (a
 * record held for review is charged later, when approved), then to the invoice that took it, if one did. Corrections
 * are rare and staff-driven; this reads a few events, or at worst every later event of the account.
 */
@Component
public class ChargedRecords {

    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final JdbcTemplate jdbc;
    private final EventStore events;

    public ChargedRecords(JdbcTemplate jdbc, @Lazy EventStore events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** The record as charged; empty when the account never charged a record of that id. */
    public Optional<ChargedUsage> find(String accountId, String eventId) {
        List<Timestamp> claimed = jdbc.queryForList("SELECT charged_at FROM charged_usage WHERE account_id = ? AND event_id = ?",
                Timestamp.class, accountId, eventId);
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        long from = firstSequenceAtOrAfter(accountId, claimed.get(0).toInstant().minus(MARGIN));
        DomainEventStream stream = events.readEvents(accountId, from);
        while (stream.hasNext()) {
            DomainEventMessage<?> message = stream.next();
            if (message.getPayload() instanceof UsageBatchCharged batch) {
                for (int i = 0; i < batch.records().size(); i++) {
                    var record = batch.records().get(i);
                    if (record.eventId().equals(eventId)) {
                        List<GrantDraw> paidBy = batch.drawsByRecord().get(i);
                        return Optional.of(new ChargedUsage(record, batch.prices().get(record.price()), paidBy,
                                terms(accountId, paidBy, batch.chargedAt()),
                                invoiceOf(accountId, message.getSequenceNumber(), record.occurredAt()), batch.chargedAt()));
                    }
                }
            }
        }
        return Optional.empty(); // claimed, but not charged: held for review, refused, or still on its way
    }

    /**
     * The grants' terms. A top-up's, a recharge's and a reversal's grant are purchased, of the default priority, never
     * expiring, whenever they were made (before this view existed too); a grant made through the API is read from the
     * view of the grants, which has it from the moment it was made once the view caught up.
     */
    private List<GrantTerms> terms(String accountId, List<GrantDraw> paidBy, Instant chargedAt) {
        List<GrantTerms> terms = new ArrayList<>(paidBy.size());
        for (GrantDraw draw : paidBy) {
            String id = draw.grantId();
            if (id.startsWith("top-up:") || id.startsWith("recharge:") || id.startsWith("reversal:")) {
                terms.add(new GrantTerms(id, GrantKind.PURCHASED, CreditRules.DEFAULT_PRIORITY, chargedAt, null));
                continue;
            }
            List<GrantTerms> found = jdbc.query("""
                    SELECT kind, priority, effective_at, expires_at FROM credit_grants WHERE account_id = ? AND grant_id = ?""",
                    (rs, n) -> new GrantTerms(id, GrantKind.fromWire(rs.getString(1)), rs.getInt(2), rs.getTimestamp(3).toInstant(),
                            rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()), accountId, id);
            if (found.isEmpty()) {
                throw new ApiException(503, "grants-view-catching-up", "Not yet", "grant " + id + " that paid the record is not in the view "
                        + "of the grants yet: ask again in a moment");
            }
            terms.add(found.get(0));
        }
        return terms;
    }

    /** The invoice that took a postpaid record charged at {@code sequence}: the first close after it whose lines take its month. */
    private String invoiceOf(String accountId, long sequence, Instant occurredAt) {
        var type = EventTypes.of(UnbilledClosed.class).orElseThrow();
        List<Long> closes = jdbc.queryForList("""
                SELECT sequencenumber FROM domainevententry
                 WHERE aggregateidentifier = ? AND sequencenumber > ? AND payloadtype IN (?, ?) ORDER BY sequencenumber""",
                Long.class, accountId, sequence, type.name(), type.legacyName());
        String period = java.time.YearMonth.from(occurredAt.atOffset(java.time.ZoneOffset.UTC)).toString();
        for (long close : closes) {
            DomainEventStream stream = events.readEvents(accountId, close);
            if (stream.hasNext() && stream.next().getPayload() instanceof UnbilledClosed closed
                    && closed.lines().stream().anyMatch(line -> line.period().equals(period))) {
                return closed.invoiceId();
            }
        }
        return null;
    }

    /** The account's first event stamped at or after {@code at}, found by halving its sequence numbers (events are in time order). */
    private long firstSequenceAtOrAfter(String accountId, Instant at) {
        Long last = jdbc.queryForObject("SELECT max(sequencenumber) FROM domainevententry WHERE aggregateidentifier = ?", Long.class, accountId);
        if (last == null) {
            return 0;
        }
        long low = 0;
        long high = last;
        while (low < high) {
            long middle = (low + high) >>> 1;
            String stamp = jdbc.queryForObject("SELECT timestamp FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?",
                    String.class, accountId, middle);
            if (Instant.parse(stamp).isBefore(at)) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}

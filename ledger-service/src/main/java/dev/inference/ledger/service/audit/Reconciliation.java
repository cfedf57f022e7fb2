package dev.inference.ledger.service.audit;

import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceCreditCarried;
import dev.inference.ledger.kernel.account.BalanceMovement;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;

/**
 * Checks the projections against the event store, account by account: the balance the events say
 * (replayed in Java, through the same upcasters as every other reader), the balance projection, and
 * the sum of the ledger entries must agree, and every event that moved money must have its entry
 * row, covering as many usage records. A projection that skipped an event (a gap given up on, a bug)
 * shows up here.
 */
@Component
public class Reconciliation {

    private final JdbcTemplate jdbc;
    private final EventStore events;

    public Reconciliation(JdbcTemplate jdbc, EventStore events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    public record Mismatch(String accountId, BigDecimal eventBalance, BigDecimal projectedBalance, BigDecimal entriesBalance,
                           long moneyEvents, long entries, long usageRecords, long entriesUsageRecords) {
    }

    /** {@code moneyEvents}: events that moved money; {@code usageRecords}: usage records they charged. */
    public record Report(long accountsChecked, long moneyEvents, long usageRecords, List<Mismatch> mismatches) {
        public boolean balanced() {
            return mismatches.isEmpty();
        }
    }

    private record Projected(BigDecimal balance, BigDecimal entriesBalance, long entries, long usageRecords) {
    }

    public Report run() {
        Map<String, Projected> projected = projected();
        List<String> accounts = jdbc.queryForList("SELECT account_id FROM accounts ORDER BY account_id", String.class);
        List<Mismatch> mismatches = new ArrayList<>();
        long moneyEvents = 0;
        long usageRecords = 0;
        for (String accountId : accounts) {
            Replayed replayed = replay(accountId);
            moneyEvents += replayed.moneyEvents;
            usageRecords += replayed.usageRecords;
            Projected p = projected.getOrDefault(accountId, new Projected(null, BigDecimal.ZERO, 0, 0));
            Mismatch m = new Mismatch(accountId, replayed.balance, p.balance(), p.entriesBalance(), replayed.moneyEvents,
                    p.entries(), replayed.usageRecords, p.usageRecords());
            if (disagrees(m)) {
                mismatches.add(m);
            }
        }
        return new Report(accounts.size(), moneyEvents, usageRecords, mismatches);
    }

    private static final class Replayed {
        BigDecimal balance = BigDecimal.ZERO;
        long moneyEvents;
        long usageRecords;
    }

    /** The account's balance after its last event that moved money; later ones (a suspension) do not say it. */
    private Replayed replay(String accountId) {
        Replayed r = new Replayed();
        DomainEventStream stream = events.readEvents(accountId, 0);
        while (stream.hasNext()) {
            Object payload = stream.next().getPayload();
            var moved = BalanceMovement.of(payload);
            if (moved.isPresent()) {
                r.balance = moved.get().balanceAfter().amount();
                r.moneyEvents++;
            } else if (payload instanceof UsageReversed reversal) {
                r.balance = reversal.balanceAfter().amount();
                r.moneyEvents++;
            } else if (payload instanceof CommitmentEnded ended && ended.trueUpLine() != null || payload instanceof InvoiceCreditCarried) {
                r.moneyEvents++;
            } else if (payload instanceof UnbilledClosed) {
                r.moneyEvents++;
            } else if (payload instanceof UsageBatchCharged u) {
                r.balance = u.balanceAfter();
                r.moneyEvents++;
                r.usageRecords += u.records().size();
            }
        }
        return r;
    }

    private Map<String, Projected> projected() {
        Map<String, Projected> projected = new HashMap<>();
        jdbc.query("""
                SELECT b.account_id, b.balance, COALESCE(e.balance, 0), COALESCE(e.n, 0), COALESCE(e.usage_records, 0)
                  FROM account_balances b
                  LEFT JOIN (SELECT account_id, count(*) AS n, sum(balance_change) AS balance, sum(usage_records) AS usage_records
                               FROM ledger_entries GROUP BY account_id) e ON e.account_id = b.account_id""",
                rs -> {
                    projected.put(rs.getString(1), new Projected(rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getLong(4), rs.getLong(5)));
                });
        return projected;
    }

    private static boolean disagrees(Mismatch m) {
        return m.projectedBalance() == null
                || m.eventBalance().compareTo(m.projectedBalance()) != 0
                || m.eventBalance().compareTo(m.entriesBalance()) != 0
                || m.moneyEvents() != m.entries()
                || m.usageRecords() != m.entriesUsageRecords();
    }
}

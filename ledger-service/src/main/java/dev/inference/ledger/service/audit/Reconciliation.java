package dev.inference.ledger.service.audit;

import java.math.BigDecimal;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Checks the projections against the event store, account by account: the balance the last event
 * recorded, the balance projection, and the sum of the ledger entries must agree, and every event
 * that moved money must have its entry. A projection that skipped an event (a gap given up on, a
 * bug) shows up here.
 */
@Component
public class Reconciliation {

    private final JdbcTemplate jdbc;

    public Reconciliation(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Mismatch(String accountId, BigDecimal eventBalance, BigDecimal projectedBalance, BigDecimal entriesBalance,
                           long moneyEvents, long entries) {
    }

    public record Report(long accountsChecked, long moneyEvents, List<Mismatch> mismatches) {
        public boolean balanced() {
            return mismatches.isEmpty();
        }
    }

    public Report run() {
        List<Mismatch> all = jdbc.query("""
                WITH events AS (
                    SELECT aggregateidentifier AS account_id,
                           count(*) FILTER (WHERE payloadtype LIKE ANY (ARRAY['%$TopUpCredited', '%$RechargeSucceeded', '%$UsageCharged'])) AS money_events,
                           -- the last event that moved money carries the balance; later ones (a suspension) do not
                           max(sequencenumber) FILTER (WHERE payloadtype LIKE ANY (ARRAY['%$TopUpCredited', '%$RechargeSucceeded', '%$UsageCharged'])) AS last_sequence
                      FROM domainevententry WHERE type = 'Account' GROUP BY aggregateidentifier),
                last_balance AS (
                    SELECT e.account_id, e.money_events,
                           COALESCE((convert_from(d.payload, 'UTF8')::jsonb -> 'balanceAfter' ->> 'amount')::numeric, 0) AS balance
                      FROM events e
                      LEFT JOIN domainevententry d ON d.aggregateidentifier = e.account_id AND d.sequencenumber = e.last_sequence),
                entries AS (
                    SELECT account_id, count(*) AS n, sum(balance_change) AS balance FROM ledger_entries GROUP BY account_id)
                SELECT l.account_id, l.balance AS event_balance, b.balance AS projected_balance,
                       COALESCE(en.balance, 0) AS entries_balance, l.money_events, COALESCE(en.n, 0) AS entries
                  FROM last_balance l
                  LEFT JOIN account_balances b ON b.account_id = l.account_id
                  LEFT JOIN entries en ON en.account_id = l.account_id
                 ORDER BY l.account_id""",
                (rs, n) -> new Mismatch(rs.getString(1), rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getBigDecimal(4),
                        rs.getLong(5), rs.getLong(6)));
        List<Mismatch> mismatches = all.stream().filter(Reconciliation::disagrees).toList();
        return new Report(all.size(), all.stream().mapToLong(Mismatch::moneyEvents).sum(), mismatches);
    }

    private static boolean disagrees(Mismatch m) {
        return m.projectedBalance() == null
                || m.eventBalance().compareTo(m.projectedBalance()) != 0
                || m.eventBalance().compareTo(m.entriesBalance()) != 0
                || m.moneyEvents() != m.entries();
    }
}

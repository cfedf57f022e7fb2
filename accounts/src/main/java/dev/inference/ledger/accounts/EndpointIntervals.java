package dev.inference.ledger.accounts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.usage.Interval;

/**
 * The compute intervals an account was charged for lately, per endpoint and replica, to refuse one
 * that overlaps. Bounded: an interval ending more than {@link #RETENTION} before the latest one of its
 * replica is forgotten, so a record that late is no longer checked (docs/reference/rules.md says so).
 */
public record EndpointIntervals(Map<String, List<Interval>> byReplica) {

    static final Duration RETENTION = Duration.ofHours(48);
    static final EndpointIntervals NONE = new EndpointIntervals(Map.of());

    public EndpointIntervals {
        byReplica = Map.copyOf(byReplica);
    }

    Optional<Interval> overlapping(Interval interval) {
        return byReplica.getOrDefault(interval.key(), List.of()).stream().filter(interval::overlaps).findFirst();
    }

    /** With the intervals of a batch's records, pruned once. */
    EndpointIntervals withAll(List<ChargedRecord> records) {
        Map<String, List<Interval>> added = new HashMap<>(0);
        for (ChargedRecord r : records) {
            if (r.interval() != null) {
                added.computeIfAbsent(r.interval().key(), k -> new ArrayList<>(byReplica.getOrDefault(k, List.of())))
                        .add(r.interval());
            }
        }
        if (added.isEmpty()) {
            return this;
        }
        Map<String, List<Interval>> next = new HashMap<>(byReplica);
        added.forEach((key, kept) -> next.put(key, pruned(kept)));
        return new EndpointIntervals(next);
    }

    private static List<Interval> pruned(List<Interval> kept) {
        var latest = kept.stream().map(Interval::end).max(Comparator.naturalOrder()).orElseThrow();
        kept.removeIf(i -> i.end().isBefore(latest.minus(RETENTION)));
        return List.copyOf(kept);
    }
}

package dev.inference.ledger.service.account;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.inference.ledger.kernel.usage.Interval;

/**
 * The compute intervals an account was charged for lately, per endpoint and replica, to refuse one
 * that overlaps. Bounded: an interval ending more than {@link #RETENTION} before the latest one of its
 * replica is forgotten, so a record that late is no longer checked (the README says so).
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

    EndpointIntervals with(Interval interval) {
        List<Interval> kept = new ArrayList<>(byReplica.getOrDefault(interval.key(), List.of()));
        kept.add(interval);
        var latest = kept.stream().map(Interval::end).max(Comparator.naturalOrder()).orElseThrow();
        kept.removeIf(i -> i.end().isBefore(latest.minus(RETENTION)));
        Map<String, List<Interval>> next = new HashMap<>(byReplica);
        next.put(interval.key(), List.copyOf(kept));
        return new EndpointIntervals(next);
    }
}

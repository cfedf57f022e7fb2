package dev.inference.ledger.service.hold;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldExpired;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldReleased;
import dev.inference.ledger.kernel.hold.HoldEvent.HoldSettled;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Holds in numbers: decisions by outcome ({@code ledger.holds.decisions}, refusals by reason), ends by
 * how ({@code ledger.holds.ended}), what settled holds cost beyond their amount ({@code ledger.holds.overage},
 * USD), and the open holds and what they reserve across accounts, as the reconciler last counted them.
 */
@Component
public class HoldMetrics {

    private final MeterRegistry meters;
    private final Counter settled;
    private final Counter released;
    private final Counter expired;
    private final DistributionSummary overage;
    private final AtomicLong open = new AtomicLong();
    private final AtomicReference<Double> held = new AtomicReference<>(0.0);

    public HoldMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.settled = meters.counter("ledger.holds.ended", "how", "settled");
        this.released = meters.counter("ledger.holds.ended", "how", "released");
        this.expired = meters.counter("ledger.holds.ended", "how", "expired");
        this.overage = DistributionSummary.builder("ledger.holds.overage").baseUnit("USD")
                .description("what settled holds cost beyond their amount").register(meters);
        Gauge.builder("ledger.holds.open", open, AtomicLong::get).description("open holds").register(meters);
        Gauge.builder("ledger.holds.held", held, AtomicReference::get).baseUnit("USD").description("what open holds reserve")
                .register(meters);
    }

    void decided(String refusedFor) {
        // Refusal reasons name budget scopes: the tag keeps the closed part only.
        String outcome = refusedFor == null ? "granted" : refusedFor.startsWith("budget-hard-cap:") ? "budget-hard-cap" : refusedFor;
        meters.counter("ledger.holds.decisions", "outcome", outcome).increment();
    }

    void ended(HoldEvent event) {
        if (event instanceof HoldSettled s) {
            settled.increment();
            if (s.overage().isPositive()) {
                overage.record(s.overage().amount().doubleValue());
            }
        } else if (event instanceof HoldReleased) {
            released.increment();
        } else if (event instanceof HoldExpired) {
            expired.increment();
        }
    }

    void counted(HoldStore.Totals totals) {
        open.set(totals.open());
        held.set(totals.held().doubleValue());
    }
}

package dev.inference.ledger.service.ops;

import java.util.List;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.RechargeAttemptFailed;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageApproved;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageRejected;
import dev.inference.ledger.kernel.account.AccountEvent.UsageHeldForReview;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentAttemptFailed;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the ledger did, counted for the dashboards: money charged and credited, recharge and invoice
 * outcomes. A subscribing processor: each event is counted by the instance that recorded it, once its
 * transaction has committed (never for one rolled back, never again on a replay).
 */
@Component
@ProcessingGroup(OutcomeMetrics.GROUP)
public class OutcomeMetrics {

    public static final String GROUP = "outcome-metrics";

    private final MeterRegistry meters;

    public OutcomeMetrics(MeterRegistry meters) {
        this.meters = meters;
        // Every series from the start, at zero: rates and alerts need them before the first event.
        meters.counter("ledger.usage.charged.records");
        meters.counter("ledger.usage.charged.amount", "currency", Currencies.USD);
        meters.counter("ledger.top.ups.credited.amount", "currency", Currencies.USD);
        List.of("succeeded", "attempt-failed", "failed", "limited").forEach(o -> meters.counter("ledger.recharges", "outcome", o));
        List.of("issued", "paid", "payment-attempt-failed", "payment-failed").forEach(o -> meters.counter("ledger.invoices", "outcome", o));
        List.of("held", "approved", "rejected").forEach(o -> meters.counter("ledger.usage.review", "outcome", o));
    }

    @EventHandler
    void on(UsageBatchCharged event) {
        afterCommit(() -> {
            meters.counter("ledger.usage.charged.records").increment(event.records().size());
            meters.counter("ledger.usage.charged.amount", "currency", event.currency()).increment(event.total().doubleValue());
        });
    }

    @EventHandler
    void on(TopUpCredited event) {
        afterCommit(() -> meters.counter("ledger.top.ups.credited.amount", "currency", event.amount().currency())
                .increment(event.amount().amount().doubleValue()));
    }

    @EventHandler
    void on(RechargeSucceeded event) {
        afterCommit(() -> meters.counter("ledger.recharges", "outcome", "succeeded").increment());
    }

    @EventHandler
    void on(RechargeAttemptFailed event) {
        afterCommit(() -> meters.counter("ledger.recharges", "outcome", "attempt-failed").increment());
    }

    @EventHandler
    void on(RechargeFailed event) {
        afterCommit(() -> meters.counter("ledger.recharges", "outcome", "failed").increment());
    }

    @EventHandler
    void on(UsageHeldForReview event) {
        afterCommit(() -> meters.counter("ledger.usage.review", "outcome", "held").increment());
    }

    @EventHandler
    void on(HeldUsageApproved event) {
        afterCommit(() -> meters.counter("ledger.usage.review", "outcome", "approved").increment());
    }

    @EventHandler
    void on(HeldUsageRejected event) {
        afterCommit(() -> meters.counter("ledger.usage.review", "outcome", "rejected").increment());
    }

    @EventHandler
    void on(AutoRechargeLimitReached event) {
        afterCommit(() -> meters.counter("ledger.recharges", "outcome", "limited").increment());
    }

    @EventHandler
    void on(InvoiceIssued event) {
        afterCommit(() -> meters.counter("ledger.invoices", "outcome", "issued").increment());
    }

    @EventHandler
    void on(InvoicePaid event) {
        afterCommit(() -> meters.counter("ledger.invoices", "outcome", "paid").increment());
    }

    @EventHandler
    void on(InvoicePaymentAttemptFailed event) {
        afterCommit(() -> meters.counter("ledger.invoices", "outcome", "payment-attempt-failed").increment());
    }

    @EventHandler
    void on(InvoicePaymentFailed event) {
        afterCommit(() -> meters.counter("ledger.invoices", "outcome", "payment-failed").increment());
    }

    private static void afterCommit(Runnable count) {
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().root().afterCommit(u -> count.run());
        } else {
            count.run();
        }
    }
}

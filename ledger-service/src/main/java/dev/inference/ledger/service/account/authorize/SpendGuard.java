package dev.inference.ledger.service.account.authorize;

import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.BalanceMovement;
import dev.inference.ledger.kernel.account.AccountEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.PaymentMethodAttached;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetUnblocked;
import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.accounts.Budget;

/**
 * May this request spend? Answered from memory: each instance starts from a snapshot of this view
 * ({@link GuardSnapshots}) and reads the event stream on from there (an in-memory token store, so no
 * instance shares its progress), keeping per account only what
 * refuses a request — suspension, a spent balance, budget blocks, and holds that take what is left. A prepaid balance at or below
 * zero suspends an account unless a recharge is on its way; then it is refused as insufficient-balance.
 */
@Component
@ProcessingGroup(SpendGuard.GROUP)
public class SpendGuard {

    public static final String GROUP = "spend-guard";

    private final Map<String, Guarded> accounts = new ConcurrentHashMap<>();
    private final Clock clock;

    public SpendGuard(Clock clock) {
        this.clock = clock;
    }

    public record Decision(boolean allowed, String reason) {
        static final Decision ALLOWED = new Decision(true, null);
    }

    public Decision authorize(String accountId, String apiKeyId, String projectId, String memberId) {
        Guarded account = accounts.get(accountId);
        return account == null ? new Decision(false, "unknown-account")
                : account.decide(accountId, apiKeyId, projectId, memberId, Budget.periodOf(clock.instant()));
    }

    /** An account as a snapshot of the view had it (GuardSnapshots), before the stream is read on. */
    void restore(String accountId, Guarded guarded) {
        accounts.put(accountId, guarded);
    }

    @EventHandler
    void on(AccountOpened event) {
        accounts.putIfAbsent(event.accountId(), Guarded.OPEN.noPaymentMethod(event.billingMode() == BillingMode.POSTPAID));
    }

    @EventHandler
    void on(PaymentMethodAttached event) {
        accounts.compute(event.accountId(), (id, g) -> orOpen(g).noPaymentMethod(false));
    }

    @EventHandler
    void on(AccountSuspended event) {
        accounts.compute(event.accountId(), (id, g) -> orOpen(g).suspended(true));
    }

    @EventHandler
    void on(AccountReinstated event) {
        accounts.compute(event.accountId(), (id, g) -> orOpen(g).suspended(false));
    }

    @EventHandler
    void on(BalanceExhausted event) {
        accounts.compute(event.accountId(), (id, g) -> orOpen(g).exhausted(true));
    }

    @EventHandler
    void on(UsageReversed event) {
        if (event.billingMode() == dev.inference.ledger.kernel.account.BillingMode.PREPAID) {
            accounts.compute(event.accountId(), (id, g) -> orOpen(g).credited(event.balanceAfter()));
        }
    }

    /** Credit in or out: a top-up, a recharge, a grant counting, expiring or voided (every other event: nothing). */
    @EventHandler
    void on(AccountEvent event) {
        BalanceMovement.of(event).ifPresent(moved -> accounts.compute(event.accountId(), (id, g) -> orOpen(g).credited(moved.balanceAfter())));
    }

    @EventHandler
    void on(HoldEvent event, @Timestamp Instant at) {
        accounts.compute(event.accountId(), (id, g) -> orOpen(g).holds(Guarded.Holds.of(event.standing(), Budget.periodOf(at))));
    }


    @EventHandler
    void on(BudgetBlocked event) {
        accounts.compute(event.accountId(), (id, g) -> orOpen(g).blocked(Guarded.scope(event.scope(), event.scopeId()), event.period()));
    }

    @EventHandler
    void on(BudgetUnblocked event) {
        accounts.compute(event.accountId(), (id, g) -> orOpen(g).unblocked(Guarded.scope(event.scope(), event.scopeId())));
    }

    private static Guarded orOpen(Guarded guarded) {
        return guarded == null ? Guarded.OPEN : guarded;
    }
}

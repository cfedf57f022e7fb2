package dev.inference.ledger.accounts;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Clock;
import java.util.List;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.CreditVoided;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpHeld;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageRefused;
import dev.inference.ledger.accounts.AccountCommand.AddCommitment;
import dev.inference.ledger.accounts.AccountCommand.AddMember;
import dev.inference.ledger.accounts.AccountCommand.SetPriceOverride;
import dev.inference.ledger.accounts.AccountCommand.AddProject;
import dev.inference.ledger.accounts.AccountCommand.ApplyDueCredits;
import dev.inference.ledger.accounts.AccountCommand.GrantCredit;
import dev.inference.ledger.accounts.AccountCommand.ReverseUsage;
import dev.inference.ledger.accounts.AccountCommand.VoidCredit;
import dev.inference.ledger.accounts.AccountCommand.ApproveHeldUsage;
import dev.inference.ledger.accounts.AccountCommand.ApproveTopUp;
import dev.inference.ledger.accounts.AccountCommand.AttachPaymentMethod;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.CloseUnbilled;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoiceDefault;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoicePaid;
import dev.inference.ledger.accounts.AccountCommand.RecordInvoiceVoided;
import dev.inference.ledger.accounts.AccountCommand.CarryInvoiceCredit;
import dev.inference.ledger.accounts.AccountCommand.PayTopUp;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.accounts.AccountCommand.ConfigureAutoRecharge;
import dev.inference.ledger.accounts.AccountCommand.IssueApiKey;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.RecordRechargeOutcome;
import dev.inference.ledger.accounts.AccountCommand.RejectHeldUsage;
import dev.inference.ledger.accounts.AccountCommand.RejectTopUp;
import dev.inference.ledger.accounts.AccountCommand.SetBudget;
import dev.inference.ledger.accounts.AccountCommand.TopUp;

/**
 * An account: the shared balance pool of one customer. It decides with {@link AccountRules} and
 * remembers with {@link AccountState}; this class only wires the two into Axon. The service registers it, with its
 * cache and snapshot trigger: this module knows no Spring.
 */
@Revision(Account.SNAPSHOT_REVISION)
public class Account {

    /**
     * The shape of a stored snapshot. Raise it whenever what a snapshot holds changes, or its class moves: a snapshot of
     * another revision is never read, the account is replayed from its events instead.
     */
    public static final String SNAPSHOT_REVISION = "7";

    @AggregateIdentifier
    @JsonProperty
    private String accountId;

    @JsonProperty
    private AccountState state;

    protected Account() {
        // for Axon and the snapshot serializer
    }

    @CommandHandler
    public Account(OpenAccount command, Clock clock) {
        apply(AccountRules.open(command, clock.instant()));
    }

    /** Returns whether the money was credited or is held for review. */
    @CommandHandler
    public TopUpOutcome handle(TopUp command, Clock clock, UsageTiers tiers, RechargePolicy policy) {
        List<AccountEvent> events = AccountRules.topUp(state, command, tiers, policy, clock.instant());
        events.forEach(event -> apply(event));
        return events.get(0) instanceof TopUpHeld ? TopUpOutcome.HELD_FOR_REVIEW : TopUpOutcome.CREDITED;
    }

    @CommandHandler
    public void handle(ApproveTopUp command, Clock clock, UsageTiers tiers, RechargePolicy policy) {
        AccountRules.approve(state, command, tiers, policy, clock.instant()).forEach(event -> apply(event));
    }

    @CommandHandler
    public void handle(RejectTopUp command, Clock clock) {
        apply(AccountRules.reject(state, command, clock.instant()));
    }

    /** Returns whether a grant was made: false when the same grant was made before. */
    @CommandHandler
    public boolean handle(GrantCredit command, Clock clock, UsageTiers tiers, RechargePolicy policy) {
        List<AccountEvent> events = CreditRules.grant(state, command, tiers, policy, clock.instant());
        events.forEach(event -> apply(event));
        return !events.isEmpty();
    }

    /** Returns the void, as recorded. */
    @CommandHandler
    public CreditVoided handle(VoidCredit command, Clock clock, RechargePolicy policy) {
        List<AccountEvent> events = CreditRules.voidGrant(state, command, policy, clock.instant());
        events.forEach(event -> apply(event));
        return (CreditVoided) events.get(0);
    }

    @CommandHandler
    public UsageReversed handle(ReverseUsage command, Clock clock, RechargePolicy policy) {
        List<AccountEvent> events = CorrectionRules.reverse(state, command, policy, clock.instant());
        events.forEach(event -> apply(event));
        return (UsageReversed) events.get(0);
    }

    @CommandHandler
    public void handle(ApplyDueCredits command, Clock clock, RechargePolicy policy) {
        AccountRules.due(state, policy, clock.instant()).forEach(event -> apply(event));
    }

    /** Returns whether the override is new (false: it was set already). */
    @CommandHandler
    public boolean handle(SetPriceOverride command, Clock clock) {
        List<AccountEvent> events = PriceTermRules.setOverride(state, command, clock.instant());
        events.forEach(event -> apply(event));
        return !events.isEmpty();
    }

    /** Returns whether the commitment is new (false: it was made already). */
    @CommandHandler
    public boolean handle(AddCommitment command, Clock clock) {
        List<AccountEvent> events = PriceTermRules.addCommitment(state, command, clock.instant());
        events.forEach(event -> apply(event));
        return !events.isEmpty();
    }

    @CommandHandler
    public void handle(AddProject command, Clock clock) {
        apply(AccountRules.addProject(state, command, clock.instant()));
    }

    @CommandHandler
    public void handle(AddMember command, Clock clock) {
        apply(AccountRules.addMember(state, command, clock.instant()));
    }

    @CommandHandler
    public void handle(IssueApiKey command, Clock clock) {
        apply(AccountRules.issueApiKey(state, command, clock.instant()));
    }

    @CommandHandler
    public void handle(SetBudget command, Clock clock) {
        AccountRules.setBudget(state, command, clock.instant()).forEach(event -> apply(event));
    }

    @CommandHandler
    public void handle(ConfigureAutoRecharge command, Clock clock, RechargePolicy policy) {
        FundingRules.configure(state, command, policy, clock.instant()).forEach(event -> apply(event));
    }

    @CommandHandler
    public void handle(RecordRechargeOutcome command, Clock clock, UsageTiers tiers, RechargePolicy policy) {
        FundingRules.outcome(state, command, tiers, policy, clock.instant()).forEach(event -> apply(event));
    }

    @CommandHandler
    public void handle(AttachPaymentMethod command, Clock clock) {
        apply(BillingRules.attach(state, command, clock.instant()));
    }

    /** Returns what the invoice takes, or null when it takes nothing (closed before, or nothing unbilled). */
    @CommandHandler
    public UnbilledClosed handle(CloseUnbilled command, Clock clock, UsageTiers tiers, RechargePolicy policy) {
        List<AccountEvent> events = BillingRules.close(state, command, tiers, policy, clock.instant());
        events.forEach(event -> apply(event));
        return events.isEmpty() ? null : (UnbilledClosed) events.get(0);
    }

    @CommandHandler
    public void handle(RecordInvoicePaid command, Clock clock, UsageTiers tiers, RechargePolicy policy) {
        BillingRules.paid(state, command, tiers, policy, clock.instant()).forEach(event -> apply(event));
    }

    @CommandHandler
    public RechargeRequested handle(PayTopUp command, Clock clock, RechargePolicy policy) {
        RechargeRequested requested = FundingRules.payTopUp(state, command, policy, clock.instant());
        apply(requested);
        return requested;
    }

    @CommandHandler
    public void handle(CarryInvoiceCredit command, Clock clock) {
        BillingRules.carryCredit(state, command, clock.instant()).forEach(event -> apply(event));
    }

    @CommandHandler
    public void handle(RecordInvoiceVoided command, Clock clock) {
        BillingRules.voided(state, command, clock.instant()).forEach(event -> apply(event));
    }

    @CommandHandler
    public void handle(RecordInvoiceDefault command, Clock clock) {
        BillingRules.defaulted(state, command, clock.instant()).forEach(event -> apply(event));
    }

    /** Returns the records refused, for the ingest to dead-letter. */
    @CommandHandler
    public List<UsageRefused> handle(ChargeUsage command, Clock clock, UsageTiers tiers, RechargePolicy policy, UsageReview review) {
        List<AccountEvent> events = AccountRules.charge(state, command, tiers, policy, review, clock.instant());
        events.forEach(event -> apply(event));
        return events.stream().filter(UsageRefused.class::isInstance).map(UsageRefused.class::cast).toList();
    }

    @CommandHandler
    public void handle(ApproveHeldUsage command, Clock clock, UsageTiers tiers, RechargePolicy policy) {
        AccountRules.approveUsage(state, command, tiers, policy, clock.instant()).forEach(event -> apply(event));
    }

    @CommandHandler
    public void handle(RejectHeldUsage command, Clock clock) {
        apply(AccountRules.rejectUsage(state, command, clock.instant()));
    }

    /** What the account remembers: read from a snapshot by the service (AccountStates), and compared with a full replay by tests. */
    public AccountState state() {
        return state;
    }

    @EventSourcingHandler
    void on(AccountOpened event) {
        accountId = event.accountId();
        state = AccountState.opened(event);
    }

    @EventSourcingHandler
    void on(AccountEvent event) {
        if (!(event instanceof AccountOpened)) {
            state = state.evolve(event);
        }
    }
}

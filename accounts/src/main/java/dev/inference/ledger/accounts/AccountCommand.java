package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.kernel.account.ItemPrice;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.usage.Interval;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

/** What can be asked of an account. */
public sealed interface AccountCommand {

    String accountId();

    record OpenAccount(@TargetAggregateIdentifier String accountId, String name, BillingMode billingMode,
                       String currency) implements AccountCommand {
    }

    /** {@code topUpId} is the client's idempotency key for the top-up. */
    record TopUp(@TargetAggregateIdentifier String accountId, String topUpId, Money amount) implements AccountCommand {
    }

    /**
     * Credit for a prepaid account: {@code priority} null for the default, {@code effectiveAt} null for now,
     * {@code expiresAt} null for never. Granting the same {@code grantId} again on the same terms changes nothing.
     */
    record GrantCredit(@TargetAggregateIdentifier String accountId, String grantId, GrantKind kind, Money amount, Integer priority,
                       Instant effectiveAt, Instant expiresAt, String reason) implements AccountCommand {
    }

    /** An admin takes back a grant nothing was drawn from. */
    record VoidCredit(@TargetAggregateIdentifier String accountId, String grantId, String reason) implements AccountCommand {
    }

    /** Start or expire the account's grants, and end its commitments, whose time has come; nothing when none has. */
    record ApplyDueCredits(@TargetAggregateIdentifier String accountId) implements AccountCommand {
    }

    /** The account's own price for an item, for records occurring from {@code effectiveFrom} (null: now) on. */
    record SetPriceOverride(@TargetAggregateIdentifier String accountId, ItemPrice price, Instant effectiveFrom, String reason)
            implements AccountCommand {
    }

    /**
     * A commitment: {@code discountPercent} null for none, {@code overagePercent} null for the usual price (100),
     * {@code startsAt} null for now.
     */
    record AddCommitment(@TargetAggregateIdentifier String accountId, String commitmentId, Money amount, Instant startsAt,
                         Instant endsAt, BigDecimal discountPercent, List<ItemPrice> prices, BigDecimal overagePercent, boolean trueUp,
                         String reason) implements AccountCommand {
    }

    /**
     * Reverse a charged usage record: {@code charged} is the record as the account's own events have it, found there by the
     * service. A record is reversed at most once.
     */
    record ReverseUsage(@TargetAggregateIdentifier String accountId, String usageEventId, String reason, String requestedBy,
                        ChargedUsage charged, String settlement) implements AccountCommand {
        /** A reversal that names no settlement: a paid invoice's credit note, if one is needed, is credited on the next. */
        public ReverseUsage(String accountId, String usageEventId, String reason, String requestedBy, ChargedUsage charged) {
            this(accountId, usageEventId, reason, requestedBy, charged, null);
        }
    }

    /**
     * A charged record as it was charged, with its price, the grants that paid it and their terms, and the
     * invoice it went onto (null while it is unbilled, and for a prepaid account).
     */
    record ChargedUsage(AccountEvent.UsageBatchCharged.ChargedRecord record, AccountEvent.UsageBatchCharged.PriceUsed price,
                        List<GrantDraw> paidBy, List<GrantTerms> terms, String invoiceId, Instant chargedAt) {
        public ChargedUsage {
            // The record alone, its price its only one.
            record = new AccountEvent.UsageBatchCharged.ChargedRecord(record.eventId(), record.occurredAt(), record.source(),
                    record.attribution(), 0, record.quantities(), record.cost(), record.interval());
            paidBy = List.copyOf(paidBy);
            terms = List.copyOf(terms);
        }

        /** A record whose charge time is not known: its volume, if graduated, stays counted. */
        public ChargedUsage(AccountEvent.UsageBatchCharged.ChargedRecord record, AccountEvent.UsageBatchCharged.PriceUsed price,
                            List<GrantDraw> paidBy, List<GrantTerms> terms, String invoiceId) {
            this(record, price, paidBy, terms, invoiceId, null);
        }
    }

    /** A grant's terms, as it was granted. */
    record GrantTerms(String grantId, GrantKind kind, int priority, Instant effectiveAt, Instant expiresAt) {
    }

    /** An admin's decision on a top-up held for review. */
    record ApproveTopUp(@TargetAggregateIdentifier String accountId, String topUpId) implements AccountCommand {
    }

    record RejectTopUp(@TargetAggregateIdentifier String accountId, String topUpId, String reason) implements AccountCommand {
    }

    record AddProject(@TargetAggregateIdentifier String accountId, String projectId, String name) implements AccountCommand {
    }

    record AddMember(@TargetAggregateIdentifier String accountId, String memberId, String role) implements AccountCommand {
    }

    /** {@code projectId} and {@code memberId} are optional, and must belong to the account when given. */
    record IssueApiKey(@TargetAggregateIdentifier String accountId, String apiKeyId, String projectId, String memberId)
            implements AccountCommand {
    }

    /** A monthly budget on a scope: {@code softAlerts} are fractions of {@code hardCap}, e.g. 0.5 and 0.8. */
    record SetBudget(@TargetAggregateIdentifier String accountId, String scope, String scopeId, String period, Money hardCap,
                     List<BigDecimal> softAlerts) implements AccountCommand {
    }

    /** Auto-recharge's settings; {@code threshold} is also the low-balance warning, enabled or not. */
    record ConfigureAutoRecharge(@TargetAggregateIdentifier String accountId, boolean enabled, Money threshold, Money amount)
            implements AccountCommand {
    }

    /**
     * The payment provider's answer for one ask of a recharge attempt ({@code unanswered}: how many asks
     * of that attempt went unanswered before this one); recording it twice changes nothing.
     */
    record RecordRechargeOutcome(@TargetAggregateIdentifier String accountId, String rechargeId, int attempt, int unanswered,
                                 PaymentAnswer answer, String paymentReference, String reason) implements AccountCommand {
    }

    /** DECLINED is a definite refusal (a new attempt may follow); UNKNOWN promises nothing: the money may have been taken. */
    enum PaymentAnswer { SUCCEEDED, DECLINED, UNKNOWN }

    /** A card on file: {@code paymentMethodId} is the provider's id for it, {@code description} what staff see (brand, last four). */
    record AttachPaymentMethod(@TargetAggregateIdentifier String accountId, String paymentMethodId, String description)
            implements AccountCommand {
    }

    /**
     * Close what is unbilled onto invoice {@code invoiceId}: everything ({@code threshold}), or what occurred
     * before {@code cutoff} ({@code monthly}). Asking again for the same invoice closes nothing more.
     */
    record CloseUnbilled(@TargetAggregateIdentifier String accountId, String invoiceId, String kind, Instant cutoff)
            implements AccountCommand {
    }

    /** An invoice of the account was paid; recording it twice changes nothing. */
    record RecordInvoicePaid(@TargetAggregateIdentifier String accountId, String invoiceId, String number, Money amount)
            implements AccountCommand {
    }

    /** Every attempt to charge an invoice failed; recording it twice changes nothing. */
    record RecordInvoiceDefault(@TargetAggregateIdentifier String accountId, String invoiceId, String number, Money amount, String reason)
            implements AccountCommand {
    }

    /** An invoice cancelled by a credit note; recording it twice changes nothing. */
    /** A prepaid top-up the customer pays by card, through the payment provider: a recharge the customer asked for. */
    record PayTopUp(@TargetAggregateIdentifier String accountId, Money amount) implements AccountCommand {
    }

    /** A paid invoice's credit note settled as credit: a credit line on the account's next invoice. */
    record CarryInvoiceCredit(@TargetAggregateIdentifier String accountId, String invoiceId, String creditNoteNumber, Money amount)
            implements AccountCommand {
    }

    record RecordInvoiceVoided(@TargetAggregateIdentifier String accountId, String invoiceId, String number, String creditNoteNumber,
                               Money amount) implements AccountCommand {
    }

    /** Every record of one ingest batch that belongs to this account, in the order they were read. */
    record ChargeUsage(@TargetAggregateIdentifier String accountId, List<UsageToCharge> usage) implements AccountCommand {
        public ChargeUsage {
            usage = List.copyOf(usage);
        }
    }

    /** An admin charges a usage record that was held for review, as it was held. */
    record ApproveHeldUsage(@TargetAggregateIdentifier String accountId, String usageEventId) implements AccountCommand {
    }

    /** An admin refuses a usage record that was held for review: it is never charged. */
    record RejectHeldUsage(@TargetAggregateIdentifier String accountId, String usageEventId, String reason) implements AccountCommand {
    }

    /** {@code interval}: the endpoint time a compute record covers, when it names its endpoint; else null. */
    record UsageToCharge(String usageEventId, Instant occurredAt, String source, Attribution attribution, Charge charge,
                         Interval interval) {
    }
}

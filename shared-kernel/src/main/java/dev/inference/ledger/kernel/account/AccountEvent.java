package dev.inference.ledger.kernel.account;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.Rating;
import dev.inference.ledger.kernel.usage.Interval;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

/**
 * The facts the Account aggregate records: what auditors replay and other modules read. They are
 * never edited; a correction is a new event. Each carries the balances after it, so that an auditor
 * can check every balance against the sum of the entries before it.
 * <p>
 * A consequence of charged usage ({@code BalanceLow}, {@code TierPromoted}, {@code BudgetBlocked}, …)
 * follows the {@link UsageBatchCharged} that caused it in the account's stream, and its
 * {@code afterRecord} says after which of that batch's records (an index into its records) it
 * happened; null when no usage caused it (a top-up, a recharge's outcome, new settings).
 */
public sealed interface AccountEvent {

    /** Hands this event to the method of {@code fold} for its type. */
    <R> R fold(Fold<R> fold);

    /**
     * A fold over these events: one method per event type, so that an event added here is a compile error in every
     * fold until it says what the event does to it.
     */
    interface Fold<R> {
        R on(AccountOpened event);

        R on(TopUpCredited event);

        R on(UsageBatchCharged event);

        R on(PaymentMethodAttached event);

        R on(UnbilledClosed event);

        R on(InvoiceSettled event);

        R on(InvoiceDefaulted event);

        R on(InvoiceWrittenOff event);

        R on(UsageHeldForReview event);

        R on(HeldUsageApproved event);

        R on(HeldUsageRejected event);

        R on(UsageRefused event);

        R on(TopUpHeld event);

        R on(TopUpRejected event);

        R on(TierPromoted event);

        R on(BillingLimitReached event);

        R on(AccountSuspended event);

        R on(AccountReinstated event);

        R on(BudgetSet event);

        R on(BudgetAlertRaised event);

        R on(BudgetBlocked event);

        R on(BudgetUnblocked event);

        R on(ProjectAdded event);

        R on(MemberAdded event);

        R on(ApiKeyIssued event);

        R on(AutoRechargeConfigured event);

        R on(BalanceLow event);

        R on(BalanceExhausted event);

        R on(RechargeRequested event);

        R on(AutoRechargeLimitReached event);

        R on(RechargeSucceeded event);

        R on(RechargeAttemptFailed event);

        R on(RechargeOutcomeUnknown event);

        R on(RechargeFailed event);

        R on(CreditGranted event);

        R on(CreditStarted event);

        R on(CreditExpired event);

        R on(CreditVoided event);

        R on(UsageReversed event);

        R on(PriceOverrideSet event);

        R on(CommitmentAdded event);

        R on(CommitmentEnded event);

        R on(InvoiceCreditCarried event);
    }

    String accountId();

    /**
     * What credit of {@code amount} that took the balance to {@code balanceAfter} has left to spend: all of it, less what
     * paid a balance below zero. Every credit event (a grant starting, a top-up, a recharge) starts its grant with this.
     */
    static Money spendable(Money amount, Money balanceAfter) {
        Money positive = balanceAfter.isPositive() ? balanceAfter : Money.zero(balanceAfter.currency());
        return positive.isLessThan(amount) ? positive : amount;
    }

    record AccountOpened(String accountId, String name, BillingMode billingMode, String currency,
                         Instant openedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** Money added to a prepaid balance; {@code topUpId} is the client's idempotency key. */
    record TopUpCredited(String accountId, String topUpId, Money amount, Money balanceAfter,
                         Instant creditedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** The purchased grant the top-up is. */
        public String grantId() {
            return "top-up:" + topUpId;
        }
    }

    /**
     * The usage records of one ingest batch charged to one account, in the order they were read: drawn
     * from the balance of a prepaid account, added to the unbilled usage of a postpaid one. Compact on
     * purpose (one event for up to {@link #MAX_RECORDS} records): each price is listed once and its
     * records point at it; amounts are in the one {@code currency}; what can be derived (a record's
     * balance after it, the batch's total) is not stored. The figures after the batch are, since
     * projections read them: {@code lifetimeSpendAfter} is all usage ever charged, this batch included.
     */
    record UsageBatchCharged(String accountId, BillingMode billingMode, String currency, List<PriceUsed> prices,
                             List<ChargedRecord> records,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal balanceBefore,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal balanceAfter,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unbilledAfter,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal lifetimeSpendAfter,
                             Instant chargedAt, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<GrantDraw> draws)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }


        /** The most records one event carries: a batch's records of one account beyond it go in the next event. */
        public static final int MAX_RECORDS = 1000;

        public UsageBatchCharged {
            prices = List.copyOf(prices);
            records = List.copyOf(records);
            draws = draws == null ? List.of() : List.copyOf(draws);
        }

        /** A batch no credit grant paid: a postpaid account's, or one charged before grants were kept. */
        public UsageBatchCharged(String accountId, BillingMode billingMode, String currency, List<PriceUsed> prices,
                                 List<ChargedRecord> records, BigDecimal balanceBefore, BigDecimal balanceAfter, BigDecimal unbilledAfter,
                                 BigDecimal lifetimeSpendAfter, Instant chargedAt) {
            this(accountId, billingMode, currency, prices, records, balanceBefore, balanceAfter, unbilledAfter, lifetimeSpendAfter,
                    chargedAt, List.of());
        }

        /**
         * Which grants paid each record, in the records' order: the batch's {@code draws} (each grant once, in the order it
         * was drawn) laid along the records' costs in turn. What no draw covers was charged beyond the credit, to a
         * balance below zero. Exact: the pieces of each record sum to what the draws gave it.
         */
        public List<List<GrantDraw>> drawsByRecord() {
            List<List<GrantDraw>> byRecord = new java.util.ArrayList<>(records.size());
            int grant = 0;
            BigDecimal left = draws.isEmpty() ? BigDecimal.ZERO : draws.get(0).amount();
            for (ChargedRecord record : records) {
                List<GrantDraw> pieces = new java.util.ArrayList<>(1);
                BigDecimal owed = record.cost();
                while (owed.signum() > 0 && grant < draws.size()) {
                    BigDecimal piece = owed.min(left);
                    if (piece.signum() > 0) {
                        pieces.add(new GrantDraw(draws.get(grant).grantId(), piece));
                    }
                    owed = owed.subtract(piece);
                    left = left.subtract(piece);
                    if (left.signum() == 0 && ++grant < draws.size()) {
                        left = draws.get(grant).amount();
                    }
                }
                byRecord.add(pieces);
            }
            return byRecord;
        }

        /**
         * The prices of one catalog version for one item, in the order of a record's quantities. {@code terms}: the account's
         * own terms that set them (a price override, a commitment's rates or its overage), absent for the catalog's prices.
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record PriceUsed(String kind, String item, String provider, int catalogVersion, List<PriceComponent> components,
                                String terms) {
            public PriceUsed {
                components = List.copyOf(components);
            }

            public PriceUsed(String kind, String item, String provider, int catalogVersion, List<PriceComponent> components) {
                this(kind, item, provider, catalogVersion, components, null);
            }

            /** Whether a commitment's rates priced these: its id, or null. */
            public String commitmentId() {
                return terms != null && terms.startsWith(COMMITMENT) ? terms.substring(COMMITMENT.length()) : null;
            }

            /** The terms of usage priced by a commitment's rates, while it lasts. */
            public static final String COMMITMENT = "commitment:";
            /** The terms of usage past a commitment, at its overage rate. */
            public static final String OVERAGE = "overage:";
            /** The terms of usage at the account's own price for the item. */
            public static final String OVERRIDE = "override";
        }

        /**
         * {@code unitPrice} per {@code priceUnit} of one component: input tokens, seconds, images. {@code tier}: the
         * volume tier it was priced in, when the item's price is graduated.
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record PriceComponent(String component, @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unitPrice,
                                     String priceUnit, Integer tier) {
            public PriceComponent(String component, BigDecimal unitPrice, String priceUnit) {
                this(component, unitPrice, priceUnit, null);
            }

            /** How an invoice line names it: the component, and its tier when graduated. */
            public String label() {
                return tier == null ? component : component + " (tier " + tier + ")";
            }
        }

        /**
         * One usage record as charged: its publisher's {@code eventId}, the index of its price in
         * {@link #prices()}, its quantities (one per price component) and its exact cost.
         * {@code interval}: the endpoint time a compute record covered, when it named its endpoint.
         */
        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record ChargedRecord(String eventId, Instant occurredAt, String source, Attribution attribution, int price,
                                    List<BigDecimal> quantities,
                                    @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cost, Interval interval) {
            public ChargedRecord {
                quantities = List.copyOf(quantities);
            }

            public Money costIn(String currency) {
                return new Money(cost, currency);
            }

            /**
             * The record's cost split by its price's components, summing to {@code cost} exactly. Token records
             * have several (input, cached input, output), and so does a record split across volume tiers; each is
             * rounded as rating rounds a line; the last component takes
             * the cost less the others, so no split can lose or add a fraction. A record with
             * no component (zero tokens of every kind) has none, and cost nothing.
             */
            public BigDecimal[] componentAmounts(PriceUsed price) {
                int n = quantities.size();
                BigDecimal[] amounts = new BigDecimal[n];
                if (n == 0) {
                    return amounts; // nothing used (a record of zero tokens): it cost nothing
                }
                BigDecimal rest = cost;
                for (int i = 0; i < n - 1; i++) {
                    PriceComponent component = price.components().get(i);
                    amounts[i] = Rating.amount(quantities.get(i), component.unitPrice(), component.priceUnit());
                    rest = rest.subtract(amounts[i]);
                }
                amounts[n - 1] = rest;
                return amounts;
            }
        }

        public Money balanceAfterMoney() {
            return new Money(balanceAfter, currency);
        }

        public Money unbilledAfterMoney() {
            return new Money(unbilledAfter, currency);
        }

        public Money lifetimeSpendAfterMoney() {
            return new Money(lifetimeSpendAfter, currency);
        }

        /** The sum of the records' costs. */
        public BigDecimal total() {
            BigDecimal total = BigDecimal.ZERO;
            for (ChargedRecord r : records) {
                total = total.add(r.cost());
            }
            return total;
        }

        /** What the batch did to the balance: minus its cost when prepaid, nothing when postpaid. */
        public BigDecimal balanceChange() {
            return balanceAfter.subtract(balanceBefore);
        }

        /** What the batch did to the unbilled usage: plus its cost when postpaid, nothing when prepaid. */
        public BigDecimal unbilledChange() {
            return billingMode == BillingMode.POSTPAID ? total() : BigDecimal.ZERO;
        }

        /** Each record in order, with the balance and the unbilled usage just after it. */
        public void walk(RecordVisitor visitor) {
            boolean prepaid = billingMode == BillingMode.PREPAID;
            BigDecimal balance = balanceBefore;
            BigDecimal unbilled = prepaid ? unbilledAfter : unbilledAfter.subtract(total());
            for (int i = 0; i < records.size(); i++) {
                ChargedRecord r = records.get(i);
                if (prepaid) {
                    balance = balance.subtract(r.cost());
                } else {
                    unbilled = unbilled.add(r.cost());
                }
                visitor.visit(i, r, balance, unbilled);
            }
        }

        @FunctionalInterface
        public interface RecordVisitor {
            void visit(int index, ChargedRecord record, BigDecimal balanceAfter, BigDecimal unbilledAfter);
        }
    }

    /**
     * Credit the account may spend: {@code amount} from {@code effectiveAt} until {@code expiresAt} (null: it never
     * expires), drawn in its {@code priority}'s turn. Top-ups ({@link TopUpCredited}) and recharges ({@link RechargeSucceeded})
     * are purchased grants too, named {@code top-up:<id>} and {@code recharge:<id>}. {@code balanceAfter} counts the grant
     * once it is effective; credit that comes in while the balance is below zero pays that first, so a grant starts with
     * {@link AccountEvent#spendable} of its amount.
     */
    record CreditGranted(String accountId, String grantId, GrantKind kind, Money amount, int priority, Instant effectiveAt,
                         Instant expiresAt, String reason, Money balanceAfter, Instant grantedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** Whether the grant counted from the moment it was granted, or waits for its {@link CreditStarted}. */
        public boolean effectiveNow() {
            return !effectiveAt.isAfter(grantedAt);
        }
    }

    /** A grant's effective time came: its {@code amount} counts in the balance from now on. */
    record CreditStarted(String accountId, String grantId, Money amount, Money balanceAfter, Instant startedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** A grant reached its expiry: what was left of it ({@code amount}) leaves the balance, as an entry the customer sees. */
    record CreditExpired(String accountId, String grantId, GrantKind kind, Money amount, Money balanceAfter, Instant expiredAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * An admin took back a grant nothing was drawn from: its {@code amount} leaves the balance if it {@code counted} there
     * (one voided before its effective time never did).
     */
    record CreditVoided(String accountId, String grantId, GrantKind kind, Money amount, boolean counted, String reason,
                        Money balanceAfter, Instant voidedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * The account's own price for an item, for records that occur from {@code effectiveFrom} on, instead of the catalog's
     * (a price with no amounts: the catalog's again). It replaces the catalog's volume tiers for the item.
     */
    record PriceOverrideSet(String accountId, ItemPrice price, Instant effectiveFrom, String reason, Instant setAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * A contract: the account commits to {@code amount} of usage charged from {@code startsAt} until {@code endsAt}, at its
     * rates ({@code prices} for the items it names, else the usual price less {@code discountPercent}); usage charged past the
     * commitment costs {@code overagePercent} of the usual price. {@code trueUp}: at the term's end, what was not used is
     * invoiced (postpaid only).
     */
    record CommitmentAdded(String accountId, String commitmentId, Money amount, Instant startsAt, Instant endsAt,
                           @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal discountPercent, List<ItemPrice> prices,
                           @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal overagePercent, boolean trueUp, String reason,
                           Instant addedAt) implements AccountEvent {
        public CommitmentAdded {
            prices = prices == null ? List.of() : List.copyOf(prices);
        }

        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * A commitment's term ended with {@code consumed} of its {@code amount} used. {@code trueUp}: what was not used, charged
     * as a line of the next invoice ({@code trueUpLine}, with {@code unbilledAfter}); zero when used up or not agreed.
     */
    record CommitmentEnded(String accountId, String commitmentId, Money amount, Money consumed, Money trueUp,
                           @JsonInclude(JsonInclude.Include.NON_NULL) UnbilledLine trueUpLine, Money unbilledAfter, Instant endedAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * A credit note of a paid invoice settled as credit: {@code amount} is a credit line ({@code line}, negative) on the
     * account's next invoice. Once per credit note.
     */
    record InvoiceCreditCarried(String accountId, String invoiceId, String creditNoteNumber, Money amount, UnbilledLine line,
                                Money unbilledAfter, Instant carriedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * What a reversed record already on an invoice asks of it: a credit note of {@code amount} (the cost, rounded to the
     * currency's minor unit; the rest of a cent is a credit line on the next invoice), settled as {@code settlement} says
     * if the invoice was paid (refund or credit).
     */
    record InvoiceCredit(String invoiceId, Money amount, String settlement) {
    }

    /**
     * A charged usage record reversed, by staff or by its gateway, for {@code reason}: its {@code cost} comes back, once. Prepaid:
     * what paid a balance below zero is no longer owed, and each grant that paid it gets back what it paid ({@code returned}),
     * except a grant that has expired since (its rest expired with it: {@code expiredOnReturn}); what no grant is left to take
     * back (usage charged below zero, and paid since) returns as a purchased grant {@code reversal:<usageEventId>}. Postpaid,
     * not yet invoiced: a credit line of the cost ({@code creditLines}, negative amounts) goes on the next invoice. {@code record}
     * is the record as it was charged (its {@code price} index names {@code price}), so that every view can take it back.
     * {@code lifetimeSpendAfter}: all usage ever charged, less reversals. Already invoiced: {@code invoiceCredit} is the credit
     * note it asks of its invoice, and the rest below a minor unit a credit line. {@code freeExpired}: the part of
     * {@code expiredOnReturn} that promotional grants had paid (spend that was never paid, now gone). A record its commitment's
     * rates priced, reversed after the commitment ended with a true-up, adds to the true-up what it no longer consumes (a
     * positive line of kind {@code commitment} among the credit lines). {@code chargedAt}: when the record was charged, when
     * known: a graduated record reversed in the month it was charged no longer counts in that month's volume.
     */
    record UsageReversed(String accountId, String usageEventId, String reason, String requestedBy, BillingMode billingMode, Money cost,
                         UsageBatchCharged.ChargedRecord record, UsageBatchCharged.PriceUsed price, List<GrantReturn> returned,
                         Money expiredOnReturn, List<UnbilledLine> creditLines, Money balanceAfter, Money unbilledAfter,
                         Money lifetimeSpendAfter, Instant reversedAt,
                         @JsonInclude(JsonInclude.Include.NON_NULL) InvoiceCredit invoiceCredit,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Money freeExpired,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Instant chargedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        public UsageReversed(String accountId, String usageEventId, String reason, String requestedBy, BillingMode billingMode, Money cost,
                             UsageBatchCharged.ChargedRecord record, UsageBatchCharged.PriceUsed price, List<GrantReturn> returned,
                             Money expiredOnReturn, List<UnbilledLine> creditLines, Money balanceAfter, Money unbilledAfter,
                             Money lifetimeSpendAfter, Instant reversedAt) {
            this(accountId, usageEventId, reason, requestedBy, billingMode, cost, record, price, returned, expiredOnReturn, creditLines,
                    balanceAfter, unbilledAfter, lifetimeSpendAfter, reversedAt, null, null, null);
        }

        public UsageReversed {
            returned = returned == null ? List.of() : List.copyOf(returned);
            creditLines = creditLines == null ? List.of() : List.copyOf(creditLines);
        }

        /** When the reversed record occurred. */
        public Instant occurredAt() {
            return record.occurredAt();
        }

        /** What the reversal did to the balance: the cost less what expired on its way back (prepaid); nothing (postpaid). */
        public Money balanceChange() {
            return billingMode == BillingMode.PREPAID ? cost.minus(expiredOnReturn) : Money.zero(cost.currency());
        }
    }

    /** Credit a reversal gave back to a grant, with the grant's terms: a grant drawn to nothing opens again with it. */
    record GrantReturn(String grantId, GrantKind kind, int priority, Instant effectiveAt, Instant expiresAt,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount) {
    }

    /** A card on file at the payment provider: a postpaid account may spend only with one. */
    record PaymentMethodAttached(String accountId, String paymentMethodId, String description, Instant attachedAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * The account's answer to an invoice: exactly which unbilled charges move onto invoice {@code invoiceId},
     * grouped in lines, and their sum. A {@code threshold} close takes everything unbilled; a {@code monthly}
     * one the charges that occurred before {@code cutoff}. The charges taken are those of the lines' periods
     * and prices charged before this event and not closed by an earlier one: a charge is on one invoice, never
     * two, never none.
     */
    record UnbilledClosed(String accountId, String invoiceId, String kind, Instant cutoff, String currency, List<UnbilledLine> lines,
                          @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal total,
                          @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unbilledAfter,
                          @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal balance,
                          Instant closedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        public static final String THRESHOLD = "threshold";
        public static final String MONTHLY = "monthly";

        public UnbilledClosed {
            lines = List.copyOf(lines);
        }
    }

    /**
     * Unbilled charges of one month of occurrence ({@code period}, e.g. 2026-11) at one price component:
     * their quantity, exact amount, how many records, and when the first and last occurred.
     */
    record UnbilledLine(String period, String kind, String item, String provider, int catalogVersion, String component,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unitPrice, String priceUnit,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal quantity,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount,
                        long records, Instant firstOccurredAt, Instant lastOccurredAt) {
    }

    /** An invoice of the account was paid: its amount counts as paid spend, which may promote the tier. */
    record InvoiceSettled(String accountId, String invoiceId, String number, Money amount, Money paidSpendAfter, Instant settledAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** An invoice of the account could not be charged after every attempt: the account is suspended until it is paid. */
    record InvoiceDefaulted(String accountId, String invoiceId, String number, Money amount, String reason, Instant defaultedAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** An invoice of the account cancelled by a credit note: nothing of it is owed any more. */
    record InvoiceWrittenOff(String accountId, String invoiceId, String number, String creditNoteNumber, Money amount, Instant writtenOffAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * A usage record whose cost is above the review ceiling ({@code ceiling}): held, not charged, until an admin
     * approves it (then {@link HeldUsageApproved} and the charge) or rejects it. Kept whole, so that approving
     * charges exactly what was held; its {@code eventId} counts as seen, so a repeat of it is skipped.
     */
    record UsageHeldForReview(String accountId, String usageEventId, Instant occurredAt, String source, Attribution attribution,
                              Charge charge, Interval interval, Money ceiling, Instant heldAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** An admin approved a held usage record: it is charged by the {@link UsageBatchCharged} that follows. */
    record HeldUsageApproved(String accountId, String usageEventId, Money cost, Instant approvedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** An admin rejected a held usage record: it is never charged. */
    record HeldUsageRejected(String accountId, String usageEventId, Money cost, String reason, Instant rejectedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** A usage record the account refused to charge, and why: {@code reason} is its dead-letter reason. */
    record UsageRefused(String accountId, String usageEventId, String reason, String detail,
                        Instant refusedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** A top-up above the enterprise-review limit, held until an admin approves or rejects it. */
    record TopUpHeld(String accountId, String topUpId, Money amount, Instant heldAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** A held top-up an admin rejected: nothing is credited. */
    record TopUpRejected(String accountId, String topUpId, Money amount, String reason, Instant rejectedAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** The account moved up the usage tiers, as its paid spend grew; tiers never go down. */
    record TierPromoted(String accountId, int fromTier, int toTier, Money billingLimit, Money paidSpend,
                        Instant promotedAt, Integer afterRecord) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** Not caused by a usage record. */
        public TierPromoted(String accountId, int fromTier, int toTier, Money billingLimit, Money paidSpend, Instant promotedAt) {
            this(accountId, fromTier, toTier, billingLimit, paidSpend, promotedAt, null);
        }
    }

    /** A postpaid account's unbilled usage reached its tier's billing limit: the cue for a threshold invoice. */
    record BillingLimitReached(String accountId, int tier, Money billingLimit, Money unbilled, Instant reachedAt, Integer afterRecord)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** Not caused by a usage record. */
        public BillingLimitReached(String accountId, int tier, Money billingLimit, Money unbilled, Instant reachedAt) {
            this(accountId, tier, billingLimit, unbilled, reachedAt, null);
        }
    }

    /** A prepaid account with nothing left to spend; the gateway's authorize refuses it until it is reinstated. */
    record AccountSuspended(String accountId, String reason, Money balance, Instant suspendedAt, Integer afterRecord) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** Not caused by a usage record. */
        public AccountSuspended(String accountId, String reason, Money balance, Instant suspendedAt) {
            this(accountId, reason, balance, suspendedAt, null);
        }
    }

    record AccountReinstated(String accountId, Money balance, Instant reinstatedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * A spending budget on one scope of the account ({@code account}, {@code project}, {@code member} or
     * {@code apiKey}) for each calendar month (UTC): soft alerts at fractions of the hard cap, and a block
     * at the cap. Setting it again replaces the cap and the alerts; the month's spend is kept.
     */
    record BudgetSet(String accountId, String scope, String scopeId, String period, Money hardCap,
                     List<BigDecimal> softAlerts, Instant setAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** A scope's spend in {@code period} (e.g. 2026-11) crossed {@code threshold} × its hard cap; once a period. */
    record BudgetAlertRaised(String accountId, String scope, String scopeId, String period,
                             @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal threshold, Money spent,
                             Money hardCap, Instant raisedAt, Integer afterRecord) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** Not caused by a usage record. */
        public BudgetAlertRaised(String accountId, String scope, String scopeId, String period, BigDecimal threshold, Money spent, Money hardCap, Instant raisedAt) {
            this(accountId, scope, scopeId, period, threshold, spent, hardCap, raisedAt, null);
        }
    }

    /** A scope reached its hard cap in {@code period}: the gateway's authorize refuses it until the month or the cap changes. */
    record BudgetBlocked(String accountId, String scope, String scopeId, String period, Money spent, Money hardCap,
                         Instant blockedAt, Integer afterRecord) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** Not caused by a usage record. */
        public BudgetBlocked(String accountId, String scope, String scopeId, String period, Money spent, Money hardCap, Instant blockedAt) {
            this(accountId, scope, scopeId, period, spent, hardCap, blockedAt, null);
        }
    }

    record BudgetUnblocked(String accountId, String scope, String scopeId, String period, Money spent, Money hardCap,
                           Instant unblockedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** A project of the organisation whose balance pool the account is: an attribution and budget scope. */
    record ProjectAdded(String accountId, String projectId, String name, Instant addedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** A member of the organisation, with a role: owner, billing or developer. */
    record MemberAdded(String accountId, String memberId, String role, Instant addedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** An API key of the organisation, optionally of one of its projects and members. */
    record ApiKeyIssued(String accountId, String apiKeyId, String projectId, String memberId, Instant issuedAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * Auto-recharge set up or changed: when a charge takes the balance below {@code threshold},
     * {@code amount} is charged to the customer's payment method. The threshold is also the balance
     * below which the customer is warned ({@link BalanceLow}), with auto-recharge enabled or not.
     */
    record AutoRechargeConfigured(String accountId, boolean enabled, Money threshold, Money amount, Instant configuredAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** A charge took a prepaid balance below the low-balance threshold; once until a credit lifts it back. */
    record BalanceLow(String accountId, Money balance, Money threshold, Instant at, Integer afterRecord) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** Not caused by a usage record. */
        public BalanceLow(String accountId, Money balance, Money threshold, Instant at) {
            this(accountId, balance, threshold, at, null);
        }
    }

    /**
     * A charge took a prepaid balance to zero or below: the gateway's authorize refuses the account
     * ({@code insufficient-balance}) until a credit lifts it above zero. Without a recharge in flight
     * the account is suspended as well.
     */
    record BalanceExhausted(String accountId, Money balance, Instant at, Integer afterRecord) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** Not caused by a usage record. */
        public BalanceExhausted(String accountId, Money balance, Instant at) {
            this(accountId, balance, at, null);
        }
    }

    /** One recharge asked of the payment provider; never a second while one is in flight. */
    record RechargeRequested(String accountId, String rechargeId, Money amount, Money balance, Instant requestedAt, Integer afterRecord)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** Not caused by a usage record. */
        public RechargeRequested(String accountId, String rechargeId, Money amount, Money balance, Instant requestedAt) {
            this(accountId, rechargeId, amount, balance, requestedAt, null);
        }
    }

    /**
     * A recharge was due but the account reached its daily recharge limit ({@code day}, UTC: {@code recharges}
     * asked for {@code amount} in all): no more are asked until the next day. Once a day; the account is
     * warned, and suspended if its balance is gone.
     */
    record AutoRechargeLimitReached(String accountId, String day, int recharges, Money amount, Money balance, Instant at)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** The provider took the payment: the money is credited. */
    record RechargeSucceeded(String accountId, String rechargeId, Money amount, String paymentReference, Money balanceAfter,
                             Instant succeededAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }

        /** The purchased grant the recharge is. */
        public String grantId() {
            return "recharge:" + rechargeId;
        }
    }

    /** One attempt of a recharge failed; it is tried again at {@code retryAt}. */
    record RechargeAttemptFailed(String accountId, String rechargeId, int attempt, String reason, Instant retryAt,
                                 Instant failedAt) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /**
     * The provider gave no definite answer for an attempt (a timeout, no answer, unsure): the same attempt,
     * with the same idempotency key, is asked again at {@code retryAt}; {@code unanswered} counts the asks
     * that went unanswered so far.
     */
    record RechargeOutcomeUnknown(String accountId, String rechargeId, int attempt, int unanswered, String reason, Instant retryAt,
                                  Instant at) implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }

    /** Every attempt failed: auto-recharge rests until the account is topped up or its settings are saved again. */
    record RechargeFailed(String accountId, String rechargeId, int attempts, String reason, Money balance, Instant failedAt)
            implements AccountEvent {
        @Override
        public <R> R fold(Fold<R> fold) {
            return fold.on(this);
        }
    }
}

package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.inference.ledger.accounts.AccountCommand.AddCommitment;
import dev.inference.ledger.accounts.AccountCommand.SetPriceOverride;
import dev.inference.ledger.accounts.PriceTerms.Commitment;
import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentAdded;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.kernel.account.AccountEvent.PriceOverrideSet;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.ItemPrice;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.money.Decimals;
import dev.inference.ledger.kernel.money.Money;

/**
 * An account's own terms for prices: price overrides (effective-dated, by the time a record occurred) and commitments
 * (a term, an amount, its rates, its overage, a true-up). How they price a record is {@link AccountPricing}.
 */
public final class PriceTermRules {

    /** The most price overrides an account keeps, and the most prices a commitment names: each charge may look at them. */
    public static final int MAX_OVERRIDES = 200;
    public static final int MAX_COMMITMENT_PRICES = 100;
    /** The most commitments an account has, ended ones included. */
    public static final int MAX_COMMITMENTS = 100;
    /** The longest term, and how far ahead one may start. */
    public static final Duration MAX_TERM = Duration.ofDays(3660);
    public static final BigDecimal MAX_OVERAGE_PERCENT = BigDecimal.valueOf(1000);
    /** The kind of an invoice line that trues up a commitment. */
    public static final String TRUE_UP_KIND = "commitment";

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private PriceTermRules() {
    }

    /**
     * The account's price for an item from {@code effectiveFrom} on. Setting the same price for the same item, provider and
     * time again changes nothing (an empty list); another price at that time is refused: a new one takes a later time.
     */
    public static List<AccountEvent> setOverride(AccountState state, SetPriceOverride command, Instant now) {
        ItemPrice price = valid(command.price(), "invalid-override");
        Instant from = command.effectiveFrom() == null ? now : command.effectiveFrom();
        if (from.isAfter(now.plus(MAX_TERM))) {
            throw new AccountRuleViolation("invalid-override", "effectiveFrom may be at most " + MAX_TERM.toDays() + " days ahead");
        }
        String reason = reason(command.reason(), "invalid-override");
        if (command.effectiveFrom() == null) {
            // "From now" asked again (a retry): the same price as the latest for the item is set already.
            PriceOverrideSet latest = null;
            for (PriceOverrideSet o : state.terms().overrides()) {
                if (o.price().item().equals(price.item()) && Objects.equals(o.price().provider(), price.provider())
                        && (latest == null || o.effectiveFrom().isAfter(latest.effectiveFrom()))) {
                    latest = o;
                }
            }
            if (latest != null && !latest.effectiveFrom().isAfter(now) && samePrice(latest.price(), price)) {
                return List.of();
            }
        }
        for (PriceOverrideSet o : state.terms().overrides()) {
            if (o.price().item().equals(price.item()) && Objects.equals(o.price().provider(), price.provider())
                    && o.effectiveFrom().equals(from)) {
                if (samePrice(o.price(), price)) {
                    return List.of();
                }
                throw new AccountRuleViolation("override-exists", "a price for '" + price.item() + "' from " + from
                        + " is set already; set the new one from a later time");
            }
        }
        if (state.terms().overrides().size() >= MAX_OVERRIDES) {
            throw new AccountRuleViolation("too-many-overrides", "an account keeps at most " + MAX_OVERRIDES + " price overrides");
        }
        return List.of(new PriceOverrideSet(state.accountId(), price, from, reason, now));
    }

    /**
     * A commitment. Adding the same {@code commitmentId} again with the same terms changes nothing; with other terms it is
     * refused. Terms never overlap, so a charge is priced by one commitment at most. A true-up is invoiced, so only a
     * postpaid account's commitment has one.
     */
    public static List<AccountEvent> addCommitment(AccountState state, AddCommitment command, Instant now) {
        Identifier.COMMITMENT.problem(command.commitmentId()).ifPresent(problem -> {
            throw new AccountRuleViolation("invalid-commitment", problem);
        });
        Money amount = command.amount();
        if (amount == null || !amount.isPositive() || !amount.currency().equals(state.currency()) || !amount.isWithinInputRange()) {
            throw new AccountRuleViolation("invalid-commitment", "amount must be more than zero and less than "
                    + Money.MAX_INPUT.toPlainString() + ", in " + state.currency());
        }
        Instant starts = command.startsAt() == null ? now : command.startsAt();
        if (command.endsAt() == null || !command.endsAt().isAfter(starts) || !command.endsAt().isAfter(now)
                || Duration.between(starts, command.endsAt()).compareTo(MAX_TERM) > 0 || starts.isAfter(now.plus(MAX_TERM))) {
            throw new AccountRuleViolation("invalid-commitment", "endsAt must be after startsAt and in the future, a term of at most "
                    + MAX_TERM.toDays() + " days, starting at most that far ahead");
        }
        BigDecimal discount = percent(command.discountPercent(), BigDecimal.ZERO, HUNDRED, "discountPercent");
        BigDecimal overage = percent(command.overagePercent(), HUNDRED, MAX_OVERAGE_PERCENT, "overagePercent");
        List<ItemPrice> prices = command.prices() == null ? List.of() : command.prices();
        if (prices.size() > MAX_COMMITMENT_PRICES) {
            throw new AccountRuleViolation("invalid-commitment", "a commitment names at most " + MAX_COMMITMENT_PRICES + " prices");
        }
        List<ItemPrice> checked = new ArrayList<>(prices.size());
        for (ItemPrice p : prices) {
            ItemPrice price = valid(p, "invalid-commitment");
            if (price.catalog()) {
                throw new AccountRuleViolation("invalid-commitment", "a commitment's price for '" + price.item() + "' names no amount");
            }
            checked.add(price);
        }
        if (command.trueUp() && state.billingMode() != BillingMode.POSTPAID) {
            throw new AccountRuleViolation("true-up-needs-postpaid", "a true-up is invoiced; a prepaid account pays its commitment "
                    + "up front, as a contractual grant");
        }
        String reason = reason(command.reason(), "invalid-commitment");
        CommitmentAdded added = new CommitmentAdded(state.accountId(), command.commitmentId(), amount, starts, command.endsAt(), discount,
                checked, overage, command.trueUp(), reason, now);
        Commitment existing = state.terms().commitment(command.commitmentId());
        if (existing != null) {
            CommitmentAdded was = existing.terms();
            if (sameTerms(was, added, command.startsAt() == null)) {
                return List.of();
            }
            throw new AccountRuleViolation("commitment-exists", "commitment '" + command.commitmentId() + "' was made already, on other terms");
        }
        for (Commitment c : state.terms().commitments()) {
            if (!c.ended() && starts.isBefore(c.terms().endsAt()) && c.terms().startsAt().isBefore(command.endsAt())) {
                throw new AccountRuleViolation("commitment-overlaps", "commitment '" + c.id() + "' runs from " + c.terms().startsAt()
                        + " to " + c.terms().endsAt() + "; terms may not overlap");
            }
        }
        if (state.terms().commitments().size() >= MAX_COMMITMENTS) {
            throw new AccountRuleViolation("too-many-commitments", "an account has at most " + MAX_COMMITMENTS + " commitments");
        }
        return List.of(added);
    }

    /**
     * The commitments whose term has ended by {@code now}, each closed with what it consumed. Where the contract says so
     * (postpaid), what was not used is a true-up line on the next invoice, in the month the term ended.
     */
    static List<AccountEvent> due(AccountState state, Instant now) {
        List<Commitment> ended = state.terms().endedBy(now);
        if (ended.isEmpty()) {
            return List.of();
        }
        List<AccountEvent> events = new ArrayList<>(ended.size());
        BigDecimal unbilled = state.unbilled().amount();
        for (Commitment c : ended) {
            CommitmentAdded terms = c.terms();
            BigDecimal shortfall = terms.trueUp() ? terms.amount().amount().subtract(c.consumed()).max(BigDecimal.ZERO) : BigDecimal.ZERO;
            UnbilledLine line = null;
            if (shortfall.signum() > 0) {
                Instant last = terms.endsAt().minusNanos(1);
                String period = PriceTerms.monthOf(last);
                line = new UnbilledLine(period, TRUE_UP_KIND, c.id(), null, 0, "true-up", shortfall, TRUE_UP_KIND, BigDecimal.ONE, shortfall, 0,
                        terms.startsAt(), last);
                unbilled = unbilled.add(shortfall);
            }
            events.add(new CommitmentEnded(state.accountId(), c.id(), terms.amount(), new Money(c.consumed(), state.currency()),
                    new Money(shortfall, state.currency()), line, new Money(unbilled, state.currency()), now));
        }
        return events;
    }

    private static boolean sameTerms(CommitmentAdded a, CommitmentAdded b, boolean startsNow) {
        return a.amount().amount().compareTo(b.amount().amount()) == 0 && a.endsAt().equals(b.endsAt())
                && (startsNow || a.startsAt().equals(b.startsAt())) && a.discountPercent().compareTo(b.discountPercent()) == 0
                && a.overagePercent().compareTo(b.overagePercent()) == 0 && a.trueUp() == b.trueUp() && a.prices().size() == b.prices().size()
                && java.util.stream.IntStream.range(0, a.prices().size()).allMatch(i -> samePrice(a.prices().get(i), b.prices().get(i)));
    }

    private static boolean samePrice(ItemPrice a, ItemPrice b) {
        return a.item().equals(b.item()) && Objects.equals(a.provider(), b.provider()) && same(a.input(), b.input())
                && same(a.cachedInput(), b.cachedInput()) && same(a.output(), b.output()) && same(a.price(), b.price());
    }

    private static boolean same(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    /** A price whose item and provider are names the catalog could hold, and whose amounts are prices the catalog could hold. */
    private static ItemPrice valid(ItemPrice price, String code) {
        if (price == null || price.item() == null) {
            throw new AccountRuleViolation(code, "a price names its item (a model or a meter)");
        }
        Identifier.MODEL.problem(price.item()).ifPresent(problem -> {
            throw new AccountRuleViolation(code, problem);
        });
        if (price.provider() != null) {
            Identifier.PROVIDER.problem(price.provider()).ifPresent(problem -> {
                throw new AccountRuleViolation(code, problem);
            });
        }
        boolean tokens = price.input() != null || price.cachedInput() != null || price.output() != null;
        if (tokens && (price.input() == null || price.output() == null || price.price() != null)) {
            throw new AccountRuleViolation(code, "a token price names input and output (and cachedInput if it differs), and no price");
        }
        for (BigDecimal amount : new BigDecimal[] {price.input(), price.cachedInput(), price.output(), price.price()}) {
            if (amount != null && (amount.signum() < 0 || !Decimals.fits(amount, 15, tokens ? 6 : Money.SCALE))) {
                throw new AccountRuleViolation(code, "a price is at least zero and less than 10^15, with at most "
                        + (tokens ? 6 : Money.SCALE) + " decimal places");
            }
        }
        return price;
    }

    private static BigDecimal percent(BigDecimal value, BigDecimal otherwise, BigDecimal max, String field) {
        if (value == null) {
            return otherwise;
        }
        if (value.signum() < 0 || value.compareTo(max) > 0 || !Decimals.fits(value, 4, 2)) {
            throw new AccountRuleViolation("invalid-commitment", field + " must be 0 to " + max.toPlainString() + ", with at most 2 decimal places");
        }
        return value;
    }

    private static String reason(String given, String code) {
        String reason = given == null || given.isBlank() ? null : given.strip();
        if (reason != null) {
            Identifier.REASON.problem(reason).ifPresent(problem -> {
                throw new AccountRuleViolation(code, problem);
            });
        }
        return reason;
    }
}

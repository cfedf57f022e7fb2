package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetUnblocked;
import dev.inference.ledger.kernel.account.AccountEvent.GrantReturn;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceCredit;
import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.accounts.AccountCommand.ChargedUsage;
import dev.inference.ledger.accounts.AccountCommand.GrantTerms;
import dev.inference.ledger.accounts.AccountCommand.ReverseUsage;

/**
 * Corrections: a charged usage record reversed, at most once, its cost given back as if it had not been charged. What
 * is given back to a prepaid account pays what it owes (a balance below zero) first, as any credit does; then each grant
 * gets back what it paid, unless it has expired since (its rest expired with it); what is left (usage that went below
 * zero and was paid since) comes back as a purchased grant of its own. A postpaid record not yet invoiced is credited
 * on the next invoice; one already invoiced is corrected on its invoice, by a credit note (refunded or credited when the
 * invoice was paid). The month's spend of every
 * budget the record counted in is lower by its cost: a scope it had blocked is unblocked.
 */
public final class CorrectionRules {

    private CorrectionRules() {
    }

    public static List<AccountEvent> reverse(AccountState state, ReverseUsage command, RechargePolicy policy, Instant now) {
        if (command.usageEventId() == null || state.reversed().contains(command.usageEventId())) {
            throw new AccountRuleViolation("usage-already-reversed", "usage record '" + Identifier.echo(String.valueOf(command.usageEventId()))
                    + "' was reversed already: a record is reversed once");
        }
        String reason = command.reason() == null ? "" : command.reason().strip();
        if (reason.isEmpty()) {
            throw new AccountRuleViolation("invalid-reason", "a reversal says why: reason is required");
        }
        Identifier.REASON.problem(reason).ifPresent(problem -> {
            throw new AccountRuleViolation("invalid-reason", problem);
        });
        ChargedUsage charged = command.charged();
        String settlement = command.settlement();
        if (settlement != null && !settlement.equals(InvoiceEvent.REFUND) && !settlement.equals(InvoiceEvent.CREDIT)) {
            throw new AccountRuleViolation("invalid-settlement", "settlement is refund or credit (what a paid invoice's credit note does)");
        }
        Money cost = new Money(charged.record().cost(), state.currency());
        Money lifetime = state.lifetimeSpend().minus(cost);
        if (state.billingMode() == BillingMode.POSTPAID && charged.invoiceId() != null) {
            return invoiced(state, command, reason, cost, lifetime, now);
        }
        if (state.billingMode() == BillingMode.POSTPAID) {
            List<UnbilledLine> lines = new ArrayList<>(creditLines(charged));
            UnbilledLine trueUp = trueUpAfterEnd(state, charged, cost, now);
            if (trueUp != null) {
                lines.add(trueUp);
            }
            UsageReversed reversed = new UsageReversed(state.accountId(), command.usageEventId(), reason, command.requestedBy(),
                    BillingMode.POSTPAID, cost, charged.record(), charged.price(), List.of(), Money.zero(state.currency()),
                    lines, state.balance(), state.unbilled().minus(cost).plus(trueUpOf(trueUp, state)), lifetime, now, null, null,
                    charged.chargedAt());
            return withUnblocked(state, reversed, state.evolve(reversed), now);
        }
        BigDecimal owed = state.balance().isNegative() ? state.balance().amount().negate() : BigDecimal.ZERO;
        BigDecimal drawn = BigDecimal.ZERO;
        BigDecimal expired = BigDecimal.ZERO;
        BigDecimal freeExpired = BigDecimal.ZERO;
        List<GrantReturn> returned = new ArrayList<>();
        // What went below zero comes back first: it pays what is owed now before any grant gets anything back.
        for (GrantDraw piece : charged.paidBy()) {
            drawn = drawn.add(piece.amount());
        }
        BigDecimal belowZero = charged.record().cost().subtract(drawn);
        BigDecimal repaid = owed.min(belowZero);
        owed = owed.subtract(repaid);
        BigDecimal spare = belowZero.subtract(repaid);
        for (GrantDraw piece : charged.paidBy()) {
            GrantTerms terms = terms(charged, piece.grantId());
            if (terms.expiresAt() != null && !terms.expiresAt().isAfter(now)) {
                expired = expired.add(piece.amount());
                if (terms.kind() == GrantKind.PROMOTIONAL) {
                    freeExpired = freeExpired.add(piece.amount());
                }
                continue;
            }
            BigDecimal pays = owed.min(piece.amount());
            owed = owed.subtract(pays);
            BigDecimal back = piece.amount().subtract(pays);
            if (back.signum() > 0) {
                returned.add(new GrantReturn(terms.grantId(), terms.kind(), terms.priority(), terms.effectiveAt(), terms.expiresAt(), back));
            }
        }
        if (spare.signum() > 0) {
            returned.add(new GrantReturn("reversal:" + command.usageEventId(), GrantKind.PURCHASED, CreditRules.DEFAULT_PRIORITY, now, null,
                    spare));
        }
        Money expiredOnReturn = new Money(expired, state.currency());
        UsageReversed reversed = new UsageReversed(state.accountId(), command.usageEventId(), reason, command.requestedBy(),
                BillingMode.PREPAID, cost, charged.record(), charged.price(), returned, expiredOnReturn, List.of(),
                state.balance().plus(cost).minus(expiredOnReturn), state.unbilled(), lifetime, now, null,
                freeExpired.signum() == 0 ? null : new Money(freeExpired, state.currency()), charged.chargedAt());
        AccountState after = state.evolve(reversed);
        List<AccountEvent> events = withUnblocked(state, reversed, after, now);
        if (state.suspended() && after.balance().isPositive() && !state.billing().owes()) {
            events.add(new AccountEvent.AccountReinstated(state.accountId(), after.balance(), now));
        }
        return events;
    }

    /**
     * A postpaid record already invoiced: its invoice is corrected by a credit note of its cost in the currency's minor unit
     * (a process asks the invoice for it), and the rest of a cent, either way, is a line of the next invoice: the customer
     * gets back the cost exactly.
     */
    private static List<AccountEvent> invoiced(AccountState state, ReverseUsage command, String reason, Money cost, Money lifetime,
                                               Instant now) {
        ChargedUsage charged = command.charged();
        int places = java.util.Currency.getInstance(state.currency()).getDefaultFractionDigits();
        BigDecimal noted = cost.amount().setScale(places, java.math.RoundingMode.HALF_EVEN);
        BigDecimal rest = cost.amount().subtract(noted);
        List<UnbilledLine> lines = new ArrayList<>(2);
        if (rest.signum() != 0) {
            lines.add(new UnbilledLine(YearMonth.from(now.atOffset(ZoneOffset.UTC)).toString(), BillingRules.CREDIT_NOTE_KIND,
                    "reversal:" + command.usageEventId(), null, 0, "rest of the reversed cost, below a minor unit", rest.negate(),
                    BillingRules.CREDIT_NOTE_KIND, BigDecimal.ONE, rest.negate(), 1, now, now));
        }
        UnbilledLine trueUp = trueUpAfterEnd(state, charged, cost, now);
        if (trueUp != null) {
            lines.add(trueUp);
        }
        InvoiceCredit credit = noted.signum() == 0 ? null
                : new InvoiceCredit(charged.invoiceId(), new Money(noted, state.currency()), command.settlement());
        UsageReversed reversed = new UsageReversed(state.accountId(), command.usageEventId(), reason, command.requestedBy(),
                BillingMode.POSTPAID, cost, charged.record(), charged.price(), List.of(), Money.zero(state.currency()), lines, state.balance(),
                state.unbilled().minus(new Money(rest, state.currency())).plus(trueUpOf(trueUp, state)), lifetime, now, credit, null,
                charged.chargedAt());
        return withUnblocked(state, reversed, state.evolve(reversed), now);
    }

    /**
     * A record its commitment's rates priced, reversed after the commitment ended with a true-up: the true-up grows by what the
     * record no longer consumes (up to the commitment's amount), a line of the next invoice, so the customer pays the commitment
     * whether a record is reversed before its end or after. Null when nothing is added.
     */
    private static UnbilledLine trueUpAfterEnd(AccountState state, ChargedUsage charged, Money cost, Instant now) {
        String id = charged.price().commitmentId();
        PriceTerms.Commitment c = id == null ? null : state.terms().commitment(id);
        if (c == null || !c.ended() || !c.terms().trueUp()) {
            return null;
        }
        BigDecimal amount = c.terms().amount().amount();
        BigDecimal before = amount.subtract(c.consumed()).max(BigDecimal.ZERO);
        BigDecimal after = amount.subtract(c.consumed().subtract(cost.amount())).max(BigDecimal.ZERO);
        BigDecimal more = after.subtract(before);
        if (more.signum() <= 0) {
            return null;
        }
        return new UnbilledLine(YearMonth.from(now.atOffset(ZoneOffset.UTC)).toString(), PriceTermRules.TRUE_UP_KIND, id, null, 0,
                "true-up, after a reversal", more, PriceTermRules.TRUE_UP_KIND, BigDecimal.ONE, more, 0, now, now);
    }

    private static Money trueUpOf(UnbilledLine line, AccountState state) {
        return new Money(line == null ? BigDecimal.ZERO : line.amount(), state.currency());
    }

    /** The reversal, and each budget it takes back below its cap this month unblocked, as a raised cap would. */
    private static List<AccountEvent> withUnblocked(AccountState state, UsageReversed reversed, AccountState after, Instant now) {
        List<AccountEvent> events = new ArrayList<>(List.of(reversed));
        for (Budget budget : after.budgets().values()) {
            if (budget.blocked() && !budget.capReached()) {
                events.add(new BudgetUnblocked(state.accountId(), budget.scope(), budget.scopeId(), budget.period(), budget.spent(),
                        budget.hardCap(), now));
            }
        }
        return events;
    }

    private static GrantTerms terms(ChargedUsage charged, String grantId) {
        return charged.terms().stream().filter(t -> t.grantId().equals(grantId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the terms of grant " + grantId + " were not given"));
    }

    /** The record's cost split by its price's components, as negative lines of its month: credits on the next invoice. */
    private static List<UnbilledLine> creditLines(ChargedUsage charged) {
        PriceUsed price = charged.price();
        ChargedRecord record = charged.record();
        BigDecimal[] amounts = record.componentAmounts(price);
        String period = YearMonth.from(record.occurredAt().atOffset(ZoneOffset.UTC)).toString();
        List<UnbilledLine> lines = new ArrayList<>(amounts.length);
        for (int i = 0; i < amounts.length; i++) {
            var component = price.components().get(i);
            lines.add(new UnbilledLine(period, price.kind(), price.item(), price.provider(), price.catalogVersion(),
                    component.label() + " reversed", component.unitPrice(), component.priceUnit(), record.quantities().get(i).negate(),
                    amounts[i].negate(), 1, record.occurredAt(), record.occurredAt()));
        }
        return lines;
    }
}

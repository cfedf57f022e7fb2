package dev.inference.ledger.webhooks;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.inference.ledger.kernel.account.AccountEvent.BalanceLow;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetAlertRaised;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceLine;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaymentFailed;
import dev.inference.ledger.kernel.money.Money;

/**
 * The {@code data} of each webhook: the account and the event's fields, named as in the event, with
 * money as decimal strings and its currency beside it. Written out field by field, not serialized from
 * the event, so that what receivers read is a contract of its own and no internal field leaks into it.
 */
final class WebhookData {

    private WebhookData() {
    }

    static Map<String, Object> of(BalanceLow e) {
        return data(e.accountId(), "balance", money(e.balance()), "threshold", money(e.threshold()), "currency", e.balance().currency());
    }

    static Map<String, Object> of(RechargeSucceeded e) {
        return data(e.accountId(), "rechargeId", e.rechargeId(), "amount", money(e.amount()), "currency", e.amount().currency(),
                "paymentReference", e.paymentReference(), "balanceAfter", money(e.balanceAfter()));
    }

    static Map<String, Object> of(RechargeFailed e) {
        return data(e.accountId(), "rechargeId", e.rechargeId(), "attempts", e.attempts(), "reason", e.reason(),
                "balance", money(e.balance()), "currency", e.balance().currency());
    }

    static Map<String, Object> of(AutoRechargeLimitReached e) {
        return data(e.accountId(), "day", e.day(), "recharges", e.recharges(), "amount", money(e.amount()), "balance", money(e.balance()),
                "currency", e.balance().currency());
    }

    static Map<String, Object> of(BudgetAlertRaised e) {
        return data(e.accountId(), "scope", e.scope(), "scopeId", e.scopeId(), "period", e.period(), "threshold", decimal(e.threshold()),
                "spent", money(e.spent()), "hardCap", money(e.hardCap()), "currency", e.hardCap().currency());
    }

    static Map<String, Object> of(BudgetBlocked e) {
        return data(e.accountId(), "scope", e.scope(), "scopeId", e.scopeId(), "period", e.period(),
                "spent", money(e.spent()), "hardCap", money(e.hardCap()), "currency", e.hardCap().currency());
    }

    static Map<String, Object> of(TierPromoted e) {
        return data(e.accountId(), "fromTier", e.fromTier(), "toTier", e.toTier(), "billingLimit", money(e.billingLimit()),
                "paidSpend", money(e.paidSpend()), "currency", e.billingLimit().currency());
    }

    static Map<String, Object> of(InvoiceIssued e) {
        Map<String, Object> data = data(e.accountId(), "invoiceId", e.invoiceId(), "number", e.number(), "kind", e.kind(),
                "currency", e.currency(), "periodStart", e.periodStart().toString(), "periodEnd", e.periodEnd().toString(),
                "exactCharges", decimal(e.exactCharges()), "carriedIn", decimal(e.carriedIn()), "total", decimal(e.total()),
                "carriedOut", decimal(e.carriedOut()));
        data.put("lines", e.lines().stream().map(WebhookData::line).toList());
        return data;
    }

    static Map<String, Object> of(InvoicePaid e) {
        return data(e.accountId(), "invoiceId", e.invoiceId(), "number", e.number(), "amount", money(e.amount()),
                "currency", e.amount().currency(), "paymentReference", e.paymentReference());
    }

    static Map<String, Object> of(InvoicePaymentFailed e) {
        return data(e.accountId(), "invoiceId", e.invoiceId(), "number", e.number(), "amount", money(e.amount()),
                "currency", e.amount().currency(), "attempts", e.attempts(), "reason", e.reason());
    }

    private static Map<String, Object> line(InvoiceLine l) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", l.kind());
        line.put("item", l.item());
        line.put("provider", l.provider());
        line.put("component", l.component());
        line.put("priceUnit", l.priceUnit());
        line.put("unitPrice", decimal(l.unitPrice()));
        line.put("quantity", decimal(l.quantity()));
        line.put("exactAmount", decimal(l.exactAmount()));
        line.put("amount", decimal(l.amount()));
        line.put("records", l.records());
        line.put("firstOccurredAt", l.firstOccurredAt().toString());
        line.put("lastOccurredAt", l.lastOccurredAt().toString());
        return line;
    }

    private static Map<String, Object> data(String accountId, Object... pairs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountId", accountId);
        for (int i = 0; i < pairs.length; i += 2) {
            data.put((String) pairs[i], pairs[i + 1]);
        }
        return data;
    }

    private static String money(Money money) {
        return money.amount().toPlainString();
    }

    private static String decimal(BigDecimal value) {
        return value.toPlainString();
    }
}

package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledLine;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;

/**
 * What the account remembers to invoice a postpaid customer: the card on file, the unbilled charges
 * summed by month of occurrence and price component (small whatever the number of records), the
 * invoices already closed, paid or defaulted, and the total paid, which is the postpaid paid spend.
 */
public record Billing(String paymentMethodId, Map<String, UnbilledLine> unbilled, Set<String> closed, Set<String> paid,
                      Set<String> defaulted, Set<String> voided, BigDecimal invoicesPaid, Set<String> creditNotes) {

    static final Billing NONE = new Billing(null, Map.of(), Set.of(), Set.of(), Set.of(), Set.of(), BigDecimal.ZERO, Set.of());

    public Billing {
        unbilled = unbilled == null ? Map.of() : Map.copyOf(unbilled);
        closed = closed == null ? Set.of() : Set.copyOf(closed);
        paid = paid == null ? Set.of() : Set.copyOf(paid);
        defaulted = defaulted == null ? Set.of() : Set.copyOf(defaulted);
        voided = voided == null ? Set.of() : Set.copyOf(voided);
        invoicesPaid = invoicesPaid == null ? BigDecimal.ZERO : invoicesPaid;
        creditNotes = creditNotes == null ? Set.of() : Set.copyOf(creditNotes);
    }

    /** A credit note's credit, on the next invoice; its number remembered, so it is carried once. */
    Billing carried(String creditNoteNumber, UnbilledLine line) {
        Set<String> notes = new HashSet<>(creditNotes);
        notes.add(creditNoteNumber);
        Billing next = added(List.of(line));
        return new Billing(paymentMethodId, next.unbilled, closed, paid, defaulted, voided, invoicesPaid, notes);
    }

    boolean hasPaymentMethod() {
        return paymentMethodId != null;
    }

    /** Invoices that failed for good and are not paid yet: while any is, the account stays suspended. */
    boolean owes() {
        return !defaulted.isEmpty();
    }

    Billing attached(String paymentMethod) {
        return new Billing(paymentMethod, unbilled, closed, paid, defaulted, voided, invoicesPaid, creditNotes);
    }

    /** A postpaid batch's records added to their month's and price's lines. */
    Billing charged(UsageBatchCharged batch) {
        Map<String, UnbilledLine> next = new HashMap<>(unbilled);
        for (ChargedRecord record : batch.records()) {
            PriceUsed price = batch.prices().get(record.price());
            BigDecimal[] amounts = record.componentAmounts(price);
            String period = YearMonth.from(record.occurredAt().atOffset(ZoneOffset.UTC)).toString();
            for (int i = 0; i < amounts.length; i++) {
                var component = price.components().get(i);
                String label = price.terms() == null ? component.label() : component.label() + " (" + price.terms() + ")";
                String key = key(period, price.kind(), price.item(), price.provider(), price.catalogVersion(), label,
                        component.unitPrice(), component.priceUnit());
                UnbilledLine line = next.get(key);
                BigDecimal quantity = record.quantities().get(i);
                next.put(key, line == null
                        ? new UnbilledLine(period, price.kind(), price.item(), price.provider(), price.catalogVersion(), label,
                                component.unitPrice(), component.priceUnit(), quantity, amounts[i], 1, record.occurredAt(), record.occurredAt())
                        : new UnbilledLine(period, line.kind(), line.item(), line.provider(), line.catalogVersion(), line.component(),
                                line.unitPrice(), line.priceUnit(), line.quantity().add(quantity), line.amount().add(amounts[i]),
                                line.records() + 1, earlier(line.firstOccurredAt(), record.occurredAt()),
                                later(line.lastOccurredAt(), record.occurredAt())));
            }
        }
        return new Billing(paymentMethodId, next, closed, paid, defaulted, voided, invoicesPaid, creditNotes);
    }

    /** Lines added to the unbilled, to go onto the next invoice with the rest: a reversal's credits (negative), a true-up. */
    Billing added(List<UnbilledLine> credits) {
        if (credits.isEmpty()) {
            return this;
        }
        Map<String, UnbilledLine> next = new HashMap<>(unbilled);
        for (UnbilledLine credit : credits) {
            next.merge(keyOf(credit), credit, (line, more) -> new UnbilledLine(line.period(), line.kind(), line.item(), line.provider(),
                    line.catalogVersion(), line.component(), line.unitPrice(), line.priceUnit(), line.quantity().add(more.quantity()),
                    line.amount().add(more.amount()), line.records() + more.records(), earlier(line.firstOccurredAt(), more.firstOccurredAt()),
                    later(line.lastOccurredAt(), more.lastOccurredAt())));
        }
        return new Billing(paymentMethodId, next, closed, paid, defaulted, voided, invoicesPaid, creditNotes);
    }

    /**
     * The lines an invoice takes: every one for a threshold invoice, those of months before the cutoff's for
     * a monthly one (usage of 1 November charged before the run stays for November's invoice).
     */
    List<Map.Entry<String, UnbilledLine>> toClose(String kind, Instant cutoff) {
        YearMonth before = UnbilledClosed.MONTHLY.equals(kind) ? YearMonth.from(cutoff.atOffset(ZoneOffset.UTC)) : null;
        return unbilled.entrySet().stream()
                .filter(e -> before == null || YearMonth.parse(e.getValue().period()).isBefore(before))
                .sorted(Map.Entry.comparingByKey())
                .toList();
    }

    Billing closed(UnbilledClosed event) {
        Map<String, UnbilledLine> next = new HashMap<>(unbilled);
        next.keySet().removeAll(event.lines().stream().map(Billing::keyOf).toList());
        Set<String> closedNow = new HashSet<>(closed);
        closedNow.add(event.invoiceId());
        return new Billing(paymentMethodId, next, closedNow, paid, defaulted, voided, invoicesPaid, creditNotes);
    }

    Billing settled(String invoiceId, BigDecimal amount) {
        Set<String> paidNow = new HashSet<>(paid);
        paidNow.add(invoiceId);
        Set<String> owing = new HashSet<>(defaulted);
        owing.remove(invoiceId);
        return new Billing(paymentMethodId, unbilled, closed, paidNow, owing, voided, invoicesPaid.add(amount), creditNotes);
    }

    Billing defaulted(String invoiceId) {
        Set<String> owing = new HashSet<>(defaulted);
        owing.add(invoiceId);
        return new Billing(paymentMethodId, unbilled, closed, paid, owing, voided, invoicesPaid, creditNotes);
    }

    Billing writtenOff(String invoiceId) {
        Set<String> owing = new HashSet<>(defaulted);
        owing.remove(invoiceId);
        Set<String> voidedNow = new HashSet<>(voided);
        voidedNow.add(invoiceId);
        return new Billing(paymentMethodId, unbilled, closed, paid, owing, voidedNow, invoicesPaid, creditNotes);
    }

    static String keyOf(UnbilledLine line) {
        return key(line.period(), line.kind(), line.item(), line.provider(), line.catalogVersion(), line.component(), line.unitPrice(),
                line.priceUnit());
    }

    private static String key(String period, String kind, String item, String provider, int version, String component,
                              BigDecimal unitPrice, String priceUnit) {
        return period + '|' + kind + '|' + item + '|' + provider + '|' + version + '|' + component + '|' + unitPrice.toPlainString()
                + '|' + priceUnit;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}

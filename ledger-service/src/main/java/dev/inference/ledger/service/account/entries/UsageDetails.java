package dev.inference.ledger.service.account.entries;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.inference.ledger.kernel.account.GrantDraw;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.Interval;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

/**
 * What a usage entry charged and at which prices, as its event recorded it. A line's amount is not
 * stored (the event keeps quantities, unit prices and the record's exact cost), so it is not shown.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record UsageDetails(String source, Attribution attribution, Charge charge, Interval interval, List<GrantDraw> paidBy,
                           String receiptId) {

    /** {@code terms}: the account's own terms that priced it (override, commitment:&lt;id&gt;, overage:&lt;id&gt;); absent: the catalog's. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Charge(String kind, String item, String provider, int catalogVersion, List<Line> lines, Money cost, String terms) {
    }

    /** {@code tier}: the volume tier the quantity fell in, when the item's price is graduated. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Line(String component, @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal quantity,
                       @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unitPrice, String priceUnit, Integer tier) {
    }

    /** {@code paidBy}: the credit grants that paid the record (prepaid), what each gave; what they did not cover went below zero. */
    /** {@code receiptId}: the record's {@code usage.charged} receipt, whose proof {@code GET /api/v1/receipts/{receiptId}/proof} gives. */
    static UsageDetails of(ChargedRecord record, PriceUsed price, String currency, List<GrantDraw> paidBy, String receiptId) {
        List<Line> lines = new ArrayList<>(price.components().size());
        for (int i = 0; i < price.components().size(); i++) {
            var component = price.components().get(i);
            lines.add(new Line(component.component(), record.quantities().get(i), component.unitPrice(), component.priceUnit(),
                    component.tier()));
        }
        return new UsageDetails(record.source(), record.attribution(), new Charge(price.kind(), price.item(), price.provider(),
                price.catalogVersion(), lines, record.costIn(currency), price.terms()), record.interval(), paidBy, receiptId);
    }
}

package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.kernel.money.Money;

/**
 * One priced component of a charge: {@code quantity} at {@code unitPrice} per {@code priceUnit}. {@code tier}: the volume
 * tier (1 is the catalog's first price) the quantity fell in, when the item's price is graduated; null when it is not.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChargeLine(String component,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal quantity,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unitPrice,
                         String priceUnit,
                         Money amount,
                         Integer tier) {

    public ChargeLine(String component, BigDecimal quantity, BigDecimal unitPrice, String priceUnit, Money amount) {
        this(component, quantity, unitPrice, priceUnit, amount, null);
    }
}

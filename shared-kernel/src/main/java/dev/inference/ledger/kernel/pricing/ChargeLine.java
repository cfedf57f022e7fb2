package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonFormat;

import dev.inference.ledger.kernel.money.Money;

/** One priced component of a charge: {@code quantity} at {@code unitPrice} per {@code priceUnit}. */
public record ChargeLine(String component,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal quantity,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unitPrice,
                         String priceUnit,
                         Money amount) {
}

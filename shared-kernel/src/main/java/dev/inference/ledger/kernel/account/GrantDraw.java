package dev.inference.ledger.kernel.account;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonFormat;

/** What one credit grant paid of a charge (or got back from a reversal). */
public record GrantDraw(String grantId, @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount) {
}

package dev.inference.ledger.kernel.account;

import java.math.BigDecimal;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.kernel.pricing.ChargeLine;

/**
 * An account's own price for an item (a model, a meter, a unit-priced model) at a provider (null: at any): token prices
 * per 1M ({@code input}, {@code cachedInput}, {@code output}), or one {@code price} per the item's unit (a second, an
 * hour billed by the started minute, an image). With no price at all it stands for the catalog's price again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ItemPrice(String item, String provider,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal input,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cachedInput,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal output,
                        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal price) {

    public ItemPrice {
        Objects.requireNonNull(item, "item");
    }

    public boolean catalog() {
        return input == null && cachedInput == null && output == null && price == null;
    }

    public boolean covers(String chargedItem, String chargedProvider) {
        return item.equals(chargedItem) && (provider == null || provider.equals(chargedProvider));
    }

    /**
     * This price for one line of a charge priced by the catalog, or null when it has none for it (a token price for a
     * meter's seconds, say). A state the catalog does not bill (a stopped instance) stays free.
     */
    public BigDecimal unitPriceOf(ChargeLine line) {
        return switch (line.component()) {
            case "input" -> input;
            case "cached-input" -> cachedInput != null ? cachedInput : input;
            case "output" -> output;
            default -> price == null ? null : line.unitPrice().signum() == 0 ? BigDecimal.ZERO : price;
        };
    }
}

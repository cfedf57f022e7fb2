package dev.inference.ledger.kernel.pricing;

import java.math.BigDecimal;
import java.util.List;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceComponent;
import dev.inference.ledger.kernel.usage.UsageKind;
import dev.inference.ledger.kernel.usage.UsageRecord;
import dev.inference.ledger.kernel.usage.UsageRecord.TokenCounts;

/**
 * A charged record rated again with another catalog: what it would have cost. The record is rebuilt
 * from what its charge kept (the item and provider it was priced at, one quantity per component) and
 * rated by {@link Rating}, the same function that charged it, so a record re-rated with its own catalog
 * costs exactly what it was charged, at its catalog's prices: the account's volume and terms are applied after, by the
 * caller that knows them. One thing is lost: a compute record charged by the started minute
 * kept its minutes, not its seconds, so a per-second price is applied to those whole minutes.
 */
public final class Rerating {

    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);

    private Rerating() {
    }

    public static Rated rerate(String accountId, PriceUsed price, ChargedRecord charged, PriceCatalog catalog) {
        return Rating.rate(usageOf(accountId, price, charged), catalog);
    }

    /**
     * The usage a charged record stands for, as far as its charge kept it: its token counts, its billed
     * seconds (a record billed by the started minute: those minutes × 60; replicas multiplied in), its units.
     */
    public static UsageRecord usageOf(String accountId, PriceUsed price, ChargedRecord r) {
        List<PriceComponent> components = price.components();
        UsageKind kind = UsageKind.fromWire(price.kind()).orElseThrow(() -> new IllegalArgumentException("unknown kind " + price.kind()));
        return switch (kind) {
            case TOKENS -> {
                long input = 0;
                long cached = 0;
                long output = 0;
                for (int i = 0; i < components.size(); i++) {
                    long quantity = r.quantities().get(i).longValueExact();
                    switch (components.get(i).component()) {
                        case "input" -> input += quantity;
                        case "cached-input" -> cached += quantity;
                        case "output" -> output += quantity;
                        default -> throw new IllegalArgumentException("unknown token component " + components.get(i).component());
                    }
                }
                yield record(accountId, kind, r, price, new TokenCounts(input, cached, output), null, null, null, null, null);
            }
            case COMPUTE -> {
                PriceComponent state = components.get(0);
                BigDecimal quantity = total(r);
                BigDecimal seconds = state.priceUnit().equals(Rating.PER_HOUR_BY_MINUTE) ? quantity.multiply(SIXTY) : quantity;
                yield record(accountId, kind, r, price, null, seconds, 1, state.component(), null, null);
            }
            case UNITS -> record(accountId, kind, r, price, null, null, null, null, components.get(0).component(), total(r));
        };
    }

    /** A compute or unit record's quantity: one component, split in parts when it crossed a volume tier. */
    private static BigDecimal total(ChargedRecord r) {
        return r.quantities().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static UsageRecord record(String accountId, UsageKind kind, ChargedRecord r, PriceUsed price, TokenCounts tokens,
                                      BigDecimal seconds, Integer replicas, String state, String unit, BigDecimal quantity) {
        boolean compute = kind == UsageKind.COMPUTE;
        return new UsageRecord(r.eventId(), kind, accountId, r.occurredAt(), r.source(), r.attribution(), compute ? null : price.item(),
                price.provider(), tokens, compute ? price.item() : null, seconds, replicas, state, unit, quantity, null);
    }
}

package dev.inference.ledger.service.pricing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.inference.ledger.kernel.pricing.CatalogPublished;
import dev.inference.ledger.kernel.pricing.DefaultCatalog;
import dev.inference.ledger.service.pricing.PriceListCommand.PublishCatalog;

/**
 * The price list's decisions as pure functions. Versions are numbered in order, each in force from
 * an instant after every earlier one; a version is never edited and never starts in the past, so a
 * charge already made keeps the price it was made with.
 */
public final class PriceListRules {

    /** Clock skew between the publisher and the ledger that still counts as "now". */
    static final Duration SKEW = Duration.ofSeconds(5);

    private PriceListRules() {
    }

    /** State of the price list: the last version and when it takes effect; version 0 before any. */
    public record State(int lastVersion, Instant lastEffectiveFrom) {
        static final State NEW = new State(0, null);
    }

    public static List<CatalogPublished> publishDefault(String priceListId, State state, Instant now) {
        if (state.lastVersion() > 0) {
            return List.of();
        }
        return List.of(CatalogPublished.of(priceListId, DefaultCatalog.version1(), now));
    }

    public static CatalogPublished publish(State state, PublishCatalog command, Instant now) {
        if (command.effectiveFrom() == null) {
            throw new PriceListRuleViolation("invalid-effective-from", "effectiveFrom is required");
        }
        if (command.effectiveFrom().isBefore(now.minus(SKEW))) {
            throw new PriceListRuleViolation("effective-in-the-past",
                    "a catalog takes effect now or later, never in the past: " + command.effectiveFrom() + " is before " + now);
        }
        if (state.lastEffectiveFrom() != null && !command.effectiveFrom().isAfter(state.lastEffectiveFrom())) {
            throw new PriceListRuleViolation("effective-before-previous-version", "version " + state.lastVersion()
                    + " takes effect at " + state.lastEffectiveFrom() + "; the next one must take effect after it");
        }
        if (command.tokens().isEmpty() && command.meters().isEmpty() && command.units().isEmpty()) {
            throw new PriceListRuleViolation("empty-catalog", "a catalog lists every price in force; this one lists none");
        }
        CatalogPublished published = new CatalogPublished(command.priceListId(), state.lastVersion() + 1, command.effectiveFrom(),
                command.currency(), command.tokens(), command.meters(), command.units(), now);
        try {
            published.catalog();
        } catch (RuntimeException e) {
            throw new PriceListRuleViolation("invalid-price", e.getMessage());
        }
        return published;
    }

    static State evolve(CatalogPublished event) {
        return new State(event.version(), event.effectiveFrom());
    }
}

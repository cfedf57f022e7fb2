package dev.inference.ledger.kernel.pricing;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Every published catalog version; a record is rated with the version in force when it occurred. */
public interface CatalogHistory {

    /** The version whose {@code effectiveFrom} is the latest at or before {@code at}. */
    Optional<PriceCatalog> inForceAt(Instant at);

    static CatalogHistory of(List<PriceCatalog> versions) {
        List<PriceCatalog> newestFirst = versions.stream()
                .sorted(Comparator.comparing(PriceCatalog::effectiveFrom).reversed())
                .toList();
        return at -> newestFirst.stream().filter(c -> !c.effectiveFrom().isAfter(at)).findFirst();
    }
}

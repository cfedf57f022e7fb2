package dev.inference.ledger.service.pricing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.pricing.CatalogHistory;
import dev.inference.ledger.kernel.pricing.CatalogPublished;
import dev.inference.ledger.kernel.pricing.PriceCatalog;
import dev.inference.ledger.service.pricing.PriceListCommand.PublishDefaultCatalog;
import dev.inference.ledger.service.runtime.Periodic;

/**
 * Every published catalog version, in memory, for rating and quoting. On start it freezes the default
 * catalog as version 1 if the price list is new, then reads the price list's events; it reads again
 * every {@link #REFRESH}, so a version published through another instance is seen here too. It starts
 * before the ingest (a lower phase), so no record is ever rated without the catalog.
 */
@Component
public class PublishedCatalogs implements CatalogHistory, SmartLifecycle {

    public static final String PRICE_LIST = "price-list";
    static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(PublishedCatalogs.class);

    private final CommandGateway commands;
    private final EventStore events;
    private volatile List<PriceCatalog> newestFirst = List.of();
    private long nextSequence;
    private final Periodic refresher = new Periodic("price-catalog-refresh", REFRESH, this::refresh);

    public PublishedCatalogs(CommandGateway commands, EventStore events) {
        this.commands = commands;
        this.events = events;
    }

    @Override
    public Optional<PriceCatalog> inForceAt(Instant at) {
        return newestFirst.stream().filter(c -> !c.effectiveFrom().isAfter(at)).findFirst();
    }

    public List<PriceCatalog> versions() {
        return newestFirst;
    }

    /** Reads the versions published since the last read. */
    public synchronized void refresh() {
        List<PriceCatalog> read = new ArrayList<>(newestFirst);
        var stream = events.readEvents(PRICE_LIST, nextSequence);
        while (stream.hasNext()) {
            var message = stream.next();
            nextSequence = message.getSequenceNumber() + 1;
            if (message.getPayload() instanceof CatalogPublished published) {
                read.add(published.catalog());
            }
        }
        read.sort(Comparator.comparing(PriceCatalog::effectiveFrom).reversed());
        newestFirst = List.copyOf(read);
    }

    @Override
    public synchronized void start() {
        try {
            commands.sendAndWait(new PublishDefaultCatalog(PRICE_LIST));
        } catch (ConcurrencyException | AggregateStreamCreationException e) {
            // another instance published it at the same moment (two starting on a new database)
        }
        refresh();
        log.info("price catalog: {} version(s), newest {}", newestFirst.size(), newestFirst.get(0).version());
        // A failed refresh keeps the versions known.
        refresher.start();
    }

    @Override
    public synchronized void stop() {
        refresher.stop();
    }

    @Override
    public synchronized boolean isRunning() {
        return refresher.isRunning();
    }

    /** Before the ingest, which runs in the default (last) phase. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }
}

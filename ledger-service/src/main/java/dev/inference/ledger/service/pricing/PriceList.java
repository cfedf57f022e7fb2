package dev.inference.ledger.service.pricing;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Clock;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.inference.ledger.kernel.pricing.CatalogPublished;
import dev.inference.ledger.service.pricing.PriceListCommand.PublishCatalog;
import dev.inference.ledger.service.pricing.PriceListCommand.PublishDefaultCatalog;

/** The one price list: every catalog version ever published. Decides with {@link PriceListRules}. */
@Aggregate
public class PriceList {

    @AggregateIdentifier
    @JsonProperty
    private String priceListId;

    @JsonProperty
    private PriceListRules.State state = PriceListRules.State.NEW;

    protected PriceList() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(PublishDefaultCatalog command, Clock clock) {
        PriceListRules.publishDefault(command.priceListId(), state, clock.instant()).forEach(event -> apply(event));
    }

    /** Returns the number of the version published. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public int handle(PublishCatalog command, Clock clock) {
        CatalogPublished published = PriceListRules.publish(state, command, clock.instant());
        apply(published);
        return published.version();
    }

    @EventSourcingHandler
    void on(CatalogPublished event) {
        priceListId = event.priceListId();
        state = PriceListRules.evolve(event);
    }
}

package dev.inference.ledger.service.account.authorize;

import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;

/**
 * Every instance keeps its own guard: its progress through the stream lives in its memory, never
 * shared, and starts where the snapshot it loads at start-up ends.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class SpendGuardConfiguration {

    static final int BATCH_SIZE = 1000;

    @Bean
    public ConfigurerModule spendGuardStartsFromItsSnapshot(ObjectProvider<GuardSnapshots> snapshots) {
        return configurer -> configurer.eventProcessing()
                .registerTokenStore(SpendGuard.GROUP, c -> new InMemoryTokenStore())
                .registerTrackingEventProcessor(SpendGuard.GROUP, Configuration::eventStore,
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andBatchSize(BATCH_SIZE)
                                .andInitialTrackingToken(source -> snapshots.getObject().restore()));
    }
}

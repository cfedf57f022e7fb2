package dev.inference.ledger.service.account.authorize;

import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;

/**
 * Every instance keeps its own guard: its progress through the stream lives in its memory, never
 * shared, and starts where the snapshot it loads at start-up ends.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class SpendGuardConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SpendGuardConfiguration.class);

    static final int BATCH_SIZE = 1000;

    @Bean
    public ConfigurerModule spendGuardStartsFromItsSnapshot(ObjectProvider<GuardSnapshots> snapshots) {
        return configurer -> configurer.eventProcessing()
                .registerTokenStore(SpendGuard.GROUP, c -> {
                    // Axon's own warning on this store is silenced in application.yml: it names no processor and no reason.
                    log.info("{}: its position lives in this instance's memory on purpose: each instance keeps its own guard, "
                            + "which starts from the snapshot it loads (GuardSnapshots), never from a shared token", SpendGuard.GROUP);
                    return new InMemoryTokenStore();
                })
                .registerTrackingEventProcessor(SpendGuard.GROUP, Configuration::eventStore,
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andBatchSize(BATCH_SIZE)
                                .andInitialTrackingToken(source -> snapshots.getObject().restore()));
    }
}

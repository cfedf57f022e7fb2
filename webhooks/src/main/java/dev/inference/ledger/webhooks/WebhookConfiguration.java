package dev.inference.ledger.webhooks;

import java.nio.file.Path;
import java.security.SecureRandom;

import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;

/**
 * The webhooks' processor, key and address policy. The processor has one segment and starts at the
 * head of the stream the first time it runs: a ledger that gains webhooks does not read its whole
 * history for subscriptions that cannot exist yet.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class WebhookConfiguration {

    static final int BATCH_SIZE = 200;

    @Bean
    public ConfigurerModule webhooksProcessor() {
        return configurer -> configurer.eventProcessing()
                .registerTrackingEventProcessor(WebhookOutbox.GROUP, Configuration::eventStore,
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andBatchSize(BATCH_SIZE)
                                .andInitialTrackingToken(StreamableMessageSource::createHeadToken));
    }

    /** Checked when the bean is made, so a missing key stops the start before anything is sent or stored. */
    @Bean
    SecretCipher webhookSecretCipher(WebhookSettings settings, @Value("${ledger.runtime.embedded:false}") boolean embedded,
                                     @Value("${ledger.runtime.data-dir:.data}") Path dataDir) {
        SecureRandom random = new SecureRandom();
        return new SecretCipher(WebhookKey.resolve(settings.secretKey(), embedded, dataDir, random), random);
    }

    @Bean
    ReceiverAddresses receiverAddresses(WebhookSettings settings) {
        return new ReceiverAddresses(settings.allowPrivateAddresses());
    }
}

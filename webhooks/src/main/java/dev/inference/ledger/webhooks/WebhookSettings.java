package dev.inference.ledger.webhooks;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code ledger.webhooks.*} (application.yml maps the LEDGER_WEBHOOKS_* variables onto them).
 * {@code retrySchedule}: the wait before each attempt, the first counted from the event; its length is
 * the number of attempts before a delivery is given up. {@code rotationGracePeriod}: how long the
 * previous secret still signs after a rotation.
 */
@ConfigurationProperties("ledger.webhooks")
public record WebhookSettings(String secretKey, boolean allowPrivateAddresses, List<Duration> retrySchedule,
                              Duration rotationGracePeriod, Duration pollInterval, Duration connectTimeout,
                              Duration requestTimeout) {

    public WebhookSettings {
        if (retrySchedule == null || retrySchedule.isEmpty()) {
            throw new IllegalStateException("ledger.webhooks.retry-schedule needs at least one duration (the first attempt's)");
        }
        retrySchedule = List.copyOf(retrySchedule);
    }

    /** How long a claimed delivery is kept from other instances: longer than any one attempt can take. */
    Duration claimLease() {
        return connectTimeout.plus(requestTimeout).plus(Duration.ofSeconds(30));
    }
}

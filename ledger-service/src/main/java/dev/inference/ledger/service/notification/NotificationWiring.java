package dev.inference.ledger.service.notification;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.inference.ledger.notifications.NotificationSettings;
import dev.inference.ledger.service.config.LedgerProperties;

/** The notifications module's settings, from the service's configuration (ledger.kafka.*). */
@Configuration(proxyBeanMethods = false)
public class NotificationWiring {

    @Bean
    public NotificationSettings notificationSettings(LedgerProperties properties) {
        var kafka = properties.kafka();
        return new NotificationSettings(kafka.connection(), kafka.notificationsTopic(), kafka.notificationPositionsTopic(),
                kafka.notificationsTransactionalId());
    }
}

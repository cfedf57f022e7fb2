package dev.inference.ledger.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import dev.inference.ledger.service.runtime.EmbeddedInfrastructure;

@SpringBootApplication
@ConfigurationPropertiesScan
public class LedgerApplication {

    public static void main(String[] args) {
        System.setProperty("disable-axoniq-console-message", "true");
        EmbeddedInfrastructure.startWhatIsNotConfigured(System.getenv());
        try {
            SpringApplication.run(LedgerApplication.class, args);
        } catch (RuntimeException e) {
            // The embedded broker's threads would otherwise keep a failed service alive.
            System.exit(1);
        }
    }
}

package dev.inference.ledger.service.audit;

import dev.inference.ledger.audit.AuditSigningKey;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

    @Bean
    public AuditSigningKey auditSigningKey(@Value("${ledger.audit.origin}") String origin,
                                           @Value("${ledger.audit.signing-key:}") String configured,
                                           @Value("${ledger.runtime.embedded:false}") boolean embedded,
                                           @Value("${ledger.runtime.data-dir}") Path dataDir) {
        return AuditSigningKey.resolve(origin, configured, embedded, dataDir);
    }
}

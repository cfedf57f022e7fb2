package dev.inference.ledger.service.ops;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

import dev.inference.ledger.service.config.LedgerProperties;
import dev.inference.ledger.service.usage.IngestRunner;
import jakarta.annotation.PreDestroy;

/** UP only while the broker answers and, where this process ingests, the consumer thread runs. */
@Component("kafka")
public class KafkaHealthIndicator extends AbstractHealthIndicator {

    private final Admin admin;
    private final String bootstrapServers;
    private final IngestRunner ingest;

    public KafkaHealthIndicator(LedgerProperties properties, org.springframework.beans.factory.ObjectProvider<IngestRunner> ingest) {
        this.bootstrapServers = properties.kafka().bootstrapServers();
        Properties props = properties.kafka().connection().properties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "ledger-health");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        this.admin = Admin.create(props);
        this.ingest = ingest.getIfAvailable();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(3, TimeUnit.SECONDS).size();
        builder.withDetail("bootstrapServers", bootstrapServers).withDetail("brokers", brokers);
        if (ingest != null && !ingest.isConsuming()) {
            builder.down().withDetail("ingest", "the usage consumer is not running");
            return;
        }
        builder.up();
    }

    @PreDestroy
    void close() {
        admin.close();
    }
}

package dev.inference.ledger.service.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.audit.AuditSigningKey;
import dev.inference.ledger.kernel.audit.Checkpoint;
import dev.inference.ledger.kernel.audit.MerkleTree;
import dev.inference.ledger.service.config.LedgerProperties;
import dev.inference.ledger.service.runtime.PeriodicWorker;

/**
 * Signs the audit log's tree head every {@code every-events} events, and at least every {@code interval}
 * while the log grows: a C2SP checkpoint kept in {@code audit_checkpoints} and published outside the
 * database too, on the Kafka topic {@code audit.checkpoints} and appended to a file the operator ships
 * elsewhere, so that a history rewritten by someone holding the database and the key still contradicts
 * checkpoints an auditor kept. Instances may all run it: a checkpoint of a size is written once.
 */
@Component
public class AuditCheckpoints extends PeriodicWorker {

    private static final Logger log = LoggerFactory.getLogger(AuditCheckpoints.class);

    private final JdbcTemplate jdbc;
    private final AuditSigningKey key;
    private final Clock clock;
    private final long everyEvents;
    private final Duration interval;
    private final Path file;
    private final String topic;
    private final LedgerProperties properties;
    private KafkaProducer<String, String> producer;

    public AuditCheckpoints(JdbcTemplate jdbc, AuditSigningKey key, Clock clock, LedgerProperties properties,
                            @Value("${ledger.audit.checkpoint-every-events}") long everyEvents,
                            @Value("${ledger.audit.checkpoint-interval}") Duration interval,
                            @Value("${ledger.audit.checkpoint-poll}") Duration poll,
                            @Value("${ledger.audit.checkpoint-file}") Path file,
                            @Value("${ledger.audit.checkpoints-topic}") String topic) {
        super("audit-checkpoints", poll);
        this.jdbc = jdbc;
        this.key = key;
        this.clock = clock;
        this.properties = properties;
        this.everyEvents = everyEvents;
        this.interval = interval;
        this.file = file;
        this.topic = topic;
    }

    @Override
    protected void runOnce() {
        long size = jdbc.queryForObject("SELECT COALESCE(max(log_index) + 1, 0) FROM audit_log", Long.class);
        List<Object[]> last = jdbc.query("SELECT tree_size, created_at FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1",
                (rs, n) -> new Object[] {rs.getLong(1), rs.getTimestamp(2).toInstant()});
        long lastSize = last.isEmpty() ? 0 : (long) last.get(0)[0];
        Instant lastAt = last.isEmpty() ? Instant.EPOCH : (Instant) last.get(0)[1];
        if (size > lastSize && (size - lastSize >= everyEvents || !clock.instant().isBefore(lastAt.plus(interval)))) {
            checkpoint(size);
        }
    }

    /** Signs the head of the first {@code size} entries; publishes it when this instance wrote it first. */
    public String checkpoint(long size) {
        Checkpoint head = new Checkpoint(key.name(), size, new MerkleTree(new AuditNodes(jdbc)).root(size));
        String note = key.sign(head);
        int written = jdbc.update("""
                INSERT INTO audit_checkpoints (tree_size, root, signed_note, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                size, head.root(), note, Timestamp.from(clock.instant()));
        if (written == 1) {
            publish(size, note);
        }
        return note;
    }

    private void publish(long size, String note) {
        try (FileChannel channel = FileChannel.open(Files.createDirectories(file.toAbsolutePath().getParent()).resolve(file.getFileName()),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap((note + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append the checkpoint to " + file, e);
        }
        try {
            producer().send(new ProducerRecord<>(topic, String.valueOf(size), note)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Kept in the database and the file; the next checkpoint goes to Kafka again.
            log.warn("audit checkpoint of {} entries not published on {}: {}", size, topic, e.toString());
        }
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = properties.kafka().connection().properties();
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-audit-checkpoints");
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    @Override
    public void stop() {
        super.stop();
        synchronized (this) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
        }
    }
}

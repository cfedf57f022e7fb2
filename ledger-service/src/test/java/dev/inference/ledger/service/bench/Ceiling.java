package dev.inference.ledger.service.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.inference.ledger.testsupport.TestDatabases;

/**
 * What this machine can do with the product's durability and nothing else: a plain consumer polling
 * as many records as the product does, each poll's raw rows (batched JDBC) and its offsets upsert
 * committed in one transaction, at the server's own synchronous_commit. The exactly-once floor adds
 * what the product's exactly-once cannot do without: a primary-key insert of (account, eventId) per
 * record, one statement per poll, in the same transaction.
 */
final class Ceiling {

    record Result(int records, double seconds) {
        double perSecond() {
            return records / seconds;
        }
    }

    private Ceiling() {
    }

    static Result run(String bootstrap, String topic, TestDatabases.Database db, int records, int maxPollRecords,
                      boolean dedupe, Duration timeout) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl() + "?reWriteBatchedInserts=true", db.user(), db.password())) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE raw_usage (topic_partition INT, record_offset BIGINT, account_id TEXT, payload BYTEA)");
                s.execute("CREATE TABLE consumer_offsets (topic TEXT COLLATE \"C\", topic_partition INT, next_offset BIGINT NOT NULL,"
                        + " PRIMARY KEY (topic, topic_partition))");
                // The key the product's dedupe needs at the least; byte-wise collation, as the product may use.
                s.execute("CREATE TABLE usage_keys (account_id TEXT COLLATE \"C\", event_id TEXT COLLATE \"C\","
                        + " PRIMARY KEY (account_id, event_id))");
            }
            c.setAutoCommit(false);
            long start = 0;
            long last = 0;
            int done = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties(bootstrap, maxPollRecords));
                 PreparedStatement insert = c.prepareStatement("INSERT INTO raw_usage VALUES (?, ?, ?, ?)");
                 PreparedStatement offsets = c.prepareStatement("INSERT INTO consumer_offsets VALUES (?, ?, ?)"
                         + " ON CONFLICT (topic, topic_partition) DO UPDATE SET next_offset = excluded.next_offset");
                 PreparedStatement keys = c.prepareStatement("INSERT INTO usage_keys SELECT * FROM unnest(?::text[], ?::text[])"
                         + " ON CONFLICT DO NOTHING")) {
                consumer.subscribe(List.of(topic));
                while (done < records) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException((dedupe ? "floor" : "ceiling") + ": " + done + " of " + records + " records in " + timeout);
                    }
                    ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(200));
                    if (polled.isEmpty()) {
                        continue;
                    }
                    if (start == 0) {
                        start = System.nanoTime();
                    }
                    String[] accounts = new String[polled.count()];
                    String[] eventIds = new String[polled.count()];
                    int i = 0;
                    for (ConsumerRecord<String, byte[]> r : polled) {
                        insert.setInt(1, r.partition());
                        insert.setLong(2, r.offset());
                        insert.setString(3, r.key());
                        insert.setBytes(4, r.value());
                        insert.addBatch();
                        accounts[i] = r.key();
                        eventIds[i++] = dedupe ? eventId(r.value()) : null;
                    }
                    insert.executeBatch();
                    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                    for (TopicPartition tp : polled.partitions()) {
                        List<ConsumerRecord<String, byte[]>> of = polled.records(tp);
                        long offset = of.get(of.size() - 1).offset() + 1;
                        offsets.setString(1, tp.topic());
                        offsets.setInt(2, tp.partition());
                        offsets.setLong(3, offset);
                        offsets.addBatch();
                        next.put(tp, new OffsetAndMetadata(offset));
                    }
                    offsets.executeBatch();
                    if (dedupe) {
                        Array a = c.createArrayOf("text", accounts);
                        Array e = c.createArrayOf("text", eventIds);
                        keys.setArray(1, a);
                        keys.setArray(2, e);
                        keys.executeUpdate();
                    }
                    c.commit();
                    last = System.nanoTime();
                    // As the product does: the offsets that count are in the database; Kafka's are for lag.
                    consumer.commitAsync(next, null);
                    done += polled.count();
                }
            }
            return new Result(done, (last - start) / 1e9);
        }
    }

    private static Properties properties(String bootstrap, int maxPollRecords) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-ceiling");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-ceiling-" + System.nanoTime());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    private static final byte[] EVENT_ID = "\"eventId\":\"".getBytes(StandardCharsets.UTF_8);

    /** The eventId by a scan for its key: the least a dedupe must read of a record. */
    static String eventId(byte[] json) {
        int at = indexOf(json, EVENT_ID, 0);
        if (at < 0) {
            return "";
        }
        int from = at + EVENT_ID.length;
        int to = from;
        while (to < json.length && json[to] != '"') {
            to++;
        }
        return new String(json, from, to - from, StandardCharsets.UTF_8);
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

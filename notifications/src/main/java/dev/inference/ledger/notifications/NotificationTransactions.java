package dev.inference.ledger.notifications;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.inference.ledger.ingest.KafkaConnection;

/**
 * Publishes each batch of notifications together with the position in the event stream it reaches,
 * in one Kafka transaction: a read_committed consumer sees a batch and its position whole or not at
 * all. After a crash (or when another instance takes over) the position read back says which events
 * were told already, and those are skipped: each fact is told once. The fixed transactional id fences
 * off a publisher that lost its turn, so its late commit fails instead of telling a fact twice.
 */
final class NotificationTransactions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NotificationTransactions.class);
    private static final String POSITION_KEY = "notifications";
    private static final String TOKEN_TYPE = "x-token-type";
    private static final int POSITIONS_LOOK_BACK = 100;

    /** Receipts per Kafka transaction, at most; a transaction never splits the receipts of one event. */
    static final int MAX_PER_TRANSACTION = 10_000;

    /**
     * A notification as written ({@code json}), the stream position of the event it tells of, and where
     * that event is stored. The notifications of one event are queued one after another.
     */
    record Pending(String accountId, String type, String receiptId, String eventId, byte[] json, TrackingToken token,
                   String aggregateId, long sequence) {

        boolean sameEvent(Pending other) {
            return sequence == other.sequence && aggregateId.equals(other.aggregateId);
        }
    }

    /** The event store's global index of an event, by its aggregate and sequence. */
    interface GlobalIndex {
        long of(String aggregateId, long sequence);
    }

    private final KafkaConnection kafka;
    private final String topic;
    private final String positionsTopic;
    private final String transactionalId;
    private final Serializer serializer;
    private final GlobalIndex globalIndex;
    private KafkaProducer<String, byte[]> producer;
    private TrackingToken told;

    NotificationTransactions(KafkaConnection kafka, String topic, String positionsTopic, String transactionalId,
                             Serializer serializer, GlobalIndex globalIndex) {
        this.kafka = kafka;
        this.topic = topic;
        this.positionsTopic = positionsTopic;
        this.transactionalId = transactionalId;
        this.serializer = serializer;
        this.globalIndex = globalIndex;
    }

    /** Called by the one processor thread; throws when the batch is not told, and the processor retries it. */
    void publish(List<Pending> batch) {
        if (producer == null) {
            open();
        }
        List<Pending> fresh = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); ) {
            int end = endOfEvent(batch, i);
            if (!alreadyTold(batch.get(i))) {
                fresh.addAll(batch.subList(i, end));
            }
            i = end;
        }
        for (int from = 0; from < fresh.size(); ) {
            int to = from;
            while (to < fresh.size() && (to == from || to - from < MAX_PER_TRANSACTION)) {
                to = endOfEvent(fresh, to);
            }
            tell(fresh.subList(from, to));
            from = to;
        }
    }

    private static int endOfEvent(List<Pending> pending, int start) {
        int end = start + 1;
        while (end < pending.size() && pending.get(end).sameEvent(pending.get(start))) {
            end++;
        }
        return end;
    }

    private void tell(List<Pending> notifications) {
        TrackingToken reached = advance(told, WrappedToken.unwrapLowerBound(notifications.get(notifications.size() - 1).token()));
        try {
            producer.beginTransaction();
            byte[] eventId = null;
            byte[] type = null;
            for (int i = 0; i < notifications.size(); i++) {
                Pending p = notifications.get(i);
                // an event's receipts share its id and type: encoded once
                if (i == 0 || !p.sameEvent(notifications.get(i - 1))) {
                    eventId = p.eventId().getBytes(StandardCharsets.UTF_8);
                    type = p.type().getBytes(StandardCharsets.UTF_8);
                }
                var record = new ProducerRecord<>(topic, p.accountId(), p.json());
                record.headers().add(NotificationPublisher.EVENT_ID, eventId);
                record.headers().add(NotificationPublisher.RECEIPT_ID, p.receiptId().getBytes(StandardCharsets.UTF_8));
                record.headers().add(NotificationPublisher.TYPE, type);
                producer.send(record);
            }
            SerializedObject<String> position = serializer.serialize(reached, String.class);
            var marker = new ProducerRecord<>(positionsTopic, POSITION_KEY, position.getData().getBytes(StandardCharsets.UTF_8));
            marker.headers().add(TOKEN_TYPE, position.getType().getName().getBytes(StandardCharsets.UTF_8));
            producer.send(marker);
            producer.commitTransaction();
            told = reached;
        } catch (RuntimeException e) {
            // Whatever the failure (fenced, timed out, broker gone, a value that did not serialize), the
            // transaction is not committed: start again from what Kafka holds.
            close();
            throw new IllegalStateException("billing.notifications did not take the batch; it will be told again", e);
        }
    }

    private boolean alreadyTold(Pending p) {
        return told != null && includes(told, WrappedToken.unwrapLowerBound(p.token()), () -> globalIndex.of(p.aggregateId(), p.sequence()));
    }

    /**
     * Whether {@code position} already includes the event at {@code event}. Where the position covers
     * the event's token, it does. Where it does not but the token is not past it (a batch re-read after
     * a crash, when a gap the position had has since been filled), the event's own global index
     * decides: included if the position reached it and it was not one of the position's gaps.
     */
    static boolean includes(TrackingToken position, TrackingToken event, LongSupplier ownIndex) {
        if (position.covers(event)) {
            return true;
        }
        if (position instanceof GapAwareTrackingToken reached && event instanceof GapAwareTrackingToken at
                && at.getIndex() <= reached.getIndex()) {
            long index = ownIndex.getAsLong();
            return index <= reached.getIndex() && !reached.getGaps().contains(index);
        }
        return false;
    }

    /**
     * The position after a batch: never behind the one before it. A batch re-read after a crash can end
     * on an event below the last position (the gap it filled), while the events above it were skipped
     * as told; the position must still include them.
     */
    static TrackingToken advance(TrackingToken told, TrackingToken last) {
        return told == null ? last : told.upperBound(last);
    }

    private void open() {
        Properties p = kafka.properties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // Receipts are small and alike: lz4 takes most of their bytes off the broker's disk and the wire.
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-notifications");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        KafkaProducer<String, byte[]> opened = new KafkaProducer<>(p);
        try {
            // Completes or aborts whatever an earlier publisher with this id left open, and fences it off.
            opened.initTransactions();
            told = readPosition();
        } catch (RuntimeException e) {
            opened.close(Duration.ZERO);
            throw e;
        }
        producer = opened;
        log.info("notifications: told up to {}", told);
    }

    /** The position of the last batch committed, read back from the compacted positions topic. */
    private TrackingToken readPosition() {
        Properties p = kafka.properties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "ledger-notification-positions-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        TopicPartition partition = new TopicPartition(positionsTopic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            ConsumerRecord<String, String> last = lastBefore(consumer, partition, Math.max(0, end - POSITIONS_LOOK_BACK), end);
            if (last == null && end > POSITIONS_LOOK_BACK) {
                last = lastBefore(consumer, partition, 0, end);
            }
            if (last == null) {
                return null;
            }
            Header type = last.headers().lastHeader(TOKEN_TYPE);
            return serializer.deserialize(new SimpleSerializedObject<>(last.value(), String.class,
                    new String(type.value(), StandardCharsets.UTF_8), null));
        }
    }

    private static ConsumerRecord<String, String> lastBefore(KafkaConsumer<String, String> consumer, TopicPartition partition,
                                                             long from, long end) {
        consumer.seek(partition, from);
        ConsumerRecord<String, String> last = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (consumer.position(partition) < end) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("could not read " + partition + " to its end " + end);
            }
            for (var record : consumer.poll(Duration.ofMillis(200)).records(partition)) {
                if (POSITION_KEY.equals(record.key())) {
                    last = record;
                }
            }
        }
        return last;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
            told = null;
        }
    }
}

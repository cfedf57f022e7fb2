package dev.inference.ledger.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes dead letters to {@code usage.events.dlq}: the original key and bytes unchanged, the reason
 * in headers, and where the record came from so that it can be found and replayed.
 */
public final class KafkaDeadLetters implements DeadLetters, AutoCloseable {

    public static final String REASON = "x-dlq-reason";
    public static final String DETAIL = "x-dlq-detail";
    public static final String ORIGIN = "x-dlq-origin";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public KafkaDeadLetters(KafkaConnection kafka, String topic) {
        Properties props = kafka.properties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-dead-letters");
        this.producer = new KafkaProducer<>(props);
        this.topic = topic;
    }

    @Override
    public void publish(List<DeadLetter> letters) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            SourcePosition from = letter.position();
            RecordHeaders headers = new RecordHeaders();
            headers.add(REASON, bytes(letter.rejection().reason()));
            headers.add(DETAIL, bytes(letter.rejection().detail()));
            headers.add(ORIGIN, bytes(from.topic() + "/" + from.partition() + "/" + from.offset()));
            sent.add(producer.send(new ProducerRecord<>(topic, null, from.key(), from.value(), headers)));
        }
        try {
            for (Future<RecordMetadata> ack : sent) {
                ack.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerUnavailableException("interrupted while dead-lettering", e);
        } catch (ExecutionException e) {
            throw new LedgerUnavailableException("the dead-letter topic did not acknowledge", e.getCause());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}

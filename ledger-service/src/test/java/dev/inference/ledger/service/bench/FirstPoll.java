package dev.inference.ledger.service.bench;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Starts the product's clock where the ceiling's starts: when a poll of the usage topic first returns
 * records. Given to the product through ledger.kafka.client.interceptor.classes, which reaches every
 * Kafka client of the service alike, so it is a (no-op) producer interceptor as well.
 */
public final class FirstPoll implements ConsumerInterceptor<Object, Object>, ProducerInterceptor<Object, Object> {

    private static volatile String topic;
    private static volatile long at;
    private static volatile CountDownLatch polled = new CountDownLatch(1);

    static void watch(String usageTopic) {
        at = 0;
        polled = new CountDownLatch(1);
        topic = usageTopic;
    }

    /** nanoTime of the first poll that returned records of the watched topic. */
    static long await() throws InterruptedException {
        polled.await();
        return at;
    }

    static long at() {
        return at;
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        if (at == 0 && !records.isEmpty() && records.partitions().stream().anyMatch(tp -> tp.topic().equals(topic))) {
            synchronized (FirstPoll.class) {
                if (at == 0) {
                    at = System.nanoTime();
                    polled.countDown();
                }
            }
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}

package dev.inference.ledger.ingest;

import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics that are missing (existing ones are left exactly as they are), and reads their size. */
public final class TopicSetup {

    private TopicSetup() {
    }

    public static void ensure(KafkaConnection kafka, Collection<String> names, int partitions) {
        ensure(kafka, names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList());
    }

    public static void ensure(KafkaConnection kafka, List<NewTopic> topics) {
        Properties props = kafka.properties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "ledger-topic-setup");
        try (Admin admin = Admin.create(props)) {
            for (var result : admin.createTopics(topics).values().values()) {
                try {
                    result.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic: " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many partitions the topic has. */
    public static int partitions(KafkaConnection kafka, String topic) {
        Properties props = kafka.properties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "ledger-topic-setup");
        try (Admin admin = Admin.create(props)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getMessage(), e);
        }
    }
}

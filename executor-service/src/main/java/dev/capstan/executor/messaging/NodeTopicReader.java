package dev.capstan.executor.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.KafkaEvents;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.Topics;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the compacted {@code capstan.nodes} once, to its end: which nodes the topic still says exist. A node deleted
 * while no executor watched stays there until someone says it is gone.
 */
@ApplicationScoped
public class NodeTopicReader {

    /** The application's {@code kafka.*} settings (servers, TLS, SASL), as Quarkus resolves them for its channels. */
    private final Map<String, Object> kafka;

    NodeTopicReader(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    /** The nodes whose last record is a {@code NodeUpdated}; fails if the end is not reached within {@code wait}. */
    public Set<String> liveNodes(Duration wait) throws TimeoutException {
        long deadline = System.nanoTime() + wait.toNanos();
        Properties p = new Properties();
        kafka.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        p.put("enable.auto.commit", "false");
        p.put("client.id", "executor-service-node-reconcile");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(Topics.NODES, wait).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, wait);
            Set<String> live = new HashSet<>();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("did not read " + Topics.NODES + " to its end within " + wait);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        live.remove(r.key()); // a tombstone
                        continue;
                    }
                    CapstanEvent e;
                    try {
                        e = KafkaEvents.read(r);
                    } catch (RuntimeException malformed) {
                        continue; // not a node record we can read: not ours to remove
                    }
                    if (e instanceof NodeEvent.NodeUpdated) {
                        live.add(r.key());
                    } else if (e instanceof NodeEvent.NodeRemoved) {
                        live.remove(r.key());
                    }
                }
            }
            return live;
        }
    }
}

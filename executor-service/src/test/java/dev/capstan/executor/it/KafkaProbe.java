package dev.capstan.executor.it;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A plain Kafka producer and a tail of topics, as another service would use them. */
final class KafkaProbe implements AutoCloseable {

    record Received(String key, CloudEventHeaders headers, CapstanEvent event) {
    }

    private final String bootstrap;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final List<Received> received = new ArrayList<>();

    KafkaProbe(String bootstrap, String... tailTopics) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("enable.auto.commit", "false");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : tailTopics) {
            // Sending once creates the topic if this broker never saw it.
            consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end offsets now, before anything is sent
    }

    void send(CapstanEvent event) throws Exception {
        ProducerRecord<String, String> r = new ProducerRecord<>(event.topic(), event.subject(), EventCodec.toJson(event));
        CloudEventHeaders.forEvent(event, "executor-it", Instant.now()).asHeaders()
                .forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(r).get(10, TimeUnit.SECONDS);
    }

    /** Every record received so far on the tailed topics (polls once more first). */
    synchronized List<Received> received() {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            Header h = r.headers().lastHeader(CloudEventHeaders.CE_TYPE);
            if (h == null) {
                continue;
            }
            Map<String, String> headers = new java.util.HashMap<>();
            r.headers().forEach(x -> headers.put(x.key(), new String(x.value(), StandardCharsets.UTF_8)));
            String type = headers.get(CloudEventHeaders.CE_TYPE);
            try {
                received.add(new Received(r.key(), CloudEventHeaders.fromHeaders(headers), EventCodec.fromJson(type, r.value())));
            } catch (RuntimeException e) {
                // not ours to judge
            }
        }
        return List.copyOf(received);
    }

    /** Whether the consumer group has members with partitions (so that reading from the end misses nothing). */
    boolean groupReady(String group) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(5, TimeUnit.SECONDS)
                    .get(group);
            return d.groupState() == GroupState.STABLE
                    && d.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}

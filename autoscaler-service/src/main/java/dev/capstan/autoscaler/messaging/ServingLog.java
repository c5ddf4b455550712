package dev.capstan.autoscaler.messaging;

import dev.capstan.autoscaler.rollout.ModelAliases;
import dev.capstan.autoscaler.service.AutoscalingService;
import dev.capstan.events.CapstanEvent;
import dev.capstan.events.EventCodec;
import dev.capstan.events.KafkaEvents;
import dev.capstan.events.ModelEvent;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What serving decisions stand on besides the metrics: where every model alias points ({@code capstan.models}) and
 * the serving plans published before ({@code capstan.scaling}, so a restarted autoscaler goes on with a rollout where
 * it stood). Both are read from their beginning at every start, in order per partition, on one thread with plain
 * assignment (no group: every instance needs all of it); no plan is decided until both were read up to where they
 * stood at start, so a half-read alias history never starts a rollout and a rollout under way is never started over.
 * After that the thread follows new alias moves.
 */
@ApplicationScoped
public class ServingLog {

    private static final Logger LOG = Logger.getLogger(ServingLog.class);

    private final AutoscalingService autoscaling;
    private final String bootstrap;
    private final ModelAliases models = new ModelAliases();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** The next offset to read per partition (owned by the log thread). */
    private final Map<TopicPartition, Long> positions = new java.util.HashMap<>();
    private volatile boolean running = true;
    private Thread thread;

    ServingLog(AutoscalingService autoscaling, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.autoscaling = autoscaling;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent e) {
        thread = new Thread(this::run, "autoscaler-serving-log");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent e) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(5_000);
        }
    }

    /** The aliases as read so far; lock it while reading (the log thread writes under the same lock). */
    public ModelAliases models() {
        return models;
    }

    /** Whether both topics were read up to where they stood at start. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Waits until {@link #caughtUp()}. */
    public void awaitCaughtUp() {
        try {
            while (running && !caughtUp.await(1, TimeUnit.SECONDS)) {
                LOG.debug("waiting for the models and scaling topics to be read");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the serving log", e);
        }
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, String> consumer = consumer()) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(Topics.MODELS, Topics.SCALING)) {
                    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                    if (infos == null || infos.isEmpty()) {
                        throw new IllegalStateException("topic " + topic + " does not exist yet");
                    }
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                // After a broker failure, on from where it stood: reading the aliases' history again would show
                // older aliases for a while.
                positions.forEach((p, offset) -> {
                    if (partitions.contains(p)) {
                        consumer.seek(p, offset);
                    }
                });
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long read = 0;
                while (running && caughtUp.getCount() > 0) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        apply(r);
                        positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                        read++;
                    }
                    if (partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                        LOG.infof("read %d model and scaling records: serving decisions start", read);
                        caughtUp.countDown();
                    }
                }
                while (running) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        apply(r);
                        positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                    }
                }
            } catch (KafkaException | IllegalStateException e) {
                LOG.warnf("reading the models and scaling topics failed, starting over: %s", e.getMessage());
                sleep();
            }
        }
    }

    private void apply(ConsumerRecord<String, String> r) {
        if (KafkaEvents.type(r) == null) {
            return;
        }
        try {
            CapstanEvent event = KafkaEvents.readKnown(r);
            if (event instanceof ModelEvent m) {
                synchronized (models) {
                    models.apply(m);
                }
            } else if (event instanceof ScalingEvent.RevisionsPlanned p && caughtUp.getCount() > 0) {
                // Past the start only this instance decides plans: reading its own back would change nothing.
                autoscaling.restorePlan(p);
            }
        } catch (EventCodec.MalformedEventException e) {
            // The registry's and our own records: the other consumers of these topics dead-letter what they cannot
            // read; here it is skipped so that one bad record never stops serving decisions.
            LOG.warnf("skipping unreadable %s at %s-%d@%d: %s", KafkaEvents.type(r), r.topic(), r.partition(),
                    r.offset(), e.getMessage());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "autoscaler-serving-log");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}

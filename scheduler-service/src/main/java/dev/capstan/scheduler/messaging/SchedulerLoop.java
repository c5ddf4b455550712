package dev.capstan.scheduler.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.KafkaEvents;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.Topics;
import dev.capstan.scheduler.config.SchedulerConfig;
import dev.capstan.scheduler.domain.placement.PlacementPolicies;
import dev.capstan.scheduler.domain.queue.Checkpoint;
import dev.capstan.scheduler.domain.queue.SchedulerCore;
import dev.capstan.scheduler.service.Leadership;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The scheduler's single event loop. Its state is the event log: at start it restores the last checkpoint (see
 * {@link CheckpointStore}) and reads every partition of {@code capstan.nodes}, {@code capstan.workloads},
 * {@code capstan.placements} (its own past decisions), {@code capstan.executions} and {@code capstan.scaling} (the
 * serving plans whose replicas it places) from the checkpoint's positions
 * (from the beginning without one) up to the end offsets seen at start, then schedules and keeps following. One
 * thread owns the core, so there are no locks; decisions are published and acknowledged before the next cycle, so
 * what the log holds is what was decided. The deciding instance writes a checkpoint every
 * {@code capstan.scheduler.checkpoint.interval} when something changed, and when it stops.
 *
 * <p>Plain Kafka clients rather than reactive messaging: the replay needs explicit assignment, seeking
 * and end-offset checks, and no consumer-group offsets (the checkpoint holds the positions).
 */
@ApplicationScoped
public class SchedulerLoop {

    private static final Logger LOG = Logger.getLogger(SchedulerLoop.class);
    private static final List<String> INPUTS = List.of(Topics.NODES, Topics.WORKLOADS, Topics.PLACEMENTS,
            Topics.EXECUTIONS, Topics.SCALING);

    private final SchedulerConfig config;
    private final String bootstrap;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Leadership leadership;
    private final AtomicReference<SchedulerCore.Snapshot> snapshot = new AtomicReference<>();
    private final CheckpointStore checkpoints;
    private final SchedulerMeters meters;
    /** Records read since the last checkpoint (none: no new checkpoint needed). */
    private long changesSinceCheckpoint;
    private long lastCheckpointNanos;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private Thread thread;

    SchedulerLoop(SchedulerConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
            Clock clock, MeterRegistry metrics, Leadership leadership) {
        this.config = config;
        this.leadership = leadership;
        this.bootstrap = bootstrap;
        this.clock = clock;
        this.metrics = metrics;
        this.checkpoints = new CheckpointStore(bootstrap, config.checkpoint().topic());
        this.meters = new SchedulerMeters(metrics, clock, snapshot);
    }

    void start(@Observes StartupEvent e) {
        thread = new Thread(this::run, "scheduler-loop");
        thread.start();
    }

    void stop(@Observes ShutdownEvent e) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(10_000);
        }
    }

    /** True once the log was read up to where it stood at start: decisions are safe from then on. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** The state after the last cycle. */
    public SchedulerCore.Snapshot snapshot() {
        return snapshot.get();
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, String> consumer = consumer();
                    KafkaProducer<String, String> producer = producer()) {
                loop(consumer, producer);
            } catch (ProducerFencedException | InvalidProducerEpochException fenced) {
                leadership.deposed(fenced.getMessage());
                caughtUp = false;
                return;
            } catch (KafkaException ex) {
                if (ex.getCause() instanceof ProducerFencedException) {
                    leadership.deposed(ex.getCause().getMessage());
                    caughtUp = false;
                    return;
                }
                LOG.errorf(ex, "scheduler loop failed; rebuilding state from the log");
                caughtUp = false;
                sleepQuietly(Duration.ofSeconds(1));
            } catch (RuntimeException ex) {
                // Start over from the log: the state is rebuilt, nothing is decided twice.
                LOG.errorf(ex, "scheduler loop failed; rebuilding state from the log");
                caughtUp = false;
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private void loop(KafkaConsumer<String, String> consumer, KafkaProducer<String, String> producer) {
        long started = System.nanoTime();
        List<TopicPartition> partitions = partitions(consumer);
        consumer.assign(partitions);
        Start start = restore(consumer, partitions);
        SchedulerCore core = start.core();
        long replayed = readToEnd(consumer, core, partitions);
        if (!running) {
            return;
        }
        core.finishReplay();
        caughtUp = true;
        leadership.caughtUp(); // compete for the lease only now, as a standby that can take over at once
        LOG.infof("replayed %d events in %d ms with policy %s, from %s", replayed,
                (System.nanoTime() - started) / 1_000_000, config.policy(), start.from());
        boolean deciding = false;
        Timer cycleTimer = meters.cycle();
        long nextHousekeeping = System.nanoTime() + config.checkpoint().interval().toNanos();
        while (running) {
            List<ConsumerRecord<String, String>> batch = new ArrayList<>();
            consumer.poll(config.pollTimeout()).forEach(batch::add);
            for (ConsumerRecord<String, String> r : batch) {
                CapstanEvent event = read(r);
                if (event != null) {
                    core.apply(event);
                }
            }
            changesSinceCheckpoint += batch.size();
            if (System.nanoTime() - nextHousekeeping >= 0) {
                int forgotten = core.forgetFinishedBefore(clock.instant().minus(config.finishedRetention()));
                if (forgotten > 0) {
                    LOG.debugf("forgot %d workloads finished more than %s ago", forgotten, config.finishedRetention());
                }
                if (deciding && leadership.leading() && changesSinceCheckpoint > 0 && config.checkpoint().enabled()) {
                    writeCheckpoint(consumer, producer, core, partitions);
                }
                nextHousekeeping = System.nanoTime() + Math.max(config.checkpoint().interval().toNanos(),
                        10 * lastCheckpointNanos);
            }
            if (!leadership.leading()) {
                if (deciding) {
                    return; // lost the lease between two cycles: decide nothing more (the process exits)
                }
                publishSnapshot(core, batch);
                continue; // a hot standby: it follows the log and decides nothing
            }
            if (!deciding) {
                takeOver(consumer, producer, core, partitions);
                deciding = true;
            }
            boolean cycled = core.needsCycle(clock.instant());
            if (cycled) {
                List<PlacementEvent> decisions = cycleTimer.record(() -> core.cycle(clock.instant()));
                publish(producer, decisions, core);
            }
            if (cycled || !batch.isEmpty() || snapshot.get() == null) {
                takeSnapshot(core);
            }
        }
        if (deciding && leadership.leading() && config.checkpoint().enabled() && changesSinceCheckpoint > 0) {
            try {
                writeCheckpoint(consumer, producer, core, partitions); // stopping: the next start reads less
            } catch (RuntimeException ex) {
                LOG.warnf("no checkpoint at shutdown: %s", ex.getMessage());
            }
        }
    }

    /** The core to start from, and where it comes from (for the log). */
    private record Start(SchedulerCore core, String from) {
    }

    /**
     * The last checkpoint, with every partition positioned where it left off; without one (or with checkpoints off),
     * an empty core and every partition at its beginning.
     */
    private Start restore(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions) {
        long t0 = System.nanoTime();
        if (config.checkpoint().enabled()) {
            checkpoints.ensureTopic();
            var loaded = checkpoints.load();
            if (loaded.isPresent()) {
                Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
                for (TopicPartition p : partitions) {
                    Long position = loaded.get().positions().get(p);
                    if (position == null) {
                        consumer.seekToBeginning(List.of(p)); // a partition added since
                    } else {
                        if (position < starts.getOrDefault(p, 0L)) {
                            // Records between the checkpoint and the log's start are gone (retention): what they
                            // said is missing from the state; the operator must know.
                            LOG.warnf("checkpoint position %d of %s is before the log's start %d: %d records were "
                                    + "deleted by retention before they were read", position, p, starts.get(p),
                                    starts.get(p) - position);
                        }
                        consumer.seek(p, position);
                    }
                }
                var head = loaded.get().head();
                return new Start(SchedulerCore.restore(PlacementPolicies.byName(config.policy()),
                        loaded.get().checkpoint()), String.format("checkpoint %s of %s (%d entries, %d chunks, read in "
                        + "%d ms)", head.id(), head.takenAt(), head.entries(), head.chunks(),
                        (System.nanoTime() - t0) / 1_000_000));
            }
        }
        consumer.seekToBeginning(partitions);
        return new Start(new SchedulerCore(PlacementPolicies.byName(config.policy())), "the beginning");
    }

    /**
     * Applies every record up to the end offsets as they are now (the replay at start, the catch-up of a takeover);
     * returns how many were read.
     */
    private long readToEnd(KafkaConsumer<String, String> consumer, SchedulerCore core, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
        long read = 0;
        while (running && !end.isEmpty()) {
            for (ConsumerRecord<String, String> r : consumer.poll(config.pollTimeout())) {
                CapstanEvent event = read(r);
                if (event != null) {
                    core.apply(event);
                }
                read++;
            }
            end.entrySet().removeIf(p -> consumer.position(p.getKey()) >= p.getValue());
        }
        changesSinceCheckpoint += read;
        return read;
    }

    /**
     * Writes a checkpoint of the state after the last cycle and the input positions it covers, in one transaction
     * (fenced like the decisions: a deposed instance's checkpoint is never read).
     */
    private void writeCheckpoint(KafkaConsumer<String, String> consumer, KafkaProducer<String, String> producer,
            SchedulerCore core, List<TopicPartition> partitions) {
        long t0 = System.nanoTime();
        Checkpoint cp = core.checkpoint();
        Map<TopicPartition, Long> positions = new HashMap<>();
        partitions.forEach(p -> positions.put(p, consumer.position(p)));
        producer.beginTransaction();
        CheckpointStore.Head head = checkpoints.write(producer, cp, positions, clock.instant());
        producer.commitTransaction();
        lastCheckpointNanos = System.nanoTime() - t0;
        changesSinceCheckpoint = 0;
        metrics.timer("capstan.scheduler.checkpoint").record(Duration.ofNanos(lastCheckpointNanos));
        LOG.infof("checkpoint %s written: %d entries (%d waiting or held, %d finished remembered) in %d chunks, %d ms",
                head.id(), cp.size(), cp.workloads().size(), cp.finished().size(), head.chunks(),
                lastCheckpointNanos / 1_000_000);
    }

    private void publishSnapshot(SchedulerCore core, List<ConsumerRecord<String, String>> batch) {
        if (!batch.isEmpty() || snapshot.get() == null) {
            takeSnapshot(core);
        }
    }

    /**
     * Becoming the deciding instance: first fence every earlier one (initTransactions bumps the transactional id's
     * epoch, aborts its open transaction, and makes the broker refuse its later ones), then read every partition up
     * to its end as it stands after that, so the state includes everything an earlier leader decided before it
     * decides anything itself.
     */
    private void takeOver(KafkaConsumer<String, String> consumer, KafkaProducer<String, String> producer,
            SchedulerCore core, List<TopicPartition> partitions) {
        long t0 = System.nanoTime();
        producer.initTransactions();
        long read = readToEnd(consumer, core, partitions);
        LOG.infof("%s decides: caught up with %d more events in %d ms", leadership.identity(), read,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** What the REST API and the queue gauges read, as of now. */
    private void takeSnapshot(SchedulerCore core) {
        SchedulerCore.Snapshot s = core.snapshot();
        snapshot.set(s);
        meters.queues(s);
    }

    /**
     * Publishes one cycle's decisions in one Kafka transaction: consumers read them with {@code read_committed}, so
     * a cycle is seen whole or not at all, and a fenced (deposed) instance's decisions never.
     */
    private void publish(KafkaProducer<String, String> producer, List<PlacementEvent> decisions, SchedulerCore core) {
        if (decisions.isEmpty()) {
            return;
        }
        producer.beginTransaction();
        List<Future<RecordMetadata>> acks = new ArrayList<>(decisions.size());
        for (PlacementEvent d : decisions) {
            ProducerRecord<String, String> r = new ProducerRecord<>(d.topic(), d.subject(), EventCodec.toJson(d));
            CloudEventHeaders.forEvent(d, "scheduler-service", clock.instant()).asHeaders()
                    .forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            acks.add(producer.send(r));
            if (d instanceof PlacementEvent.WorkloadAdmitted a) {
                meters.admitted(a, core.firstAdmissionWait(a));
            }
        }
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (java.util.concurrent.ExecutionException ex) {
                if (ex.getCause() instanceof ProducerFencedException fenced) {
                    throw fenced;
                }
                throw new IllegalStateException("publishing a placement failed", ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing placements", ex);
            }
        }
        producer.commitTransaction();
    }

    static CapstanEvent read(ConsumerRecord<String, String> r) {
        String type = KafkaEvents.type(r);
        if (type == null || r.value() == null) {
            return null;
        }
        try {
            return KafkaEvents.read(r);
        } catch (EventCodec.MalformedEventException ex) {
            // Other services' dead-letter topics hold what they could not read; here, skipping keeps the
            // replay deterministic and the record stays in its topic for inspection.
            LOG.warnf("skipping unreadable %s at %s-%d@%d: %s", type, r.topic(), r.partition(), r.offset(),
                    ex.getMessage());
            return null;
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, String> consumer) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : INPUTS) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist yet");
            }
            for (PartitionInfo p : infos) {
                out.add(new TopicPartition(topic, p.partition()));
            }
        }
        return out;
    }

    private KafkaConsumer<String, String> consumer() {
        Properties p = CheckpointStore.committedReader(bootstrap, "scheduler-");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        // A checkpoint's position older than the topic's retention: read what is left rather than nothing.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p);
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.capstan.e2e.bench;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.Framework;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Resources;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.localstack.ServiceProcess;
import dev.capstan.localstack.infra.KafkaBroker;
import dev.capstan.localstack.infra.TopicSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./capstan bench startup --workloads 100000 [--tail 1000]}: how long the scheduler takes to be ready after a
 * history of finished workloads. Writes, to a fresh broker, the events of that many workloads that went through
 * (submitted, admitted, pods created, running, succeeded, finished: six per workload, on the topics the services use,
 * all finished within the last hours, so inside the scheduler's retention window) and 64 nodes, then:
 * <ol>
 *   <li>starts scheduler-service from its packaged jar with no checkpoint (a first start, or an upgrade that cannot
 *       read the old one): it reads the whole log; times its readiness;</li>
 *   <li>waits for its first checkpoint, {@code kill -9}s it, writes {@code --tail} more finished workloads (the
 *       activity since that checkpoint), starts it again and times its readiness (the last checkpoint and the log
 *       after it).</li>
 * </ol>
 * With {@code --old N}, N more workloads finished three days ago, before the scheduler's retention window: the first
 * start reads them, the restart does not. Prints one line per start: {@code start= workloads= events= replayed_events= replay_ms= ready_s=}. The executor
 * reads nothing at start (committed offsets and the pod informer), submission-service and model-registry keep their
 * state in PostgreSQL: the scheduler is the service whose start-up could grow with history.
 */
public final class StartupBenchmark {

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        int workloads = 100_000;
        int nodes = 64;
        int tail = 1_000;
        int old = 0;
        for (int i = 1; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--workloads" -> workloads = Integer.parseInt(args[++i]);
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--tail" -> tail = Integer.parseInt(args[++i]);
                case "--old" -> old = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path state = root.resolve(".capstan/bench-startup");
        BenchFiles.deleteTree(state);
        try (KafkaBroker broker = KafkaBroker.start(state.resolve("kafka"), BenchFiles.freePort(), BenchFiles.freePort(),
                Duration.ofSeconds(90))) {
            String kafka = broker.bootstrapServers();
            TopicSetup.ensureTopics(kafka);
            long t0 = System.nanoTime();
            // --old N: N more workloads that finished three days ago, before the retention window (24 h).
            long events = writeHistory(kafka, 0, old, nodes, true, Instant.now().minus(Duration.ofDays(3)));
            events += writeHistory(kafka, old, workloads, nodes, false,
                    Instant.now().minusSeconds(workloads / 100 + 600));
            workloads += old;
            System.out.printf(Locale.ROOT, "wrote %d events of %d workloads (%d of them three days old) in %.1f s%n",
                    events, workloads, old, (System.nanoTime() - t0) / 1e9);
            Map<String, String> props = Map.of("capstan.kafka", kafka, "capstan.scheduler.checkpoint.interval", "5s");
            Path firstLog = state.resolve("logs/scheduler-service-1.log");
            int port = BenchFiles.freePort();
            Path jar = root.resolve("scheduler-service/target/quarkus-app/quarkus-run.jar");
            try (ServiceProcess scheduler = new ServiceProcess("scheduler-service", port, jar, firstLog, props,
                    line -> System.out.println("[bench] " + line))) {
                report("first", scheduler, firstLog, workloads, events);
                awaitLine(firstLog, Pattern.compile("checkpoint \\S+ written: .*"), Duration.ofMinutes(2));
                scheduler.kill();
            } // closing it keeps the supervisor from starting it again
            long more = writeHistory(kafka, workloads, tail, nodes, false, Instant.now().minusSeconds(120));
            Path secondLog = state.resolve("logs/scheduler-service-2.log");
            try (ServiceProcess scheduler = new ServiceProcess("scheduler-service", port, jar, secondLog, props,
                    line -> System.out.println("[bench] " + line))) {
                report("after_kill", scheduler, secondLog, workloads + tail, events + more);
            }
        }
    }

    /** Starts the scheduler, times its readiness and prints the line of one start. */
    private static void report(String start, ServiceProcess scheduler, Path log, int workloads, long events)
            throws Exception {
        long t = System.nanoTime();
        scheduler.start();
        scheduler.awaitReady(Duration.ofMinutes(10));
        double ready = (System.nanoTime() - t) / 1e9;
        Matcher m = Pattern.compile("replayed (\\d+) events in (\\d+) ms with policy \\S+, from (.*)")
                .matcher(Files.readString(log));
        boolean found = m.find();
        System.out.printf(Locale.ROOT, "start=%s workloads=%d events=%d replayed_events=%s replay_ms=%s ready_s=%.1f"
                + " from=\"%s\"%n", start, workloads, events, found ? m.group(1) : "?", found ? m.group(2) : "?", ready,
                found ? m.group(3) : "?");
    }

    private static void awaitLine(Path log, Pattern line, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Matcher m = line.matcher(Files.readString(log));
            if (m.find()) {
                System.out.println("[bench] " + m.group());
                return;
            }
            Thread.sleep(500); // polling a child process' log file
        }
        throw new IllegalStateException("no line matching " + line + " in " + log + " within " + timeout);
    }

    /**
     * The events of {@code workloads} finished workloads numbered from {@code first}, starting at {@code base} 10 ms
     * apart, placed on {@code nodes} 8-GPU nodes (written too if {@code withNodes}); returns how many events.
     */
    static long writeHistory(String kafka, int first, int workloads, int nodes, boolean withNodes, Instant base) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        Instant t = base;
        long n = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; withNodes && i < nodes; i++) {
                List<NodeEvent.Gpu> gpus = IntStream.range(0, 8)
                        .mapToObj(g -> new NodeEvent.Gpu(g, "A100", 81920, "island-" + g / 4)).toList();
                n += send(producer, new NodeEvent.NodeUpdated("node-" + i, 96_000, 786_432, gpus, Map.of(), true,
                        List.of(), t), t);
            }
            for (int i = first; i < first + workloads; i++) {
                String id = String.format("wl-hist%07d", i);
                Instant at = t.plusMillis((i - first) * 10L);
                TrainingJobSpec spec = new TrainingJobSpec("hist-" + i, "team-" + i % 8, "registry/train:1",
                        List.of("python", "train.py"), Framework.NONE, 1, new Resources(1, 1000, List.of(), 4000,
                                16384), 0, Map.of("sim.capstan.dev/run-seconds", "60"), Map.of(), null);
                String node = "node-" + i % nodes;
                int gpu = (i / nodes) % 8;
                n += send(producer, new WorkloadEvent.WorkloadSubmitted(id, spec, at), at);
                n += send(producer, new PlacementEvent.WorkloadAdmitted(id, 1, spec.queue(), List.of(
                        new PodAssignment(id + "-a1-worker-0", "worker", 0, node, List.of(gpu), 1000, "A100", null)),
                        at, spec), at);
                n += send(producer, new ExecutionEvent.PodsCreated(id, 1, List.of(id + "-a1-worker-0"), at), at);
                n += send(producer, new ExecutionEvent.WorkloadRunning(id, 1, at), at);
                n += send(producer, new ExecutionEvent.WorkloadSucceeded(id, 1, at.plusSeconds(60)), at);
                n += send(producer, new WorkloadEvent.WorkloadFinished(id, "SUCCEEDED", "all pods succeeded",
                        at.plusSeconds(60), 1), at);
            }
            producer.flush();
        }
        return n;
    }

    private static int send(KafkaProducer<String, String> producer, CapstanEvent e, Instant at) {
        ProducerRecord<String, String> r = new ProducerRecord<>(e.topic(), e.subject(), EventCodec.toJson(e));
        String source = e instanceof PlacementEvent ? "scheduler-service" : e instanceof WorkloadEvent
                ? "submission-service" : "executor-service";
        CloudEventHeaders.forEvent(e, source, at).asHeaders()
                .forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(r);
        return 1;
    }
}

package dev.capstan.e2e.bench;

import dev.capstan.e2e.EventLog;
import dev.capstan.e2e.RestClient;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.events.Topics;
import dev.capstan.localstack.LocalStack;
import dev.capstan.localstack.kube.SimulatedClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * {@code ./capstan bench e2e --rate R --duration S}: starts the local stack (its own Kafka broker, a
 * fresh database, 64 simulated 8-GPU nodes), submits single-GPU training jobs over REST at a steady
 * rate, and measures for each the time from sending the request to the executor's PodsCreated event
 * (seen by a Kafka consumer in this process). Prints one summary line of key=value figures.
 */
public final class EndToEndBenchmark {

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        double rate = 100;
        int duration = 30;
        int nodes = 64;
        for (int i = 1; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SimulatedClusterConfig cluster = new SimulatedClusterConfig(26443, List.of(
                new SimulatedClusterConfig.NodeGroup("bench", nodes, "A100", 8, 81920, 128000, 1048576, 4, 2)),
                Duration.ofMillis(200), Duration.ofSeconds(1), 0.0, 1);
        Path state = root.resolve(".capstan/bench-e2e");
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(root, state, null, null, 39092, 26443, true,
                cluster, "_bench", Duration.ofSeconds(5), 0, 0, 1)); EventLog log = new EventLog(stack.kafka(),
                        List.of(Topics.WORKLOADS, Topics.PLACEMENTS, Topics.EXECUTIONS))) {
            RestClient rest = new RestClient(stack.url("submission-service"));
            // Warm-up: JIT, connection pools, consumer groups.
            for (int i = 0; i < 50; i++) {
                rest.submit(RestClient.job("warmup-" + i, "bench", "none", 1, 1, null, 1));
            }
            Thread.sleep(3000); // let the warm-up jobs drain before measuring
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            AtomicInteger failed = new AtomicInteger();
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            long intervalNanos = (long) (1e9 / rate);
            long start = System.nanoTime();
            int total = (int) (rate * duration);
            for (int i = 0; i < total; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                long t0 = System.nanoTime();
                inFlight.add(rest.submitAsync(RestClient.job("b-" + i, "bench", "none", 1, 1, null, 1))
                        .thenAccept(r -> {
                            if (r.statusCode() == 201) {
                                sentAt.put(RestClient.read(r, 201).get("id").asText(), t0);
                            } else {
                                failed.incrementAndGet();
                            }
                        }));
            }
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Histogram h = new Histogram(3_600_000_000L, 3);
            Histogram toSubmitted = new Histogram(3_600_000_000L, 3);
            Histogram toAdmitted = new Histogram(3_600_000_000L, 3);
            while (System.nanoTime() < deadline) {
                int created = 0;
                h.reset();
                toSubmitted.reset();
                toAdmitted.reset();
                for (EventLog.Seen s : log.all()) {
                    Long sent = sentAt.get(s.event().subject());
                    if (sent == null) {
                        continue;
                    }
                    long micros = Math.max(0, s.seenNanos() - sent) / 1000;
                    if (s.event() instanceof ExecutionEvent.PodsCreated) {
                        h.recordValue(micros);
                        created++;
                    } else if (s.event() instanceof WorkloadEvent.WorkloadSubmitted) {
                        toSubmitted.recordValue(micros);
                    } else if (s.event() instanceof PlacementEvent.WorkloadAdmitted) {
                        toAdmitted.recordValue(micros);
                    }
                }
                if (created >= sentAt.size()) {
                    break;
                }
                Thread.sleep(500); // polling the collected log until every submission got its pods
            }
            // Where the time goes: request sent → WorkloadSubmitted (outbox relay) → WorkloadAdmitted.
            System.out.printf("stage=submitted p50_ms=%.1f p99_ms=%.1f | stage=admitted p50_ms=%.1f p99_ms=%.1f%n",
                    toSubmitted.getValueAtPercentile(50) / 1000.0, toSubmitted.getValueAtPercentile(99) / 1000.0,
                    toAdmitted.getValueAtPercentile(50) / 1000.0, toAdmitted.getValueAtPercentile(99) / 1000.0);
            System.out.printf("bench=e2e rate=%.0f duration_s=%d submitted=%d rejected=%d pods_created=%d "
                            + "achieved_rate=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
                    rate, duration, sentAt.size(), failed.get(), h.getTotalCount(), sentAt.size() / sendSeconds,
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
        }
    }

}

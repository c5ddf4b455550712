package dev.capstan.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.e2e.EventLog;
import dev.capstan.e2e.GpuHolds;
import dev.capstan.e2e.RestClient;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.Topics;
import dev.capstan.localstack.LocalStack;
import dev.capstan.localstack.kube.SimulatedClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./capstan bench chaos --rate 20 --minutes 5 [--replicas 2]}: the local stack (its own broker, its own embedded PostgreSQL,
 * 32 simulated 8-GPU nodes; with {@code --replicas 2} two schedulers on a Lease, two executors, two submission
 * services) under a steady load of REST submissions, while every service is killed with SIGKILL in
 * turn (the local stack's supervisor restarts it), the Kafka broker is restarted once and PostgreSQL is restarted
 * once, evenly spread over the load. A client retries a refused submission with the same Idempotency-Key for up
 * to two minutes, as a careful client would.
 *
 * <p>Prints one line per fault ({@code fault=… recovered_s=…}: from the fault until every service answers ready
 * again) and a total line: {@code submitted accepted succeeded failed_by_fault lost duplicate_pods
 * double_allocated_gpus}. The simulated kubelet fails no pod of its own, so every failed workload is a failure
 * caused by a fault. Goal: the last four are 0.
 */
public final class ChaosBenchmark {

    static final int KAFKA_PORT = 49092;
    static final int KUBE_PORT = 36443;
    static final int PG_PORT = 45433;
    static final int SERVICE_PORT_OFFSET = 30000;

    private ChaosBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        double rate = 20;
        double minutes = 5;
        int nodes = 32;
        int replicas = 1;
        for (int i = 1; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SimulatedClusterConfig cluster = new SimulatedClusterConfig(KUBE_PORT, List.of(
                new SimulatedClusterConfig.NodeGroup("chaos", nodes, "A100", 8, 81920, 128000, 1048576, 4, 2)),
                Duration.ofMillis(300), Duration.ofSeconds(2), 0.0, 11);
        Path state = root.resolve(".capstan/bench-chaos");
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(root, state, null, null, KAFKA_PORT, KUBE_PORT,
                true, cluster, "_chaos", Duration.ofMinutes(60), SERVICE_PORT_OFFSET, PG_PORT, replicas));
                EventLog log = new EventLog(stack.kafka(), List.of(Topics.PLACEMENTS, Topics.EXECUTIONS))) {
            new ChaosBenchmark().run(stack, log, rate, Duration.ofMillis((long) (minutes * 60_000)));
        }
    }

    private void run(LocalStack stack, EventLog log, double rate, Duration duration) throws Exception {
        RestClient rest = new RestClient(stack.url("submission-service"));
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        String queue = "chaos-" + run;
        Map<String, String> accepted = new ConcurrentHashMap<>(); // idempotency key -> workload id
        Map<String, Integer> workersOf = new ConcurrentHashMap<>();
        AtomicInteger submitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long end = start + duration.toNanos();

        List<String> faults = new ArrayList<>();
        stack.services().forEach(s -> faults.add("kill-" + s));
        faults.add(2, "restart-kafka");
        faults.add("restart-postgres");
        long faultEvery = duration.toNanos() / (faults.size() + 1);
        Thread chaos = new Thread(() -> {
            for (int i = 0; i < faults.size(); i++) {
                long at = start + (i + 1) * faultEvery;
                try {
                    Thread.sleep(Math.max(0, (at - System.nanoTime()) / 1_000_000));
                    String fault = faults.get(i);
                    double recovered = inject(stack, fault);
                    System.out.printf(Locale.ROOT, "fault=%s recovered_s=%.1f%n", fault, recovered);
                } catch (Exception e) {
                    System.out.println("fault=" + faults.get(i) + " error=" + e);
                }
            }
        }, "chaos");
        chaos.start();

        for (int n = 0; System.nanoTime() < end; n++) {
            long due = start + n * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int i = n;
            boolean gang = i % 5 == 0;
            String key = queue + "-" + i;
            String body = RestClient.job("chaos-" + i, queue, gang ? "pytorch" : "none", gang ? 2 : 1, 1, null, 2);
            submitted.incrementAndGet();
            clients.submit(() -> {
                try {
                    JsonNode w = rest.submitPersistently(body, key, Duration.ofMinutes(2));
                    accepted.put(key, w.get("id").asText());
                    workersOf.put(w.get("id").asText(), gang ? 2 : 1);
                } catch (Exception e) {
                    refused.incrementAndGet();
                }
            });
        }
        chaos.join();
        clients.shutdown();
        clients.awaitTermination(3, TimeUnit.MINUTES);

        // Wait for every accepted workload to end (or ten minutes without progress).
        Map<String, String> status = new HashMap<>();
        long lastProgress = System.nanoTime();
        int lastDone = -1;
        while (true) {
            status.clear();
            status.putAll(statuses(rest, queue)); // one page of 500 per request, not one request per workload
            int done = (int) accepted.values().stream().filter(id -> Set.of("SUCCEEDED", "FAILED", "CANCELLED")
                    .contains(status.get(id))).count();
            if (done == accepted.size()) {
                break;
            }
            if (done > lastDone) {
                lastDone = done;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.MINUTES.toNanos(10)) {
                break;
            }
            Thread.sleep(2_000); // polling the REST API, as a user watching the queue would
        }

        Map<String, Integer> byStatus = new TreeMap<>();
        accepted.values().forEach(id -> byStatus.merge(status.getOrDefault(id, "UNKNOWN"), 1, Integer::sum));
        int succeeded = byStatus.getOrDefault("SUCCEEDED", 0);
        int failed = byStatus.getOrDefault("FAILED", 0);
        int lost = accepted.size() - succeeded - failed - byStatus.getOrDefault("CANCELLED", 0);
        int listed = rest.list("queue=" + queue + "&size=1").get("total").asInt();
        int duplicateWorkloads = Math.max(0, listed - accepted.size());

        // Pods: each workload's admission attempts and pods, from the event log and the API server.
        List<PlacementEvent.WorkloadAdmitted> admitted = log.of(PlacementEvent.WorkloadAdmitted.class);
        Set<String> mine = new HashSet<>(accepted.values());
        Map<String, Set<Integer>> attempts = new HashMap<>();
        admitted.stream().filter(a -> mine.contains(a.workloadId()))
                .forEach(a -> attempts.computeIfAbsent(a.workloadId(), k -> new HashSet<>()).add(a.attempt()));
        int duplicatePods = 0;
        Map<String, Integer> podsOf = new HashMap<>();
        stack.cluster().client().pods().inAnyNamespace().list().getItems().forEach(p -> {
            String w = p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get("capstan.dev/workload");
            if (w != null) {
                podsOf.merge(w, 1, Integer::sum);
            }
        });
        for (String id : mine) {
            duplicatePods += Math.max(0, podsOf.getOrDefault(id, 0) - workersOf.getOrDefault(id, 1));
        }
        int reAdmitted = (int) attempts.values().stream().filter(a -> a.size() > 1).count();
        List<String> overlaps = GpuHolds.overlaps(admitted, log.of(ExecutionEvent.class));

        System.out.printf(Locale.ROOT, "statuses=%s readmitted_workloads=%d duplicate_workloads=%d refused=%d%n",
                byStatus, reAdmitted, duplicateWorkloads, refused.get());
        overlaps.stream().limit(5).forEach(o -> System.out.println("overlap: " + o));
        System.out.printf(Locale.ROOT, "submitted=%d accepted=%d succeeded=%d failed_by_fault=%d lost=%d "
                + "duplicate_pods=%d double_allocated_gpus=%d%n", submitted.get(), accepted.size(), succeeded, failed,
                lost + refused.get(), duplicatePods + duplicateWorkloads, overlaps.size());
    }

    /** Injects one fault and returns the seconds until every service answers ready again. */
    private static double inject(LocalStack stack, String fault) throws Exception {
        long t0 = System.nanoTime();
        if (fault.startsWith("kill-")) {
            stack.service(fault.substring("kill-".length())).kill();
        } else if (fault.equals("restart-kafka")) {
            stack.restartKafka();
        } else if (fault.equals("restart-postgres")) {
            stack.restartPostgres();
        }
        for (String s : stack.services()) {
            stack.service(s).awaitReady(Duration.ofMinutes(3));
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The status of every workload of the queue, read a page of 500 at a time. */
    private static Map<String, String> statuses(RestClient rest, String queue) {
        Map<String, String> out = new HashMap<>();
        for (int page = 0;; page++) {
            JsonNode p;
            try {
                p = rest.list("queue=" + queue + "&size=500&page=" + page);
            } catch (RuntimeException restarting) {
                return out; // asked again at the next poll
            }
            p.get("items").forEach(w -> out.put(w.get("id").asText(), w.get("status").asText()));
            if ((page + 1) * 500 >= p.get("total").asInt()) {
                return out;
            }
        }
    }
}

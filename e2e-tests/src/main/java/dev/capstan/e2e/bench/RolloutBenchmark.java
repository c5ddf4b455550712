package dev.capstan.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.e2e.EventLog;
import dev.capstan.e2e.RestClient;
import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.Topics;
import dev.capstan.localstack.LocalStack;
import dev.capstan.localstack.demo.InferenceGateway;
import dev.capstan.localstack.kube.SimulatedClusterConfig;
import dev.capstan.traces.Trace;
import dev.capstan.traces.TraceFiles;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongToDoubleFunction;
import java.util.function.Predicate;

/**
 * {@code ./capstan bench rollout --replicas 8 --runs 20}: rollouts on the live local stack (its own broker, embedded
 * PostgreSQL, simulated cluster), one inference service of a fixed size ({@code --replicas}, min = max) under a
 * constant load of {@code --rps} (default replicas × 10 rps × 70 %) or, with {@code --trace FILE}, the file's busiest
 * trace scaled to that mean, with canary steps {@code --steps} (10,50,100)
 * judged over {@code --window} s (30) of at least {@code --min-requests} (100): the rollout policy's defaults. Runs cycle through three kinds:
 * <ul>
 *   <li><b>bad</b>: a version failing {@code --bad-error-rate} (0.08) of its requests is promoted; the autoscaler's
 *       canary analysis must roll it back on its own;</li>
 *   <li><b>manual</b>: a healthy version is promoted and, once its canary takes traffic, a person rolls the alias
 *       back through the registry;</li>
 *   <li><b>good</b>: a healthy version is promoted and must go through every step to the end.</li>
 * </ul>
 * Figures (one line per run, then the summary):
 * <ul>
 *   <li>{@code verdict_to_stable_ms} (bad runs): from the failed verdict (the rolled-back plan's decision time) to
 *       the gateway routing by that plan, i.e. every request to the stable revision (goal p99 ≤ 1,000);</li>
 *   <li>{@code rollback_ready_ms} (bad and manual runs): from the alias moved back to the old revision serving
 *       everything (0 when it already did: the autoscaler moves traffic before it moves the alias; goal p99 ≤
 *       5,000);</li>
 *   <li>{@code alias_restored_ms} (bad runs): from the verdict to the alias history showing the move back;</li>
 *   <li>{@code min_ready_violations}: gateway seconds during a rollout with fewer ready replicas than were ready
 *       when it began (goal 0);</li>
 *   <li>{@code requests_to_bad_version} (bad runs, total) against its bound: first step's share × rps × window per
 *       run (goal: at most the bound).</li>
 * </ul>
 * The gateway routes in 100 ms slices, so the time to route by a plan includes up to 100 ms of slice. The service
 * serves for a minute before the first rollout and 20 s between rollouts.
 */
public final class RolloutBenchmark {

    static final int KAFKA_PORT = 59092;
    static final int KUBE_PORT = 56443;
    static final int PG_PORT = 55434;
    static final int SERVICE_PORT_OFFSET = 50000;
    static final double TARGET_RPS = 10.0;
    static final String ALIAS = "production";

    /** When the gateway first routed by each plan (by identity of its decision time and service). */
    private final Map<Instant, Instant> applied = new ConcurrentHashMap<>();

    private RolloutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        int replicas = 8;
        int runs = 20;
        double rps = -1;
        int window = 30;
        int minRequests = 100;
        String steps = "10,50,100";
        double badErrorRate = 0.08;
        Path trace = null;
        for (int i = 1; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--rps" -> rps = Double.parseDouble(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--min-requests" -> minRequests = Integer.parseInt(args[++i]);
                case "--steps" -> steps = args[++i];
                case "--bad-error-rate" -> badErrorRate = Double.parseDouble(args[++i]);
                case "--trace" -> trace = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (rps < 0) {
            rps = replicas * TARGET_RPS * 0.7;
        }
        int nodes = Math.max(4, (3 * replicas + 7) / 8 + 2);
        SimulatedClusterConfig cluster = new SimulatedClusterConfig(KUBE_PORT, List.of(
                new SimulatedClusterConfig.NodeGroup("roll", nodes, "A100", 8, 81920, 128000, 1048576, 2, 2)),
                Duration.ofMillis(300), Duration.ofSeconds(2), 0.0, 13);
        Path state = root.resolve(".capstan/bench-rollout");
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(root, state, null, null, KAFKA_PORT, KUBE_PORT,
                true, cluster, "_rollout", Duration.ofMinutes(10), SERVICE_PORT_OFFSET, PG_PORT, 1));
                EventLog metrics = new EventLog(stack.kafka(), List.of(Topics.INFERENCE_METRICS))) {
            new RolloutBenchmark().run(stack, metrics, replicas, runs, rps, demand(trace, rps), window, minRequests,
                    steps, badErrorRate);
        }
    }

    /**
     * The load: {@code rps} every second, or the busiest trace of {@code trace} scaled to that mean (its bursts and
     * lulls kept), looped.
     */
    static LongToDoubleFunction demand(Path trace, double rps) throws java.io.IOException {
        if (trace == null) {
            return second -> rps;
        }
        Trace t = TraceFiles.busiest(trace);
        double mean = t.total() / t.requestsPerSec().length;
        LongToDoubleFunction raw = InferenceGateway.traceDemand(t);
        System.out.printf(Locale.ROOT, "trace %s: %d s, mean %.2f rps scaled by %.2f%n", t.name(),
                t.requestsPerSec().length, mean, rps / mean);
        return second -> raw.applyAsDouble(second) * rps / mean;
    }

    private void run(LocalStack stack, EventLog metrics, int replicas, int runs, double rps,
            LongToDoubleFunction demand, int window, int minRequests, String steps, double badErrorRate)
            throws Exception {
        String service = "roll-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        String models = stack.url("model-registry") + "/api/v1/models/" + service;
        int firstStep = Integer.parseInt(steps.split(",")[0].trim());
        try (InferenceGateway gateway = new InferenceGateway(stack.kafka(), stack.cluster().client(),
                stack.url("submission-service"), stack.url("model-registry"), service, TARGET_RPS, 2, 2000,
                demand, null)) {
            gateway.onPlanApplied((plan, at) -> applied.putIfAbsent(plan.plannedAt(), at));
            gateway.start();
            RestClient.call("PATCH", stack.url("submission-service") + "/api/v1/inference-services/" + service, String.format(
                    Locale.ROOT, "{\"minReplicas\":%d,\"maxReplicas\":%d,\"scaleToZero\":false,\"rollout\":"
                            + "{\"canarySteps\":[%s],\"analysisWindowSeconds\":%d,\"minRequests\":%d}}",
                    replicas, replicas, steps, window, minRequests), 200);
            int current = 1;
            awaitSettled(gateway, "v" + current, replicas, Duration.ofMinutes(3));
            System.out.printf(Locale.ROOT, "rollout service=%s replicas=%d rps=%.1f steps=%s window_s=%d "
                    + "min_requests=%d bad_error_rate=%.3f%n", service, replicas, rps, steps, window, minRequests,
                    badErrorRate);

            List<Long> verdictToStable = new ArrayList<>();
            List<Long> rollbackReady = new ArrayList<>();
            List<Long> aliasRestored = new ArrayList<>();
            List<Long> promoteSeconds = new ArrayList<>();
            long violations = 0;
            int falseRollbacks = 0;
            int badPromoted = 0;
            long toBad = 0;
            double bound = 0;
            for (int i = 0; i < runs; i++) {
                // The service serves a while before each rollout, as one does, and settles after the previous one.
                Thread.sleep(i == 0 ? 60_000 : 20_000);
                String kind = switch (i % 3) {
                    case 0 -> "bad";
                    case 1 -> "manual";
                    default -> "good";
                };
                int version = register(models, kind.equals("bad") ? badErrorRate : 0.002);
                String revision = "v" + version;
                // The ready minimum: max(minReplicas, what was ready) = every replica of a fixed-size, settled service.
                int minimum = replicas;
                Instant start = Instant.now();
                RestClient.call("PUT", models + "/aliases/" + ALIAS, "{\"version\":" + version + ",\"reason\":\"bench " + kind
                        + "\"}", 200);
                String line;
                switch (kind) {
                    case "bad" -> {
                        ScalingEvent.RevisionsPlanned back = awaitPlan(gateway, p -> p.rollout() != null
                                && revision.equals(p.rollout().to()) && ("rolled-back".equals(p.rollout().phase())
                                        || "promoted".equals(p.rollout().phase())), Duration.ofMinutes(10));
                        if ("promoted".equals(back.rollout().phase())) {
                            badPromoted++; // missed: the bad version serves from now on
                            current = version;
                            awaitSettled(gateway, revision, replicas, Duration.ofMinutes(2));
                            line = "bad_promoted verdict=\"" + back.rollout().verdict() + "\"";
                            break;
                        }
                        Instant routed = awaitApplied(back);
                        long v2s = Duration.between(back.plannedAt(), routed).toMillis();
                        Instant moved = awaitAliasMove(models, current, Duration.ofMinutes(1));
                        long restored = Duration.between(back.plannedAt(), moved).toMillis();
                        long ready = Math.max(0, Duration.between(moved, routed).toMillis());
                        verdictToStable.add(v2s);
                        aliasRestored.add(restored);
                        rollbackReady.add(ready);
                        awaitSettled(gateway, "v" + current, replicas, Duration.ofMinutes(2));
                        long sent = requestsTo(metrics, service, revision);
                        toBad += sent;
                        bound += firstStep / 100.0 * rps * window;
                        line = String.format(Locale.ROOT, "verdict_to_stable_ms=%d rollback_ready_ms=%d "
                                + "alias_restored_ms=%d requests_to_bad_version=%d verdict=\"%s\"", v2s, ready,
                                restored, sent, back.rollout().verdict());
                    }
                    case "manual" -> {
                        awaitPlan(gateway, p -> p.rollout() != null && revision.equals(p.rollout().to())
                                && "canary".equals(p.rollout().phase()), Duration.ofMinutes(3));
                        Thread.sleep(2_000); // the canary takes traffic for a moment before the person acts
                        RestClient.call("POST", models + "/aliases/" + ALIAS + "/rollback?to=" + current,
                                "{\"reason\":\"bench: manual rollback\"}", 200);
                        Instant moved = lastMove(models);
                        ScalingEvent.RevisionsPlanned stopped = awaitPlan(gateway, p -> p.rollout() != null
                                && revision.equals(p.rollout().to()) && "stopped".equals(p.rollout().phase()),
                                Duration.ofMinutes(1));
                        long ready = Math.max(0, Duration.between(moved, awaitApplied(stopped)).toMillis());
                        rollbackReady.add(ready);
                        awaitSettled(gateway, "v" + current, replicas, Duration.ofMinutes(2));
                        line = "rollback_ready_ms=" + ready;
                    }
                    default -> {
                        ScalingEvent.RevisionsPlanned done = awaitPlan(gateway, p -> p.rollout() != null
                                && revision.equals(p.rollout().to()) && ("promoted".equals(p.rollout().phase())
                                        || "rolled-back".equals(p.rollout().phase())), Duration.ofMinutes(10));
                        if ("rolled-back".equals(done.rollout().phase())) {
                            falseRollbacks++; // a healthy version judged bad
                            awaitSettled(gateway, "v" + current, replicas, Duration.ofMinutes(2));
                            line = "false_rollback verdict=\"" + done.rollout().verdict() + "\"";
                            break;
                        }
                        long seconds = Duration.between(start, done.plannedAt()).toSeconds();
                        promoteSeconds.add(seconds);
                        current = version;
                        awaitSettled(gateway, revision, replicas, Duration.ofMinutes(2));
                        line = "promoted_after_s=" + seconds;
                    }
                }
                long v = violations(metrics, service, start, Instant.now(), minimum);
                long[] sentTo = totals(metrics, service, revision);
                violations += v;
                System.out.printf(Locale.ROOT, "run=%d kind=%s version=%d %s min_ready_violations=%d "
                        + "new_revision_requests=%d new_revision_errors=%d%n", i + 1, kind, version, line, v,
                        sentTo[0], sentTo[1]);
            }
            System.out.printf(Locale.ROOT, "rollout replicas=%d runs=%d verdict_to_stable_p50_ms=%d "
                    + "verdict_to_stable_p99_ms=%d rollback_ready_p99_ms=%d alias_restored_p99_ms=%d "
                    + "min_ready_violations=%d requests_to_bad_version=%d requests_to_bad_version_bound=%.0f "
                    + "promoted_after_s_median=%d false_rollbacks=%d bad_promoted=%d%n", replicas, runs,
                    percentile(verdictToStable, 50), percentile(verdictToStable, 99), percentile(rollbackReady, 99),
                    percentile(aliasRestored, 99), violations, toBad, bound, percentile(promoteSeconds, 50),
                    falseRollbacks, badPromoted);
        }
    }

    /** Registers the next version, tagged with the error rate its simulated replicas answer with. */
    private int register(String models, double errorRate) throws Exception {
        HttpResponse<String> r = RestClient.call("POST", models + "/versions", String.format(Locale.ROOT,
                "{\"artifactUri\":\"s3://bench/%d\",\"tags\":{\"sim.capstan.dev/error-rate\":\"%s\"}}",
                System.nanoTime(), errorRate), 201);
        return RestClient.read(r, 201).path("version").asInt();
    }

    private static ScalingEvent.RevisionsPlanned awaitPlan(InferenceGateway gateway,
            Predicate<ScalingEvent.RevisionsPlanned> what, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            ScalingEvent.RevisionsPlanned p = gateway.lastPlan();
            if (p != null && what.test(p)) {
                return p;
            }
            Thread.sleep(20); // watching the gateway's latest plan; the timings come from the plans themselves
        }
        throw new IllegalStateException("no such plan within " + max + "; last " + gateway.lastPlan());
    }

    private Instant awaitApplied(ScalingEvent.RevisionsPlanned plan) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Instant at = applied.get(plan.plannedAt());
            if (at != null) {
                return at;
            }
            Thread.sleep(10); // the gateway records when it first routes by a plan
        }
        throw new IllegalStateException("the gateway never routed by " + plan);
    }

    /** Waits until only {@code revision} runs, with every replica ready, in the gateway's view. */
    private static void awaitSettled(InferenceGateway gateway, String revision, int replicas, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            ScalingEvent.RevisionsPlanned p = gateway.lastPlan();
            Map<String, Integer> ready = gateway.readyByRevision();
            if (p != null && p.revisions().size() == 1 && revision.equals(p.revisions().get(0).name())
                    && ready.getOrDefault(revision, 0) >= replicas && ready.size() == 1) {
                return;
            }
            Thread.sleep(200); // replicas start and go on the simulated cluster
        }
        throw new IllegalStateException(revision + " did not settle on " + replicas + " ready replicas within " + max
                + "; plan " + gateway.lastPlan() + ", ready " + gateway.readyByRevision());
    }

    /** When the alias history shows a move to {@code version}, waiting for it. */
    private Instant awaitAliasMove(String models, int version, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode last = RestClient.fetch(models + "/aliases/" + ALIAS + "/history?size=1").path("items").path(0);
            if (last.path("toVersion").asInt() == version) {
                return Instant.parse(last.path("at").asText());
            }
            Thread.sleep(100); // the autoscaler moves the alias through the registry's API
        }
        throw new IllegalStateException("the alias was not moved back to " + version + " within " + max);
    }

    private static Instant lastMove(String models) {
        return Instant.parse(RestClient.fetch(models + "/aliases/" + ALIAS + "/history?size=1").path("items").path(0)
                .path("at").asText());
    }

    private static List<InferenceMetricsEvent.RequestRateSample> wholeService(EventLog metrics, String service) {
        return metrics.of(InferenceMetricsEvent.RequestRateSample.class).stream()
                .filter(s -> s.service().equals(service) && s.revision() == null).toList();
    }

    /** Seconds in {@code [from, to)} whose whole-service sample shows fewer ready replicas than {@code minimum}. */
    private static long violations(EventLog metrics, String service, Instant from, Instant to, int minimum) {
        return wholeService(metrics, service).stream().filter(s -> !s.windowStart().isBefore(from)
                && s.windowStart().isBefore(to) && s.readyReplicas() < minimum).count();
    }

    /** Requests and errors of one revision, over everything the gateway reported. */
    private static long[] totals(EventLog metrics, String service, String revision) {
        long[] t = new long[2];
        metrics.of(InferenceMetricsEvent.RequestRateSample.class).stream()
                .filter(s -> s.service().equals(service) && revision.equals(s.revision())).forEach(s -> {
                    t[0] += s.requests();
                    t[1] += s.errors();
                });
        return t;
    }

    /** Requests the gateway sent to one revision, over everything it reported. */
    private static long requestsTo(EventLog metrics, String service, String revision) {
        return metrics.of(InferenceMetricsEvent.RequestRateSample.class).stream()
                .filter(s -> s.service().equals(service) && revision.equals(s.revision()))
                .mapToLong(InferenceMetricsEvent.RequestRateSample::requests).sum();
    }

    static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return -1;
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}

package dev.capstan.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.e2e.EventLog;
import dev.capstan.e2e.RestClient;
import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.ServingReplica;
import dev.capstan.events.Topics;
import dev.capstan.localstack.LocalStack;
import dev.capstan.localstack.demo.InferenceGateway;
import dev.capstan.localstack.kube.SimulatedClusterConfig;
import dev.capstan.traces.Trace;
import dev.capstan.traces.TraceFiles;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./capstan bench serving --trace FILE [--minutes 10] [--target-rps 2] [--cold-start 10] [--seconds CSV]}: the
 * live system against the autoscaler's offline replay of the same trace. The local stack (its own broker, embedded
 * PostgreSQL, a simulated cluster with room for the peak) serves one inference service whose gateway plays the
 * file's busiest trace (Poisson arrivals around each second's count, looped), its replicas real pods placed by the
 * scheduler and started by the executor; the autoscaler sizes it from the gateway's samples. The service is
 * announced, and known to the autoscaler, before its first second is played. Then {@code ReplayOnce}
 * (autoscaler-service's benchmark code) replays offline, with the same settings, the arrivals the gateway played
 * (its per-second request counts): the same input on both sides, so what differs is the system.
 *
 * <p>Figures (line {@code serving}): served share (requests answered / requests; the gateway holds what finds no
 * free replica for its 2 s queue timeout and fails it after, as the offline replay's queued model does) and
 * replica-seconds (a replica pod that exists, starting or ready, at the end of one of the gateway's seconds), live
 * and offline, their relative difference, and whether both are within the goal of 5 %. What the offline model leaves
 * out is the path from a decision to a pod (Kafka, scheduler, executor) and from a pod to a ready replica (the
 * simulated kubelet's start delay is the cold start). Line {@code serving_trace_file} sets the live run beside a
 * replay of the trace file's per-second means, without the Poisson noise: bursts the file does not have cost
 * replicas, so it is context, not the goal. {@code --seconds} writes one line per second ({@code second,demand,
 * live_requests,live_pods,live_ready,offline_replicas,offline_ready,played_replicas,played_ready}: the replay of the
 * trace file, then of the played arrivals), to see where they part.
 */
public final class ServingBenchmark {

    static final int KAFKA_PORT = 51092;
    static final int KUBE_PORT = 46443;
    static final int PG_PORT = 46433;
    static final int SERVICE_PORT_OFFSET = 45000;

    private ServingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        Path file = null;
        double minutes = 10;
        double targetRps = 2;
        int coldStart = 10;
        String policy = "capstan";
        Path perSecond = null;
        for (int i = 1; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--trace" -> file = Path.of(args[++i]).toAbsolutePath();
                case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                case "--target-rps" -> targetRps = Double.parseDouble(args[++i]);
                case "--cold-start" -> coldStart = Integer.parseInt(args[++i]);
                case "--seconds" -> perSecond = Path.of(args[++i]).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (file == null || !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--trace FILE is required (a file in the benchmark's CSV formats)");
        }
        Trace trace = TraceFiles.busiest(file);
        int seconds = (int) Math.round(minutes * 60);
        double peak = 0;
        for (int t = 0; t < seconds; t++) {
            peak = Math.max(peak, trace.requestsPerSec()[t % trace.requestsPerSec().length]);
        }
        int replicasAtPeak = (int) Math.ceil(peak / (targetRps * 0.7)) + 2;
        int nodes = Math.max(4, (replicasAtPeak + 7) / 8 + 2);
        SimulatedClusterConfig cluster = new SimulatedClusterConfig(KUBE_PORT, List.of(
                new SimulatedClusterConfig.NodeGroup("serve", nodes, "A100", 8, 81920, 256000, 2097152, 2, 2)),
                Duration.ofMillis(300), Duration.ofSeconds(2), 0.0, 17);
        Path state = root.resolve(".capstan/bench-serving");
        Live live;
        try (LocalStack stack = LocalStack.start(new LocalStack.Options(root, state, null, null, KAFKA_PORT, KUBE_PORT,
                true, cluster, "_serving", Duration.ofMinutes(10), SERVICE_PORT_OFFSET, PG_PORT, 1));
                EventLog metrics = new EventLog(stack.kafka(), List.of(Topics.INFERENCE_METRICS))) {
            live = live(stack, metrics, trace, seconds, targetRps, coldStart);
        }
        Path offlineSeconds = perSecond == null ? null : Files.createTempFile("offline-seconds", ".csv");
        Map<String, String> offline = offline(root, file, seconds, targetRps, coldStart, policy, offlineSeconds);
        // The same replay of the arrivals the live run played (Poisson around the trace's rate): the same input on
        // both sides, so what differs is the system, not the dice.
        Path played = Files.createTempFile("played-", ".counts");
        Files.write(played, java.util.Arrays.stream(live.perSecondRequests()).mapToObj(Long::toString).toList());
        Path playedSeconds = perSecond == null ? null : Files.createTempFile("played-seconds", ".csv");
        Map<String, String> replayedPlayed = offline(root, played, Math.min(seconds, live.perSecondRequests().length),
                targetRps, coldStart, policy, playedSeconds);
        Files.deleteIfExists(played);
        if (perSecond != null) {
            List<String> replayed = Files.readAllLines(offlineSeconds);
            List<String> replayedPlayedSeconds = Files.readAllLines(playedSeconds);
            List<String> lines = new java.util.ArrayList<>();
            lines.add("second,demand,live_requests,live_pods,live_ready,offline_replicas,offline_ready,"
                    + "played_replicas,played_ready");
            for (int t = 0; t < seconds && t + 1 < replayed.size(); t++) {
                String[] o = replayed.get(t + 1).split(",");
                String[] p = t + 1 < replayedPlayedSeconds.size() ? replayedPlayedSeconds.get(t + 1).split(",")
                        : new String[] {"", "", "", ""};
                lines.add(String.format(Locale.ROOT, "%d,%s,%d,%d,%d,%s,%s,%s,%s", t, o[1], live.requests(t),
                        live.pods()[t], live.ready()[t], o[2], o[3], p[2], p[3]));
            }
            Files.write(perSecond, lines);
            Files.deleteIfExists(offlineSeconds);
            Files.deleteIfExists(playedSeconds);
        }
        // The comparison the goal is about: the same arrivals on both sides.
        double playedServed = Double.parseDouble(replayedPlayed.get("served_share"));
        long playedReplicaSeconds = Long.parseLong(replayedPlayed.get("replica_seconds"));
        double servedDiff = 100 * (live.servedShare() - playedServed) / playedServed;
        double replicaDiff = 100.0 * (live.replicaSeconds() - playedReplicaSeconds) / Math.max(1, playedReplicaSeconds);
        System.out.printf(Locale.ROOT, "serving trace=%s seconds=%d target_rps=%.1f cold_start_s=%d policy=%s "
                + "live_served_share=%.4f offline_served_share=%.4f served_diff_pct=%.2f live_replica_seconds=%d "
                + "offline_replica_seconds=%d replica_seconds_diff_pct=%.2f within_5_pct=%b live_requests=%d%n",
                file.getFileName(), seconds, targetRps, coldStart, policy, live.servedShare(), playedServed,
                servedDiff, live.replicaSeconds(), playedReplicaSeconds, replicaDiff,
                Math.abs(servedDiff) <= 5 && Math.abs(replicaDiff) <= 5, live.requests());
        // The trace file's own per-second means, without the Poisson noise the gateway draws around them.
        double fileServed = Double.parseDouble(offline.get("served_share"));
        long fileReplicaSeconds = Long.parseLong(offline.get("replica_seconds"));
        System.out.printf(Locale.ROOT, "serving_trace_file trace=%s offline_served_share=%.4f served_diff_pct=%.2f "
                + "offline_replica_seconds=%d replica_seconds_diff_pct=%.2f offline_demand=%s%n",
                file.getFileName(), fileServed, 100 * (live.servedShare() - fileServed) / fileServed,
                fileReplicaSeconds, 100.0 * (live.replicaSeconds() - fileReplicaSeconds)
                        / Math.max(1, fileReplicaSeconds), offline.get("demand"));
    }

    /**
     * What the live system did over the played seconds: in all, and per second the replica pods that existed, those
     * ready, and the requests the gateway's samples counted.
     */
    record Live(long requests, long failed, long replicaSeconds, int[] pods, int[] ready, long[] perSecondRequests) {
        double servedShare() {
            return requests == 0 ? 1 : 1 - (double) failed / requests;
        }

        long requests(int second) {
            return second < perSecondRequests.length ? perSecondRequests[second] : 0;
        }
    }

    private static Live live(LocalStack stack, EventLog metrics, Trace trace, int seconds, double targetRps,
            int coldStart) throws Exception {
        String service = "serve-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        String models = stack.url("model-registry") + "/api/v1/models";
        // The replicas answer every request they take: what fails is what found no ready replica.
        RestClient.call("POST", models, "{\"name\":\"" + service + "\",\"queue\":\"default\"}", 201);
        RestClient.call("POST", models + "/" + service + "/versions", "{\"artifactUri\":\"s3://bench/" + service
                + "\",\"tags\":{\"sim.capstan.dev/error-rate\":\"0\"}}", 201);
        RestClient.call("PUT", models + "/" + service + "/aliases/production", "{\"version\":1}", 200);
        var kube = stack.cluster().client();
        long replicaSeconds = 0;
        int[] pods = new int[seconds];
        int[] ready = new int[seconds];
        Instant started;
        try (InferenceGateway gateway = new InferenceGateway(stack.kafka(), kube, stack.url("submission-service"),
                stack.url("model-registry"), service, targetRps, coldStart, 2000, InferenceGateway.traceDemand(trace),
                null)) {
            // As the offline replay's settings: 0 to 1,000 replicas, scale to zero after 30 s; and as there, the
            // autoscaler knows the service before its first second is played.
            gateway.maxReplicas(1000).announce();
            awaitTracked(stack.url("autoscaler-service") + "/api/v1/autoscaling/" + service);
            // Second t is the gateway's: its pods are counted as its window ends, as the offline replay counts the
            // replicas decided up to the start of that second (a decision on second t's sample comes after).
            started = gateway.play().firstWindowStart();
            for (int t = 0; t < seconds; t++) {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), started.plusSeconds(t + 1)).toMillis()));
                List<Pod> existing = kube.pods().inNamespace("capstan").withLabel(ServingReplica.SERVICE_LABEL,
                        service).list().getItems().stream().filter(ServingBenchmark::exists).toList();
                pods[t] = existing.size();
                ready[t] = (int) existing.stream().filter(ServingBenchmark::ready).count();
                replicaSeconds += existing.size();
                if ((t + 1) % 60 == 0) {
                    System.out.printf(Locale.ROOT, "live minute=%d replica_seconds=%d%n", (t + 1) / 60,
                            replicaSeconds);
                }
            }
        }
        Thread.sleep(2_000); // the last samples reach the broker
        List<InferenceMetricsEvent.RequestRateSample> samples = metrics.of(InferenceMetricsEvent.RequestRateSample.class)
                .stream().filter(s -> s.service().equals(service) && s.revision() == null).limit(seconds).toList();
        long requests = samples.stream().mapToLong(InferenceMetricsEvent.RequestRateSample::requests).sum();
        long failed = samples.stream().mapToLong(InferenceMetricsEvent.RequestRateSample::errors).sum();
        long[] perSecondRequests = samples.stream().mapToLong(InferenceMetricsEvent.RequestRateSample::requests)
                .toArray();
        return new Live(requests, failed, replicaSeconds, pods, ready, perSecondRequests);
    }

    /** Waits until the autoscaler has the service's settings (a 1,000-replica bound), at most a minute. */
    private static void awaitTracked(String url) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            try {
                JsonNode view = RestClient.fetch(url);
                if (view.path("settings").path("maxReplicas").asInt() == 1000) {
                    return;
                }
                last = view.path("settings").toString();
            } catch (IllegalStateException notTrackedYet) { // 404 until the settings reached the autoscaler
                last = notTrackedYet.getMessage();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the autoscaler did not learn the service's settings: " + last);
    }

    /** A replica pod that holds its GPU: created and not finished or being deleted. */
    static boolean exists(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return p.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    /** A replica pod whose readiness probe passes (the gateway routes to it). */
    static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static Map<String, String> offline(Path root, Path file, int seconds, double targetRps, int coldStart,
            String policy, Path perSecond) throws Exception {
        String cp = root.resolve("autoscaler-service/target/classes") + ":" + root.resolve(
                "trace-support/target/classes");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", cp, "dev.capstan.autoscaler.bench.ReplayOnce", file.toString(),
                Integer.toString(seconds), Double.toString(targetRps), Integer.toString(coldStart), "2", policy));
        if (perSecond != null) {
            command.add(perSecond.toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String line;
        Map<String, String> figures = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            while ((line = r.readLine()) != null) {
                for (String kv : line.trim().split(" ")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        figures.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
            }
        }
        if (p.waitFor() != 0 || !figures.containsKey("served_share")) {
            throw new IllegalStateException("the offline replay failed: " + figures);
        }
        return figures;
    }
}

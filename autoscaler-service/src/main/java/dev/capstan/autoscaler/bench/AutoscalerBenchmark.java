package dev.capstan.autoscaler.bench;

import dev.capstan.traces.Trace;
import dev.capstan.traces.TraceFiles;

import dev.capstan.autoscaler.domain.PolicyKind;
import dev.capstan.autoscaler.domain.ScalingPolicy;
import dev.capstan.autoscaler.domain.ScalingSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trace replay of the autoscaling policies side by side (see {@link ReplaySimulator} for the model).
 *
 * <pre>
 * java -cp autoscaler-service/target/classes dev.capstan.autoscaler.bench.AutoscalerBenchmark \
 *     --trace FILE [--trace FILE …] [--cold-start 5[,60]] [--target-rps 1.0] [--policies capstan,kpa,hpa]
 *     [--per-trace]
 * </pre>
 * A file with several services (the Azure Functions sample: one per function) prints one aggregate line per
 * policy (sums over the services; the burst percentile over all services' bursts) and, with
 * {@code --per-trace}, one line per service. The last lines compare capstan with kpa and hpa.
 */
public final class AutoscalerBenchmark {

    private AutoscalerBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Integer> coldStarts = new ArrayList<>(List.of(5));
        double targetRps = 1.0;
        List<PolicyKind> policies = List.of(PolicyKind.CAPSTAN, PolicyKind.KPA, PolicyKind.HPA);
        boolean perTrace = false;
        List<String> prices = List.of();
        List<Integer> queues = List.of(0);
        int timelineService = -1;
        int timelineBucket = 10;
        List<String> timelineFigures = List.of();
        int resamples = 0;
        int resampleSmooth = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trace" -> files.add(Path.of(args[++i]));
                case "--cold-start" -> coldStarts = Arrays.stream(args[++i].split(",")).map(String::trim)
                        .map(Integer::parseInt).toList();
                case "--target-rps" -> targetRps = Double.parseDouble(args[++i]);
                case "--policies" -> policies = Arrays.stream(args[++i].split(",")).map(PolicyKind::parse).toList();
                case "--per-trace" -> perTrace = true;
                case "--queue-s" -> queues = Arrays.stream(args[++i].split(",")).map(String::trim)
                        .map(Integer::parseInt).toList();
                case "--capstan-min-use" -> prices = Arrays.stream(args[++i].split(",")).map(String::trim).toList();
                case "--timeline" -> {
                    // SERVICE[:BUCKET_S]: the per-bucket story of one service instead of the totals
                    String[] v = args[++i].split(":");
                    timelineService = Integer.parseInt(v[0]);
                    timelineBucket = v.length > 1 ? Integer.parseInt(v[1]) : 10;
                }
                case "--resample" -> {
                    // N[:SMOOTH_S]: replay N Poisson realisations of each trace instead of the trace itself
                    String[] v = args[++i].split(":");
                    resamples = Integer.parseInt(v[0]);
                    resampleSmooth = v.length > 1 ? Integer.parseInt(v[1]) : resampleSmooth;
                }
                case "--timeline-figures" -> timelineFigures = Arrays.stream(args[++i].split(",")).map(String::trim)
                        .toList();
                default -> {
                    System.err.println("unknown argument " + args[i]);
                    System.err.println("usage: --trace FILE [--trace FILE …] [--cold-start 5,60] [--target-rps 1.0]"
                            + " [--policies capstan,kpa,hpa] [--per-trace] [--queue-s 0,2] [--capstan-min-use 0.05,0.1/0.025,0.2]"
                            + " [--timeline SERVICE[:BUCKET_S]] [--timeline-figures FIGURE,FIGURE]"
                            + " [--resample N[:SMOOTH_S]]");
                    System.exit(2);
                }
            }
        }
        if (files.isEmpty()) {
            System.err.println("at least one --trace FILE is needed");
            System.exit(2);
        }
        if (timelineService >= 0 && resamples > 0) {
            System.err.println("--timeline replays the trace itself; it does not take --resample");
            System.exit(2);
        }
        if (timelineService >= 0) {
            for (Path file : files) {
                Trace trace = TraceFiles.read(file).get(timelineService);
                for (int queue : queues) {
                    for (int cold : coldStarts) {
                        timeline(trace, policies, targetRps, cold, queue, timelineBucket, timelineFigures);
                    }
                }
            }
            return;
        }
        for (Path file : files) {
            List<Trace> traces = TraceFiles.read(file);
            String name = file.getFileName().toString();
            if (resamples > 0) {
                traces = Resampler.resampleAll(traces, resamples, resampleSmooth);
                name = name + "~poisson" + resamples + "x" + resampleSmooth + "s";
            }
            for (int queue : queues) {
                for (int cold : coldStarts) {
                    Map<PolicyKind, Totals> totals = new LinkedHashMap<>();
                    for (PolicyKind kind : policies) {
                        Totals sum = replayAll(traces, targetRps, cold, queue, t -> kind.create(),
                                perTrace ? kind.wire() : null);
                        totals.put(kind, sum);
                        System.out.println(line(kind.wire(), name, cold, queue, targetRps, sum, traces.size()));
                    }
                    Totals capstan = totals.get(PolicyKind.CAPSTAN);
                    if (capstan != null) {
                        compare("capstan", capstan, totals, name, cold, queue);
                    }
                    // The trade-off curve: capstan at other prices (share of capacity a replica must serve).
                    for (String price : prices) {
                        // PRICE or PRICE/LAST_REPLICA_PRICE
                        String[] p = price.split("/");
                        double minUse = Double.parseDouble(p[0]);
                        Totals sum = replayAll(traces, targetRps, cold, queue, t -> p.length > 1
                                ? PolicyKind.capstan(minUse, Double.parseDouble(p[1])) : PolicyKind.capstan(minUse),
                                null);
                        String label = "capstan@" + price;
                        System.out.println(line(label, name, cold, queue, targetRps, sum, traces.size()));
                        compare(label, sum, totals, name, cold, queue);
                    }
                }
            }
        }
    }

    /**
     * Replays every trace with a fresh policy each and sums the results; with {@code perTraceLabel}, also prints
     * one line per trace (for files with several services).
     */
    static Totals replayAll(List<Trace> traces, double targetRps, int cold, int queue,
            java.util.function.Function<Trace, ScalingPolicy> policy, String perTraceLabel) {
        Totals sum = new Totals();
        for (Trace trace : traces) {
            ScalingSettings settings = ReplaySimulator.settings(trace.name(), targetRps, cold, queue);
            ReplaySimulator.Result r = ReplaySimulator.replay(trace, settings, policy.apply(trace));
            sum.add(r);
            if (perTraceLabel != null && traces.size() > 1) {
                System.out.println(line(perTraceLabel, trace.name(), cold, queue, targetRps, Totals.of(r), 1));
            }
        }
        return sum;
    }

    /**
     * One service's story, bucket by bucket: demand, then per policy the demand it lost, its mean replica count
     * and the reason of its last decision in the bucket, then the named {@code figures} of the first policy's last
     * decision in the bucket. For reading why a policy lost or spent what it did.
     */
    private static void timeline(Trace trace, List<PolicyKind> policies, double targetRps, int cold, int queue,
            int bucket, List<String> figures) {
        int buckets = (trace.requestsPerSec().length + bucket - 1) / bucket;
        double[] demand = new double[buckets];
        double[][] lost = new double[policies.size()][buckets];
        double[][] replicaSeconds = new double[policies.size()][buckets];
        String[][] reason = new String[policies.size()][buckets];
        List<Map<String, Double>> figuresOf = new ArrayList<>(java.util.Collections.nCopies(buckets, null));
        for (int p = 0; p < policies.size(); p++) {
            final int pi = p;
            ScalingSettings settings = ReplaySimulator.settings(trace.name(), targetRps, cold, queue);
            ReplaySimulator.replay(trace, settings, policies.get(p).create(), queue, sec -> {
                int b = sec.t() / bucket;
                if (pi == 0) {
                    demand[b] += sec.demand();
                }
                lost[pi][b] += sec.dropped();
                replicaSeconds[pi][b] += sec.replicas();
                reason[pi][b] = sec.lastDecision() == null ? "-" : sec.lastDecision().reason().wire();
                if (pi == 0 && sec.lastDecision() != null) {
                    figuresOf.set(b, sec.lastDecision().figures());
                }
            });
        }
        System.out.printf(Locale.ROOT, "# timeline trace=%s cold_start_s=%d queue_s=%d target_rps=%s bucket_s=%d"
                + " (per policy: lost requests / mean replicas / last reason)%n", trace.name(), cold, queue,
                trimmed(targetRps), bucket);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%8s %8s", "t_s", "demand"));
        for (PolicyKind k : policies) {
            head.append(String.format(Locale.ROOT, " | %-28s", k.wire()));
        }
        for (String name : figures) {
            head.append(' ').append(name);
        }
        System.out.println(head);
        for (int b = 0; b < buckets; b++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%8d %8.0f", b * bucket, demand[b]));
            for (int p = 0; p < policies.size(); p++) {
                row.append(String.format(Locale.ROOT, " | %6.0f %7.1f %-13s", lost[p][b],
                        replicaSeconds[p][b] / bucket, reason[p][b]));
            }
            for (String name : figures) {
                Double v = figuresOf.get(b) == null ? null : figuresOf.get(b).get(name);
                row.append(' ').append(v == null ? "-" : String.format(Locale.ROOT, "%.4g", v));
            }
            System.out.println(row);
        }
    }

    /** How {@code label}'s totals compare with KPA's and HPA's (served points, replica-seconds ratio). */
    private static void compare(String label, Totals sum, Map<PolicyKind, Totals> totals, String trace, int cold,
            int queue) {
        for (PolicyKind other : List.of(PolicyKind.KPA, PolicyKind.HPA)) {
            Totals o = totals.get(other);
            if (o != null) {
                System.out.printf(Locale.ROOT, "compare=%s_vs_%s trace=%s cold_start_s=%d queue_s=%d"
                                + " served_pct_delta=%+.3f replica_seconds_ratio=%.3f%n", label, other.wire(), trace,
                        cold, queue, sum.servedPct() - o.servedPct(),
                        (double) sum.replicaSeconds / Math.max(1, o.replicaSeconds));
            }
        }
    }

    private static String line(String policy, String trace, int cold, int queue, double target, Totals t,
            int services) {
        return String.format(Locale.ROOT,
                "policy=%s trace=%s cold_start_s=%d queue_s=%d target_rps=%s services=%d served_pct=%.3f replica_seconds=%d"
                        + " scale_events=%d p99_unserved_burst_s=%d demand=%.0f unserved=%.0f",
                policy, trace, cold, queue, trimmed(target), services, t.servedPct(), t.replicaSeconds, t.events,
                t.p99Burst(), t.demand, t.demand - t.served);
    }

    private static String trimmed(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** Sums over services. */
    static final class Totals {
        double demand;
        double served;
        long replicaSeconds;
        long events;
        final List<Integer> bursts = new ArrayList<>();

        static Totals of(ReplaySimulator.Result r) {
            Totals t = new Totals();
            t.add(r);
            return t;
        }

        void add(ReplaySimulator.Result r) {
            demand += r.demand();
            served += r.served();
            replicaSeconds += r.replicaSeconds();
            events += r.scaleEvents();
            bursts.addAll(r.bursts());
        }

        double servedPct() {
            return demand == 0 ? 100.0 : 100.0 * served / demand;
        }

        /** Nearest-rank 99th percentile of burst lengths; 0 when nothing went unserved. */
        int p99Burst() {
            if (bursts.isEmpty()) {
                return 0;
            }
            int[] b = bursts.stream().mapToInt(Integer::intValue).sorted().toArray();
            return b[(int) Math.ceil(0.99 * b.length) - 1];
        }
    }
}

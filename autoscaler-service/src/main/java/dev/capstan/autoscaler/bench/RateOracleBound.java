package dev.capstan.autoscaler.bench;

import dev.capstan.traces.Trace;
import dev.capstan.traces.TraceFiles;

import dev.capstan.autoscaler.domain.PolicyInput;
import dev.capstan.autoscaler.domain.PolicyKind;
import dev.capstan.autoscaler.domain.Proposal;
import dev.capstan.autoscaler.domain.Reason;
import dev.capstan.autoscaler.domain.ScalingPolicy;
import dev.capstan.autoscaler.bench.AutoscalerBenchmark.Totals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * How well could any autoscaler do on a smooth trace? A bound from a clairvoyant policy that knows the trace's
 * <i>rate</i> at every future second (not its arrivals), replayed on Poisson realisations of the trace
 * ({@link Resampler}; {@code --resample 0}: on the trace itself), next to KPA on the same realisations.
 *
 * <p>The oracle asks, a cold start plus a tick ahead, for the replicas that rate needs with headroom: square-root
 * headroom {@code λ + β·√λ} (the staffing rule of Halfin and Whitt, 1981) or proportional headroom {@code λ·(1 + a)}.
 * No causal policy knows the rate ahead: where even the oracle serves KPA's share only at about 0.9 × KPA's
 * replica-seconds, a policy that has to estimate the rate (and meets its changes late) cannot be expected to. It is
 * a bound for count rules of these two shapes, not a proof for every policy: one that reacts to the arrivals
 * themselves is not covered, though with a cold start longer than the gateway's queue bound reacting to noise comes
 * too late.
 *
 * <pre>
 *   --trace FILE --resample N[:SMOOTH_S] [--cold-start 5,60] [--queue-s 2] [--beta 0,0.5,1] [--headroom 0.2,0.43]
 * </pre>
 */
public final class RateOracleBound {

    private RateOracleBound() {
    }

    public static void main(String[] args) throws Exception {
        Path file = null;
        int resamples = 20;
        int smooth = 60;
        List<Integer> colds = List.of(5, 60);
        int queue = 2;
        List<Double> betas = List.of(0.0, 0.5, 1.0, 1.5, 2.0);
        List<Double> headrooms = List.of(0.1, 0.2, 0.3, 0.43);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trace" -> file = Path.of(args[++i]);
                case "--resample" -> {
                    String[] v = args[++i].split(":");
                    resamples = Integer.parseInt(v[0]);
                    smooth = v.length > 1 ? Integer.parseInt(v[1]) : smooth;
                }
                case "--cold-start" -> colds = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--queue-s" -> queue = Integer.parseInt(args[++i]);
                case "--beta" -> betas = Arrays.stream(args[++i].split(",")).map(Double::parseDouble).toList();
                case "--headroom" -> headrooms = Arrays.stream(args[++i].split(",")).map(Double::parseDouble).toList();
                default -> {
                    System.err.println("usage: --trace FILE --resample N[:SMOOTH_S] [--cold-start 5,60] [--queue-s 2]"
                            + " [--beta 0,0.5,1] [--headroom 0.2,0.43]");
                    System.exit(2);
                }
            }
        }
        if (file == null) {
            System.err.println("--trace FILE is needed");
            System.exit(2);
        }
        // --resample 0: the trace's own arrivals, with its smoothed rate as what the oracle knows
        List<Trace> traces = new ArrayList<>();
        Map<Trace, double[]> rateOf = new IdentityHashMap<>();
        for (Trace t : TraceFiles.read(file)) {
            double[] rate = Resampler.smoothed(t.requestsPerSec(), smooth);
            for (Trace drawn : resamples > 0 ? Resampler.resample(t, resamples, smooth) : List.of(t)) {
                traces.add(drawn);
                rateOf.put(drawn, rate);
            }
        }
        String name = file.getFileName() + (resamples > 0 ? "~poisson" + resamples + "x" + smooth + "s" : "");
        for (int cold : colds) {
            Totals kpa = AutoscalerBenchmark.replayAll(traces, 1.0, cold, queue, t -> PolicyKind.KPA.create(), null);
            report(name, cold, queue, "kpa", kpa, kpa);
            for (double beta : betas) {
                Totals r = AutoscalerBenchmark.replayAll(traces, 1.0, cold, queue,
                        t -> new Oracle(rateOf.get(t), cold, l -> l + beta * Math.sqrt(l)), null);
                report(name, cold, queue, "oracle_sqrt_beta=" + beta, r, kpa);
            }
            for (double a : headrooms) {
                Totals r = AutoscalerBenchmark.replayAll(traces, 1.0, cold, queue,
                        t -> new Oracle(rateOf.get(t), cold, l -> l * (1 + a)), null);
                report(name, cold, queue, "oracle_prop_headroom=" + a, r, kpa);
            }
        }
    }

    private static void report(String trace, int cold, int queue, String policy, Totals r, Totals kpa) {
        double lost = r.demand - r.served;
        System.out.printf(Locale.ROOT, "policy=%s trace=%s cold_start_s=%d queue_s=%d lost=%.0f replica_seconds=%d"
                        + " lost_vs_kpa=%+.0f replica_seconds_ratio=%.3f%n", policy, trace, cold, queue, lost,
                r.replicaSeconds, lost - (kpa.demand - kpa.served), (double) r.replicaSeconds / kpa.replicaSeconds);
    }

    /**
     * Knows the rate at every second; asks for the replicas that {@code need} (requests per second to provide for,
     * from the rate) takes until the replicas it could add now are ready.
     */
    static final class Oracle implements ScalingPolicy {
        private static final Duration TICK = Duration.ofSeconds(2);
        private final double[] rate;
        private final int horizon;
        private final DoubleUnaryOperator need;

        Oracle(double[] rate, int coldSeconds, DoubleUnaryOperator need) {
            this.rate = rate;
            this.horizon = coldSeconds + (int) TICK.toSeconds();
            this.need = need;
        }

        @Override
        public String name() {
            return "oracle";
        }

        @Override
        public Duration tickInterval() {
            return TICK;
        }

        @Override
        public Duration history() {
            return Duration.ofMinutes(1);
        }

        @Override
        public Proposal propose(PolicyInput in) {
            int now = (int) (in.nowMillis() / 1000);
            double worst = 0;
            // Replicas added now serve from a cold start on; replicas removed now are gone at once: the count must
            // cover every second until the next decision's replicas can be ready.
            for (int t = now; t <= now + horizon; t++) {
                if (t >= 0 && t < rate.length) {
                    worst = Math.max(worst, need.applyAsDouble(rate[t]));
                }
            }
            int r = (int) Math.ceil(worst / in.settings().targetRpsPerReplica() - 1e-9);
            return new Proposal(r, Reason.STABLE, Map.of());
        }
    }
}

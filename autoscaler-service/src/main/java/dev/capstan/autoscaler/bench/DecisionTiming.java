package dev.capstan.autoscaler.bench;

import dev.capstan.autoscaler.domain.PolicyKind;
import dev.capstan.autoscaler.domain.ScalingSettings;
import dev.capstan.traces.Trace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How much the moment of a decision alone moves the replica-seconds of the capstan policy:
 * {@code DecisionTiming FILE SECONDS DRAWS [TARGET_RPS] [COLD_START_S]}. The file's busiest trace (its first
 * {@code SECONDS}, looped) is drawn {@code DRAWS} times as Poisson arrivals per second (as the local stack's gateway
 * plays it), and each draw is replayed five ways by {@link ReplaySimulator} (its queued model, the gateway's 2 s
 * queue; the ways are its {@link ReplaySimulator.Timing}s): as the offline replay decides (every 2 s, at the end of a tick's last sample), with the newest sample
 * not yet seen (a wall-clock tick that fires before it arrives), on the odd seconds instead of the even ones, with
 * new replicas a second late, and with new and released replicas a second late. Prints each variant's difference
 * in replica-seconds from the first: mean, least, most, and how many draws differ by more than 5 %. This is what
 * made the live autoscaler decide on the data's clock ({@code DecisionClock}).
 */
public final class DecisionTiming {

    private DecisionTiming() {
    }

    /** A way of timing compared with the offline replay's own. */
    record Variant(String name, ReplaySimulator.Timing timing) {
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("newest-sample-unseen", new ReplaySimulator.Timing(true, 0, 0, 0)),
            new Variant("odd-seconds", new ReplaySimulator.Timing(false, 1, 0, 0)),
            new Variant("replicas-1s-late", new ReplaySimulator.Timing(false, 0, 1, 0)),
            new Variant("replicas-and-releases-1s-late", new ReplaySimulator.Timing(false, 0, 1, 1)));

    /** Replica-seconds of the capstan policy on {@code demand}, with the gateway's 2 s queue, timed so. */
    static long replicaSeconds(double[] demand, ScalingSettings settings, ReplaySimulator.Timing timing) {
        return ReplaySimulator.replay(new Trace("draw", demand), settings, PolicyKind.CAPSTAN.create(),
                (int) settings.queueTimeout().toSeconds(), timing, null).replicaSeconds();
    }

    public static void main(String[] args) throws Exception {
        Trace busiest = ReplayOnce.trace(Path.of(args[0]));
        int seconds = Integer.parseInt(args[1]);
        int draws = Integer.parseInt(args[2]);
        double targetRps = args.length > 3 ? Double.parseDouble(args[3]) : 2;
        int coldStart = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        ScalingSettings settings = ReplaySimulator.settings(busiest.name(), targetRps, coldStart, 2);
        double[][] diffs = new double[VARIANTS.size()][draws];
        for (int d = 0; d < draws; d++) {
            Random random = new Random(d);
            double[] demand = new double[seconds];
            for (int t = 0; t < seconds; t++) {
                demand[t] = poisson(busiest.requestsPerSec()[t % busiest.requestsPerSec().length], random);
            }
            long base = replicaSeconds(demand, settings, ReplaySimulator.Timing.OFFLINE);
            for (int k = 0; k < VARIANTS.size(); k++) {
                diffs[k][d] = 100.0 * (replicaSeconds(demand, settings, VARIANTS.get(k).timing()) - base)
                        / Math.max(1, base);
            }
        }
        for (int k = 0; k < VARIANTS.size(); k++) {
            double[] x = diffs[k];
            System.out.printf(Locale.ROOT, "timing variant=%s draws=%d seconds=%d replica_seconds_diff_pct_mean=%.2f "
                    + "min=%.1f max=%.1f beyond_5pct=%d%n", VARIANTS.get(k).name(), draws, seconds,
                    Arrays.stream(x).average().orElse(0), Arrays.stream(x).min().orElse(0),
                    Arrays.stream(x).max().orElse(0), Arrays.stream(x).filter(y -> Math.abs(y) > 5).count());
        }
    }

    /** Poisson draw by multiplication (small means: the gateway's per-second rates). */
    static int poisson(double mean, Random random) {
        double limit = Math.exp(-mean);
        double p = random.nextDouble();
        int n = 0;
        while (p > limit) {
            n++;
            p *= random.nextDouble();
        }
        return n;
    }
}

package dev.capstan.autoscaler.bench;

import dev.capstan.autoscaler.domain.PolicyKind;
import dev.capstan.autoscaler.domain.RateSample;
import dev.capstan.autoscaler.domain.ScalingSettings;
import dev.capstan.autoscaler.domain.ServiceAutoscaler;
import dev.capstan.traces.Trace;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How much the moment of a decision alone moves the replica-seconds of the capstan policy:
 * {@code DecisionTiming FILE SECONDS DRAWS [TARGET_RPS] [COLD_START_S]}. The file's busiest trace (its first
 * {@code SECONDS}, looped) is drawn {@code DRAWS} times as Poisson arrivals per second (as the local stack's gateway
 * plays it), and each draw is replayed five ways with the queued model of {@link ReplaySimulator} (the gateway's
 * 2 s queue): as the offline replay decides (every 2 s, at the end of a tick's last sample), with the newest sample
 * not yet seen (a wall-clock tick that fires before it arrives), on the odd seconds instead of the even ones, with
 * new replicas a second late, and with new and released replicas a second late. Prints each variant's difference
 * in replica-seconds from the first: mean, least, most, and how many draws differ by more than 5 %. This is what
 * made the live autoscaler decide on the data's clock ({@code DecisionClock}).
 */
public final class DecisionTiming {

    private DecisionTiming() {
    }

    /** One way of timing: newest sample withheld, tick offset (s), delay of new and of released replicas (s). */
    record Variant(String name, boolean withheld, int offset, int upDelay, int downDelay) {
    }

    static final List<Variant> VARIANTS = List.of(new Variant("newest-sample-unseen", true, 0, 0, 0),
            new Variant("odd-seconds", false, 1, 0, 0), new Variant("replicas-1s-late", false, 0, 1, 0),
            new Variant("replicas-and-releases-1s-late", false, 0, 1, 1));

    /** Replica-seconds of one replay of {@code demand} timed as {@code v}. */
    static long replicaSeconds(double[] demand, ScalingSettings settings, Variant v) {
        ServiceAutoscaler autoscaler = new ServiceAutoscaler(settings, PolicyKind.CAPSTAN.create(),
                ServiceAutoscaler.DEFAULT_STALE_AFTER, ServiceAutoscaler.DEFAULT_HOLD_FOR);
        int tick = (int) autoscaler.policy().tickInterval().toSeconds();
        int cold = (int) settings.coldStart().toSeconds();
        int queue = (int) settings.queueTimeout().toSeconds();
        double capacity = settings.targetRpsPerReplica();
        double[] waiting = new double[queue + 1];
        List<int[]> replicas = new ArrayList<>(); // {exists from, ready from, gone from}
        long replicaSeconds = 0;
        for (int t = 0; t < demand.length; t++) {
            int ready = 0;
            for (int[] r : replicas) {
                if (r[0] <= t && t < r[2]) {
                    replicaSeconds++;
                    ready += r[1] <= t ? 1 : 0;
                }
            }
            double free = ready * capacity;
            waiting[t % waiting.length] = demand[t]; // what waited the whole queue timeout is dropped
            for (int age = queue; age >= 0 && free > 0; age--) {
                int k = Math.floorMod(t - age, waiting.length);
                double served = Math.min(free, waiting[k]);
                waiting[k] -= served;
                free -= served;
            }
            RateSample sample = new RateSample(Instant.ofEpochSecond(t), 1.0, demand[t], 0);
            if (!v.withheld()) {
                autoscaler.observe(sample);
            }
            int next = t + 1;
            if ((next + v.offset()) % tick == 0) {
                List<int[]> alive = new ArrayList<>(replicas.stream().filter(r -> r[2] > next).toList());
                int readyNext = (int) alive.stream().filter(r -> r[1] <= next).count();
                int desired = autoscaler.decide(Instant.ofEpochSecond(next), alive.size(), readyNext)
                        .desiredReplicas();
                while (alive.size() < desired) {
                    int[] r = {next + v.upDelay(), next + v.upDelay() + cold, Integer.MAX_VALUE};
                    replicas.add(r);
                    alive.add(r);
                }
                for (int i = alive.size() - 1; i >= desired; i--) {
                    alive.get(i)[2] = next + v.downDelay(); // the youngest go first
                }
            }
            if (v.withheld()) {
                autoscaler.observe(sample); // arrives after the decision
            }
        }
        return replicaSeconds;
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
            long base = replicaSeconds(demand, settings, new Variant("offline", false, 0, 0, 0));
            for (int k = 0; k < VARIANTS.size(); k++) {
                diffs[k][d] = 100.0 * (replicaSeconds(demand, settings, VARIANTS.get(k)) - base) / Math.max(1, base);
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

package dev.capstan.autoscaler.bench;

import dev.capstan.traces.Trace;

import dev.capstan.autoscaler.domain.ScalingPolicy;
import dev.capstan.autoscaler.domain.RateSample;
import dev.capstan.autoscaler.domain.ScaleDecision;
import dev.capstan.autoscaler.domain.ScalingSettings;
import dev.capstan.autoscaler.domain.ServiceAutoscaler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays one trace against one policy in simulated time, one step per trace second.
 *
 * <p>Model (the same for every policy):
 * <ol>
 *   <li>The gateway reports one 1 s sample per second (requests that arrived in that second).</li>
 *   <li>The policy decides at its own tick (2 s KPA/capstan, 15 s HPA) from the samples so far; a decision
 *       takes effect at once: new replicas start and become ready {@code coldStart} seconds later; removed
 *       replicas go at once, youngest (still starting) first.</li>
 *   <li>In each second, ready replicas serve up to {@code capacity} requests each; demand above that is
 *       <b>dropped</b>: it counts as unserved (drop model, queue bound 0). With a queue bound of B seconds it
 *       waits instead, oldest first, and is served if it starts within B seconds of its arrival second;
 *       otherwise it is dropped then (queued model).</li>
 *   <li>A replica costs a replica-second for every second it exists, starting or ready (a loading model holds
 *       its GPU).</li>
 *   <li>An unserved burst is a run of consecutive seconds in which demand is dropped; its length in seconds is
 *       what {@code p99_unserved_burst_s} summarises.</li>
 * </ol>
 * A {@link Timing} other than {@link Timing#OFFLINE} skews when decisions see their data and take effect, as a live
 * system may ({@link DecisionTiming} measures what that alone moves).
 */
final class ReplaySimulator {

    private ReplaySimulator() {
    }

    /** What one replay measured. */
    record Result(double demand, double served, long replicaSeconds, long scaleEvents, List<Integer> bursts) {
    }

    static Result replay(Trace trace, ScalingSettings settings, ScalingPolicy policy) {
        return replay(trace, settings, policy, (int) settings.queueTimeout().toSeconds());
    }

    /**
     * Replays with a queue: demand that finds no free capacity waits, oldest first, and is served if it starts
     * within {@code queueBoundSeconds} seconds of its arrival second; older waiting demand is dropped. A bound
     * of 0 is the drop model.
     */
    static Result replay(Trace trace, ScalingSettings settings, ScalingPolicy policy, int queueBoundSeconds) {
        return replay(trace, settings, policy, queueBoundSeconds, null);
    }

    /**
     * When decisions see their data and take effect. The offline replay's own: each tick decides on every sample up
     * to it, on the even seconds, and its replicas exist and leave at once.
     *
     * @param newestUnseen the sample of the second before a tick arrives after the tick's decision
     * @param tickOffset   seconds the ticks fall later on the grid ({@code (t + 1 + offset) mod tick = 0})
     * @param upDelay      seconds from a decision to its new replicas existing (their cold start begins then)
     * @param downDelay    seconds a released replica still exists (and costs) after the decision; one released
     *                     before it existed costs nothing
     */
    record Timing(boolean newestUnseen, int tickOffset, int upDelay, int downDelay) {
        static final Timing OFFLINE = new Timing(false, 0, 0, 0);

        Timing {
            if (tickOffset < 0 || upDelay < 0 || downDelay < 0) {
                throw new IllegalArgumentException("offsets and delays must be >= 0");
            }
        }
    }

    /** One simulated second, for a timeline: what arrived, what was dropped, replicas and the last decision. */
    record Second(int t, double demand, double dropped, int replicas, int ready, ScaleDecision lastDecision) {
    }

    /** As {@link #replay(Trace, ScalingSettings, ScalingPolicy, int)}, reporting every second to {@code seconds}. */
    static Result replay(Trace trace, ScalingSettings settings, ScalingPolicy policy, int queueBoundSeconds,
            java.util.function.Consumer<Second> seconds) {
        return replay(trace, settings, policy, queueBoundSeconds, Timing.OFFLINE, seconds);
    }

    /** As {@link #replay(Trace, ScalingSettings, ScalingPolicy, int, java.util.function.Consumer)}, timed so. */
    static Result replay(Trace trace, ScalingSettings settings, ScalingPolicy policy, int queueBoundSeconds,
            Timing timing, java.util.function.Consumer<Second> seconds) {
        if (queueBoundSeconds < 0) {
            throw new IllegalArgumentException("queue bound must be >= 0, got " + queueBoundSeconds);
        }
        // waiting[(t - a) mod (B + 1)]: demand that arrived at second t - a and is still waiting (a = 0..B).
        double[] waiting = new double[queueBoundSeconds + 1];
        ServiceAutoscaler autoscaler = new ServiceAutoscaler(settings, policy, ServiceAutoscaler.DEFAULT_STALE_AFTER,
                ServiceAutoscaler.DEFAULT_HOLD_FOR);
        int tick = (int) autoscaler.policy().tickInterval().toSeconds();
        int cold = (int) settings.coldStart().toSeconds();
        double capacity = settings.targetRpsPerReplica();
        double[] demand = trace.requestsPerSec();
        // readyAt[i] and existsAt[i] for replica i, in start order; replicas are added at the end and removed from
        // the end. Both are non-decreasing: replicas [0, readyCount) are ready, [0, existing) exist.
        int[] readyAt = new int[16];
        int[] existsAt = new int[16];
        int replicas = 0;
        int readyCount = 0;
        int existing = 0;
        // leaving[s mod (downDelay + 1)]: released replicas that still exist until second s.
        int[] leaving = new int[timing.downDelay() + 1];
        int leavingCount = 0;

        double totalDemand = 0;
        double served = 0;
        long replicaSeconds = 0;
        long events = 0;
        List<Integer> bursts = new ArrayList<>();
        int burst = 0;
        ScaleDecision last = null;
        for (int t = 0; t < demand.length; t++) {
            while (readyCount < replicas && readyAt[readyCount] <= t) {
                readyCount++;
            }
            while (existing < replicas && existsAt[existing] <= t) {
                existing++;
            }
            leavingCount -= leaving[t % leaving.length];
            leaving[t % leaving.length] = 0;
            double d = demand[t];
            totalDemand += d;
            double free = readyCount * capacity;
            double dropped = 0;
            int slot = t % waiting.length;
            // Demand that has waited B seconds and found no capacity last second is dropped now.
            dropped += waiting[slot];
            waiting[slot] = d;
            // Serve waiting demand oldest first: ages B..0 (slot of age a is (t - a) mod (B + 1)).
            for (int a = queueBoundSeconds; a >= 0 && free > 0; a--) {
                int k = Math.floorMod(t - a, waiting.length);
                double s = Math.min(free, waiting[k]);
                waiting[k] -= s;
                free -= s;
                served += s;
            }
            if (queueBoundSeconds == 0) {
                dropped += waiting[slot];
                waiting[slot] = 0;
            }
            if (dropped > 1e-9) {
                burst++;
            } else if (burst > 0) {
                bursts.add(burst);
                burst = 0;
            }
            int costing = existing + leavingCount;
            replicaSeconds += costing;
            if (seconds != null) {
                seconds.accept(new Second(t, d, dropped, costing, readyCount, last));
            }
            RateSample sample = new RateSample(Instant.ofEpochSecond(t), 1.0, d, 0);
            if (!timing.newestUnseen()) {
                autoscaler.observe(sample);
            }
            if ((t + 1 + timing.tickOffset()) % tick == 0) {
                int next = t + 1;
                int readyNext = readyCount;
                while (readyNext < replicas && readyAt[readyNext] <= next) {
                    readyNext++;
                }
                ScaleDecision decision = autoscaler.decide(Instant.ofEpochSecond(next), replicas, readyNext);
                last = decision;
                int desired = decision.desiredReplicas();
                if (desired != replicas) {
                    events++;
                }
                while (replicas < desired) {
                    if (replicas == readyAt.length) {
                        readyAt = java.util.Arrays.copyOf(readyAt, replicas * 2);
                        existsAt = java.util.Arrays.copyOf(existsAt, replicas * 2);
                    }
                    existsAt[replicas] = next + timing.upDelay();
                    readyAt[replicas++] = next + timing.upDelay() + cold;
                }
                if (desired < replicas) {
                    int released = Math.min(existing, replicas) - Math.min(existing, desired); // those that existed
                    if (timing.downDelay() > 0 && released > 0) {
                        leaving[(next + timing.downDelay()) % leaving.length] += released;
                        leavingCount += released;
                    }
                    replicas = desired;
                    readyCount = Math.min(readyCount, replicas);
                    existing = Math.min(existing, replicas);
                }
            }
            if (timing.newestUnseen()) {
                autoscaler.observe(sample); // it arrives after the decision
            }
        }
        if (burst > 0) {
            bursts.add(burst);
        }
        // Demand still waiting at the end of the trace is neither served nor counted as dropped: served share is
        // served / demand, so it counts as unserved.
        return new Result(totalDemand, served, replicaSeconds, events, bursts);
    }

    /** Settings of the benchmark: KPA defaults, scale to zero on, bounds 0..1000. */
    static ScalingSettings settings(String service, double targetRps, int coldStartSeconds, int queueSeconds) {
        return ScalingSettings.of(service, targetRps, 0, 1000, Duration.ofSeconds(coldStartSeconds))
                .withQueueTimeout(Duration.ofSeconds(queueSeconds));
    }
}

package dev.capstan.events;

import java.util.List;

/**
 * How a new revision of an inference service replaces the stable one: replicas surged at most {@code maxSurge}
 * above the desired count, traffic moved to it in canary steps, each step judged over an analysis window against
 * the stable revision. In a request, fields left out take their defaults (in a change, their current values);
 * published settings hold every field.
 *
 * @param maxSurge              extra replicas allowed during a rollout (≥ 1)
 * @param canarySteps           the new revision's traffic share per step, in percent, increasing, the last 100
 * @param analysisWindowSeconds how long each step is observed before it is judged
 * @param minRequests           requests the new revision must have served in a window before it can be judged
 * @param maxErrorRateIncrease  how many percentage points the new revision's error rate may exceed the stable one's
 * @param maxLatencyRatio       how many times the stable revision's p99 latency the new one's may reach
 */
public record RolloutPolicy(Integer maxSurge, List<Integer> canarySteps, Integer analysisWindowSeconds,
        Integer minRequests, Double maxErrorRateIncrease, Double maxLatencyRatio) {
    public RolloutPolicy {
        canarySteps = canarySteps == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(
                canarySteps));
    }

    /** Every field this policy leaves out (null) taken from {@code other}. */
    public RolloutPolicy or(RolloutPolicy other) {
        return new RolloutPolicy(maxSurge != null ? maxSurge : other.maxSurge,
                canarySteps != null ? canarySteps : other.canarySteps,
                analysisWindowSeconds != null ? analysisWindowSeconds : other.analysisWindowSeconds,
                minRequests != null ? minRequests : other.minRequests,
                maxErrorRateIncrease != null ? maxErrorRateIncrease : other.maxErrorRateIncrease,
                maxLatencyRatio != null ? maxLatencyRatio : other.maxLatencyRatio);
    }

    /** 10 % → 50 % → 100 %, 30 s windows of at least 100 requests, +1 point of errors, 1.5 × p99. */
    public static RolloutPolicy defaults() {
        return new RolloutPolicy(1, List.of(10, 50, 100), 30, 100, 1.0, 1.5);
    }
}

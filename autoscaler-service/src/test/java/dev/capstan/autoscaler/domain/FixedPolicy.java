package dev.capstan.autoscaler.domain;

import java.time.Duration;
import java.util.Map;

/** Test fixture: a policy that always wants the same count, to test the engine and the replay on their own. */
public record FixedPolicy(int replicas) implements ScalingPolicy {
    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public Duration tickInterval() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration history() {
        return Duration.ZERO;
    }

    @Override
    public Proposal propose(PolicyInput in) {
        return new Proposal(replicas, Reason.STABLE, Map.of());
    }
}

package dev.capstan.autoscaler.domain;

import java.time.Instant;
import java.util.Map;

/**
 * One autoscaling decision: how many replicas a service should have, why, and the numbers behind it.
 *
 * @param figures named inputs of the decision (window rates, forecast, idle time …), for operators
 */
public record ScaleDecision(String service, String policy, int currentReplicas, int desiredReplicas, Reason reason,
        Map<String, Double> figures, Instant decidedAt) {

    public ScaleDecision {
        figures = Map.copyOf(figures);
    }

    /** Whether this decision changes the replica count. */
    public boolean changes() {
        return desiredReplicas != currentReplicas;
    }
}

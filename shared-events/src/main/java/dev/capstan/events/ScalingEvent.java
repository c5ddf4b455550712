package dev.capstan.events;

import java.time.Instant;
import java.util.Map;

/** Replica decisions on {@code capstan.scaling}; produced by autoscaler-service; key = service. */
public sealed interface ScalingEvent extends CapstanEvent {

    String service();

    @Override
    default String subject() {
        return service();
    }

    /**
     * How many replicas a service should have, and why.
     *
     * @param reason  stable, panic, to-zero, from-zero, bound, hold …
     * @param figures the numbers behind the decision (observed rate, forecast, window values …)
     */
    record ScaleDecided(String service, int currentReplicas, int desiredReplicas, String reason, String policy,
            Map<String, Double> figures, Instant decidedAt) implements ScalingEvent {
        public ScaleDecided {
            figures = figures == null ? Map.of() : Map.copyOf(figures);
        }
    }
}

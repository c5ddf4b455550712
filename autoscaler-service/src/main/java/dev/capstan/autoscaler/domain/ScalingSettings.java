package dev.capstan.autoscaler.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * How one inference service wants to be scaled.
 *
 * @param service                      inference service name (the Kafka key)
 * @param targetRpsPerReplica          requests per second one replica is rated for (its capacity)
 * @param targetConcurrencyPerReplica  in-flight requests one replica is rated for; 0 = not used
 * @param minReplicas                  lower bound (0 only matters when {@code scaleToZero})
 * @param maxReplicas                  upper bound
 * @param scaleToZero                  whether the service may go to zero replicas
 * @param scaleToZeroGrace             how long an idle service keeps its last replica before zero (KPA: 30 s)
 * @param coldStart                    how long a new replica needs before it serves (model load)
 * @param maxScaleUpRate               at most {@code ceil(max(current,1) × rate)} replicas per decision (KPA: 1000)
 * @param maxScaleDownRate             at least {@code floor(current / rate)} replicas per decision (KPA: 2, halving)
 * @param targetUtilisation            share of the rated capacity the autoscaler aims at (KPA: 0.7)
 * @param queueTimeout                 how long the service's gateway holds a request that finds no free replica
 *                                     before it fails it (Knative activator/queue-proxy, an LLM router); zero =
 *                                     a request that finds no free capacity is lost at once
 */
public record ScalingSettings(String service, double targetRpsPerReplica, double targetConcurrencyPerReplica,
        int minReplicas, int maxReplicas, boolean scaleToZero, Duration scaleToZeroGrace, Duration coldStart,
        double maxScaleUpRate, double maxScaleDownRate, double targetUtilisation, Duration queueTimeout) {

    public ScalingSettings {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(scaleToZeroGrace, "scaleToZeroGrace");
        Objects.requireNonNull(coldStart, "coldStart");
        Objects.requireNonNull(queueTimeout, "queueTimeout");
        if (!(targetRpsPerReplica > 0) && !(targetConcurrencyPerReplica > 0)) {
            throw new IllegalArgumentException("a target rps or a target concurrency per replica must be > 0");
        }
        if (minReplicas < 0 || maxReplicas < 1 || minReplicas > maxReplicas) {
            throw new IllegalArgumentException("need 0 <= min <= max and max >= 1, got " + minReplicas + ".." + maxReplicas);
        }
        if (!(maxScaleUpRate > 1) || !(maxScaleDownRate > 1)) {
            throw new IllegalArgumentException("scale rates must be > 1");
        }
        if (!(targetUtilisation > 0) || targetUtilisation > 1) {
            throw new IllegalArgumentException("target utilisation must be in (0, 1]");
        }
        if (scaleToZeroGrace.isNegative() || coldStart.isNegative() || queueTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /** Settings with Knative's KPA defaults for everything but the service's own numbers. */
    public static ScalingSettings of(String service, double targetRpsPerReplica, int minReplicas, int maxReplicas,
            Duration coldStart) {
        return new ScalingSettings(service, targetRpsPerReplica, 0, minReplicas, maxReplicas, minReplicas == 0,
                Duration.ofSeconds(30), coldStart, 1000.0, 2.0, 0.7, Duration.ZERO);
    }

    /** The lowest replica count a decision may produce: 0 only when scale to zero is on and min is 0. */
    public int effectiveMin() {
        return scaleToZero && minReplicas == 0 ? 0 : Math.max(1, minReplicas);
    }

    public ScalingSettings withScaleToZero(boolean on, Duration grace) {
        return new ScalingSettings(service, targetRpsPerReplica, targetConcurrencyPerReplica, minReplicas, maxReplicas,
                on, grace, coldStart, maxScaleUpRate, maxScaleDownRate, targetUtilisation, queueTimeout);
    }

    public ScalingSettings withBounds(int min, int max) {
        return new ScalingSettings(service, targetRpsPerReplica, targetConcurrencyPerReplica, min, max, scaleToZero,
                scaleToZeroGrace, coldStart, maxScaleUpRate, maxScaleDownRate, targetUtilisation, queueTimeout);
    }

    public ScalingSettings withRates(double up, double down) {
        return new ScalingSettings(service, targetRpsPerReplica, targetConcurrencyPerReplica, minReplicas, maxReplicas,
                scaleToZero, scaleToZeroGrace, coldStart, up, down, targetUtilisation, queueTimeout);
    }

    public ScalingSettings withColdStart(Duration d) {
        return new ScalingSettings(service, targetRpsPerReplica, targetConcurrencyPerReplica, minReplicas, maxReplicas,
                scaleToZero, scaleToZeroGrace, d, maxScaleUpRate, maxScaleDownRate, targetUtilisation, queueTimeout);
    }

    public ScalingSettings withConcurrencyTarget(double c) {
        return new ScalingSettings(service, targetRpsPerReplica, c, minReplicas, maxReplicas, scaleToZero,
                scaleToZeroGrace, coldStart, maxScaleUpRate, maxScaleDownRate, targetUtilisation, queueTimeout);
    }

    public ScalingSettings withQueueTimeout(Duration d) {
        return new ScalingSettings(service, targetRpsPerReplica, targetConcurrencyPerReplica, minReplicas, maxReplicas,
                scaleToZero, scaleToZeroGrace, coldStart, maxScaleUpRate, maxScaleDownRate, targetUtilisation, d);
    }
}

package dev.capstan.autoscaler.domain;

/**
 * What a policy sees at one decision.
 *
 * @param nowMillis       decision time in epoch ms (from the caller's clock, never the system clock)
 * @param currentReplicas replicas the service has now (ready or starting)
 * @param readyReplicas   replicas that serve now
 */
public record PolicyInput(ScalingSettings settings, RequestWindows windows, long nowMillis, int currentReplicas,
        int readyReplicas) {

    /** Replicas needed for a request rate and a concurrency at the settings' target utilisation (may be 0). */
    public int replicasFor(double rps, double concurrency) {
        int n = 0;
        if (settings.targetRpsPerReplica() > 0 && rps > 0) {
            n = (int) Math.ceil(rps / (settings.targetRpsPerReplica() * settings.targetUtilisation()) - 1e-9);
        }
        if (settings.targetConcurrencyPerReplica() > 0 && concurrency > 0) {
            n = Math.max(n, (int) Math.ceil(
                    concurrency / (settings.targetConcurrencyPerReplica() * settings.targetUtilisation()) - 1e-9));
        }
        return n;
    }

    /** A window value with "no data" read as zero demand (the engine handles missing data before policies). */
    static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}

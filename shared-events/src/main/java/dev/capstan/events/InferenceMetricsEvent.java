package dev.capstan.events;

import java.time.Instant;

/** Request-rate samples from inference gateways on {@code capstan.inference-metrics}; key = service. */
public sealed interface InferenceMetricsEvent extends CapstanEvent {

    String service();

    @Override
    default String subject() {
        return service();
    }

    /**
     * Requests seen by one service in one window.
     *
     * @param windowStart   start of the window
     * @param windowSeconds length of the window
     * @param requests      requests that arrived in the window
     * @param concurrency   mean in-flight requests over the window
     * @param p99LatencyMs  99th percentile latency in the window
     * @param readyReplicas replicas that served in the window, as the gateway saw them
     */
    record RequestRateSample(String service, Instant windowStart, double windowSeconds, long requests,
            double concurrency, double p99LatencyMs, int readyReplicas) implements InferenceMetricsEvent {
    }
}

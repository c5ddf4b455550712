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
     * @param revision      the revision these requests went to (e.g. the model version {@code v7}); absent in older
     *                      records and for a sample of the whole service
     * @param errors        requests that failed (errors of the replicas, and requests no replica could take in
     *                      time); absent in older records, read as 0
     * @param p50LatencyMs  median latency in the window; absent in older records, read as 0
     * @param refused       of the {@code errors}, the requests that failed for want of capacity, not on a replica: they
     *                      waited past the gateway's queue timeout, or no ready replica could take them. The rest are
     *                      the replicas' own errors. Absent in older records, read as 0
     * @param replicaP99LatencyMs 99th percentile of the time the requests spent on a replica, without their wait in
     *                      the gateway's queue ({@code p99LatencyMs} includes it); absent in older records, read as 0
     *                      (unknown: then only {@code p99LatencyMs} is known)
     */
    record RequestRateSample(String service, Instant windowStart, double windowSeconds, long requests,
            double concurrency, double p99LatencyMs, int readyReplicas, String revision, long errors,
            double p50LatencyMs, long refused, double replicaP99LatencyMs) implements InferenceMetricsEvent {

        /** A sample as gateways sent it before they told refused requests and queue waits apart. */
        public RequestRateSample(String service, Instant windowStart, double windowSeconds, long requests,
                double concurrency, double p99LatencyMs, int readyReplicas, String revision, long errors,
                double p50LatencyMs) {
            this(service, windowStart, windowSeconds, requests, concurrency, p99LatencyMs, readyReplicas, revision,
                    errors, p50LatencyMs, 0, 0);
        }

        /** The replicas' own errors: all errors but the refused requests. */
        public long replicaErrors() {
            return Math.max(0, errors - refused);
        }

        /** The replicas' p99 latency when the gateway told it apart, else the p99 latency with the queue wait. */
        public double versionP99LatencyMs() {
            return replicaP99LatencyMs > 0 ? replicaP99LatencyMs : p99LatencyMs;
        }

        /** A sample of the whole service, as older gateways sent it. */
        public RequestRateSample(String service, Instant windowStart, double windowSeconds, long requests,
                double concurrency, double p99LatencyMs, int readyReplicas) {
            this(service, windowStart, windowSeconds, requests, concurrency, p99LatencyMs, readyReplicas, null, 0, 0);
        }
    }
}

package dev.capstan.localstack.demo;

import java.util.Map;
import java.util.Random;

/**
 * How the simulated replicas of one revision answer, read from its model version's tags in the registry:
 * {@code sim.capstan.dev/error-rate} (share of requests that fail, default 0.002) and
 * {@code sim.capstan.dev/latency-ms} (median latency, default 40 ms). A version tagged
 * {@code sim.capstan.dev/error-rate: "0.08"} is a bad version: what a canary must catch.
 *
 * <p>One second of traffic: the requests the ready replicas can take ({@code capacity}) are served, each failing
 * with the error rate; the rest find no free replica within the gateway's queue timeout and fail too. Latency: the
 * median grows with utilisation (queueing), the 99th percentile is three medians.
 *
 * @param errorRate    share of served requests that fail
 * @param p50LatencyMs median latency of an idle replica
 */
public record RevisionBehaviour(double errorRate, double p50LatencyMs) {

    public static final String ERROR_RATE = "sim.capstan.dev/error-rate";
    public static final String LATENCY_MS = "sim.capstan.dev/latency-ms";
    public static final RevisionBehaviour HEALTHY = new RevisionBehaviour(0.002, 40);

    /** The behaviour a version's tags ask for; what they leave out (or cannot be read) is the healthy default. */
    public static RevisionBehaviour of(Map<String, String> tags) {
        return new RevisionBehaviour(number(tags.get(ERROR_RATE), HEALTHY.errorRate, 0, 1),
                number(tags.get(LATENCY_MS), HEALTHY.p50LatencyMs, 0, 60_000));
    }

    private static double number(String text, double otherwise, double min, double max) {
        try {
            double v = text == null ? otherwise : Double.parseDouble(text.trim());
            return Double.isFinite(v) && v >= min && v <= max ? v : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** One second of a revision's traffic. */
    public record Second(long requests, long served, long errors, double p50LatencyMs, double p99LatencyMs) {

        /** Of the errors, the requests no replica could take (the rest failed on a replica). */
        public long refused() {
            return requests - served;
        }
    }

    /** What {@code requests} arriving in one second get from replicas that can take {@code capacity} of them. */
    public Second serve(long requests, long capacity, Random random) {
        long served = Math.min(requests, Math.max(0, capacity));
        long failed = 0;
        for (long i = 0; i < served; i++) {
            if (random.nextDouble() < errorRate) {
                failed++;
            }
        }
        double utilisation = capacity <= 0 ? 1 : Math.min(1, (double) requests / capacity);
        double p50 = p50LatencyMs / Math.max(0.1, 1 - 0.9 * utilisation);
        return new Second(requests, served, failed + (requests - served), requests == 0 ? 0 : p50,
                requests == 0 ? 0 : 3 * p50);
    }
}

package dev.capstan.autoscaler.bench;

/**
 * Demand of one service, requests per second of trace time.
 *
 * @param name           printed as {@code trace=…}
 * @param requestsPerSec requests arriving in second {@code i}
 */
record Trace(String name, double[] requestsPerSec) {

    double total() {
        double s = 0;
        for (double d : requestsPerSec) {
            s += d;
        }
        return s;
    }
}

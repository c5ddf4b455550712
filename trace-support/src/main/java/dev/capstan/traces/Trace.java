package dev.capstan.traces;

/**
 * Demand of one service, requests per second of trace time.
 *
 * @param name           printed as {@code trace=…}
 * @param requestsPerSec requests arriving in second {@code i}
 */
public record Trace(String name, double[] requestsPerSec) {

    /** Requests in the whole trace. */
    public double total() {
        double s = 0;
        for (double d : requestsPerSec) {
            s += d;
        }
        return s;
    }
}

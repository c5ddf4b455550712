package dev.capstan.autoscaler.domain;

import java.time.Instant;

/**
 * Requests one inference service saw in one window, as a gateway reports it.
 *
 * @param windowStart   start of the window
 * @param windowSeconds length of the window (&gt; 0)
 * @param requests      requests that arrived in the window
 * @param concurrency   mean in-flight requests over the window
 */
public record RateSample(Instant windowStart, double windowSeconds, double requests, double concurrency) {

    public RateSample {
        if (!(windowSeconds > 0) || requests < 0 || concurrency < 0 || Double.isNaN(requests)
                || Double.isNaN(concurrency)) {
            throw new IllegalArgumentException("bad sample: window " + windowSeconds + " s, requests " + requests
                    + ", concurrency " + concurrency);
        }
    }

    /** End of the window in epoch milliseconds. */
    public long endMillis() {
        return windowStart.toEpochMilli() + Math.round(windowSeconds * 1000);
    }
}

package dev.capstan.executor.domain;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * How long to wait before trying an API write again: what the API server asked for (a {@code Retry-After}, as sent
 * with 429 Too Many Requests and some 5xx answers), else an exponential backoff from {@code base}, never more than
 * {@code max}. Retrying an overloaded API server at once only adds to its load.
 */
public record RetryBackoff(Duration base, Duration max) {

    public RetryBackoff {
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= max, got " + base + ", " + max);
        }
    }

    /** The wait after the {@code failedTries}-th failed try (1 = the first). */
    public Duration delay(int failedTries, OptionalLong retryAfterSeconds) {
        if (failedTries < 1) {
            throw new IllegalArgumentException("failed tries start at 1, got " + failedTries);
        }
        if (retryAfterSeconds.isPresent() && retryAfterSeconds.getAsLong() > 0) {
            return min(Duration.ofSeconds(retryAfterSeconds.getAsLong()), max);
        }
        int doublings = Math.min(failedTries - 1, 30); // 2^30 × any base is past any sensible max
        return min(base.multipliedBy(1L << doublings), max);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

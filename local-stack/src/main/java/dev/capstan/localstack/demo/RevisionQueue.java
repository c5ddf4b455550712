package dev.capstan.localstack.demo;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The requests of one revision that found no free replica in their second, held by the gateway for up to its queue
 * timeout (as Knative's activator and queue-proxy buffer them): each second the replicas' capacity serves the oldest
 * waiting requests first, then the new ones; what is left waits, and what has waited longer than the timeout fails.
 * With a timeout under a second nothing waits: what finds no replica fails at once.
 */
final class RevisionQueue {

    /** One second's outcome: requests served (from the queue and new), requests that failed for want of a replica,
     * and the longest wait (seconds) among those served. */
    record Outcome(long served, long timedOut, int maxWaitSeconds) {
    }

    /** Waiting requests per arrival second, oldest first: {@code {second, count}}. */
    private final Deque<long[]> waiting = new ArrayDeque<>();

    /** Serves second {@code now}: {@code arrived} new requests on replicas that take {@code capacity} per second. */
    Outcome serve(long now, long arrived, long capacity, int timeoutSeconds) {
        long timedOut = 0;
        while (!waiting.isEmpty() && now - waiting.peekFirst()[0] > timeoutSeconds) {
            timedOut += waiting.removeFirst()[1];
        }
        long free = Math.max(0, capacity);
        long served = 0;
        int maxWait = 0;
        while (free > 0 && !waiting.isEmpty()) {
            long[] oldest = waiting.peekFirst();
            long take = Math.min(free, oldest[1]);
            oldest[1] -= take;
            free -= take;
            served += take;
            maxWait = Math.max(maxWait, (int) (now - oldest[0]));
            if (oldest[1] == 0) {
                waiting.removeFirst();
            }
        }
        long fresh = Math.min(free, arrived);
        served += fresh;
        long left = arrived - fresh;
        if (left > 0) {
            if (timeoutSeconds >= 1) {
                waiting.addLast(new long[] {now, left});
            } else {
                timedOut += left;
            }
        }
        return new Outcome(served, timedOut, maxWait);
    }

    /** Whether requests wait. */
    boolean isEmpty() {
        return waiting.isEmpty();
    }
}

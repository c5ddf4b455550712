package dev.capstan.autoscaler.rollout;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway's per-revision samples of one service for the last minutes: what a canary analysis reads (requests,
 * errors, p99 per window) and how many replicas of each revision serve. Not thread-safe: the caller serialises.
 */
public final class RevisionSamples {

    private record Sample(long startMillis, long requests, long errors, double p99LatencyMs) {
    }

    private final long keepMillis;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();
    private final Map<String, Integer> ready = new HashMap<>();

    /** Keeps samples for {@code keepMillis} after their window started. */
    public RevisionSamples(long keepMillis) {
        this.keepMillis = keepMillis;
    }

    /** Records one revision's sample; older ones than the kept span go. */
    public void add(String revision, long startMillis, long requests, long errors, double p99LatencyMs,
            int readyReplicas) {
        Deque<Sample> q = samples.computeIfAbsent(revision, k -> new ArrayDeque<>());
        q.addLast(new Sample(startMillis, requests, errors, p99LatencyMs));
        while (!q.isEmpty() && q.peekFirst().startMillis() < startMillis - keepMillis) {
            q.removeFirst();
        }
        ready.put(revision, readyReplicas);
    }

    /** Ready replicas of the revision in its last sample (0 when it never reported). */
    public int ready(String revision) {
        return ready.getOrDefault(revision, 0);
    }

    /**
     * Requests, errors and the request-weighted mean of the windows' p99 latencies of the revision over the samples
     * that started at or after {@code fromMillis}.
     */
    public CanaryAnalysis.Stats since(String revision, long fromMillis) {
        long requests = 0;
        long errors = 0;
        double weightedP99 = 0;
        for (Sample s : samples.getOrDefault(revision, new ArrayDeque<>())) {
            if (s.startMillis() >= fromMillis) {
                requests += s.requests();
                errors += s.errors();
                weightedP99 += s.p99LatencyMs() * s.requests();
            }
        }
        return new CanaryAnalysis.Stats(requests, errors, requests == 0 ? 0 : weightedP99 / requests);
    }
}

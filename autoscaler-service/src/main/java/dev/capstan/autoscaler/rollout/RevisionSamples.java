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

    /** The key of the whole service's samples (all revisions together). */
    public static final String WHOLE = "";

    /**
     * How far a revision's last sample may lag the whole service's before the revision counts as gone: the gateway
     * reports a revision only while it has ready replicas or requests.
     */
    static final long STALE_MILLIS = 2_000;

    private final long keepMillis;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();
    private final Map<String, Integer> ready = new HashMap<>();
    private final Map<String, Long> lastStart = new HashMap<>();

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
        lastStart.merge(revision, startMillis, Math::max);
    }

    /**
     * Whether the gateway reports the revision now: it sent a sample of it no more than {@link #STALE_MILLIS} before
     * its latest sample of the whole service (any sample, before the whole service's first). A revision that stopped
     * being reported (its replicas went) is not known any more, so an earlier rollout's baseline does not count as
     * ready in the next one.
     */
    public boolean knows(String revision) {
        Long last = lastStart.get(revision);
        if (last == null) {
            return false;
        }
        Long whole = lastStart.get(WHOLE);
        return whole == null || last >= whole - STALE_MILLIS;
    }

    /** Ready replicas of the revision in its last sample, while it is reported (else 0). */
    public int ready(String revision) {
        return knows(revision) ? ready.getOrDefault(revision, 0) : 0;
    }

    /**
     * Requests and errors of the revision over the samples that started at or after {@code fromMillis}, with the
     * median of their p99 latencies (seconds that had requests) and those p99s.
     */
    public CanaryAnalysis.Stats since(String revision, long fromMillis) {
        long requests = 0;
        long errors = 0;
        java.util.List<Double> p99s = new java.util.ArrayList<>();
        for (Sample s : samples.getOrDefault(revision, new ArrayDeque<>())) {
            if (s.startMillis() >= fromMillis) {
                requests += s.requests();
                errors += s.errors();
                if (s.requests() > 0) {
                    p99s.add(s.p99LatencyMs());
                }
            }
        }
        double[] seconds = p99s.stream().mapToDouble(Double::doubleValue).toArray();
        return new CanaryAnalysis.Stats(requests, errors, median(seconds), seconds);
    }

    static double median(double[] xs) {
        if (xs.length == 0) {
            return 0;
        }
        double[] sorted = xs.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

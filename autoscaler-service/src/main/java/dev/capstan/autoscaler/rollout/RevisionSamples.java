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

    /** Whether the revision reported since these samples were kept (since the start). */
    public boolean knows(String revision) {
        return ready.containsKey(revision);
    }

    /** Ready replicas of the revision in its last sample (0 when it never reported). */
    public int ready(String revision) {
        return ready.getOrDefault(revision, 0);
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

    /**
     * The median of the revision's per-second p99 latencies since {@code fromMillis}, over the seconds in which it took
     * every request of the service (no other revision served): its latency at its usual load. Null with fewer than
     * {@link CanaryAnalysis#MIN_SECONDS} such seconds.
     */
    public Double aloneMedianP99(String revision, long fromMillis) {
        java.util.Map<Long, Long> whole = new java.util.HashMap<>();
        for (Sample s : samples.getOrDefault(WHOLE, new ArrayDeque<>())) {
            whole.put(s.startMillis(), s.requests());
        }
        java.util.List<Double> p99s = new java.util.ArrayList<>();
        for (Sample s : samples.getOrDefault(revision, new ArrayDeque<>())) {
            Long all = whole.get(s.startMillis());
            if (s.startMillis() >= fromMillis && s.requests() > 0 && all != null && all == s.requests()) {
                p99s.add(s.p99LatencyMs());
            }
        }
        return p99s.size() < CanaryAnalysis.MIN_SECONDS ? null
                : median(p99s.stream().mapToDouble(Double::doubleValue).toArray());
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

package dev.capstan.autoscaler.domain;

import java.util.Arrays;

/**
 * The recent request-rate samples of one service, answering "how many requests per second over the last
 * W seconds" in O(log n) for any W up to the retention.
 *
 * <p>Samples are kept in a ring with running totals, so a window sum is the difference of two totals found by
 * binary search. A sample that ends no later than the newest one already held is a redelivery or arrives out
 * of order and is ignored (at-least-once delivery must not double-count).
 *
 * <p>It also notes each idle gap between requests as it ends (the time from the end of one window with requests
 * to the start of the next one) when it was at least {@link #MIN_RECORDED_GAP_MILLIS} long, which is what a
 * keep-alive/pre-warm decision learns from.
 */
public final class RequestWindows {

    /** Gaps shorter than this are ordinary inter-arrival noise, not idle periods worth remembering. */
    public static final long MIN_RECORDED_GAP_MILLIS = 4_000;

    private final long retentionMillis;
    private long[] starts = new long[64];
    private long[] ends = new long[64];
    private double[] cumRequests = new double[64];
    private double[] cumConcurrencySeconds = new double[64];
    private int head;
    private int size;
    private double evictedRequests;
    private double evictedConcurrencySeconds;

    private long firstStartMillis = Long.MIN_VALUE;
    private long lastEndMillis = Long.MIN_VALUE;
    private long lastRequestEndMillis = Long.MIN_VALUE;

    private double lastGapSeconds;
    private long gapsRecorded;
    private long lastBusyStartMillis = Long.MIN_VALUE;

    /** Windows that can answer queries over the last {@code retentionSeconds}. */
    public RequestWindows(double retentionSeconds) {
        this.retentionMillis = Math.round(retentionSeconds * 1000);
    }

    /** Adds one sample; returns false (and changes nothing) for a duplicate or out-of-order sample. */
    public boolean add(RateSample sample) {
        long end = sample.endMillis();
        long start = sample.windowStart().toEpochMilli();
        if (end <= lastEndMillis) {
            return false;
        }
        if (firstStartMillis == Long.MIN_VALUE) {
            firstStartMillis = start;
        }
        if (sample.requests() > 0) {
            if (lastRequestEndMillis != Long.MIN_VALUE && start - lastRequestEndMillis >= MIN_RECORDED_GAP_MILLIS) {
                lastGapSeconds = (start - lastRequestEndMillis) / 1000.0;
                gapsRecorded++;
                lastBusyStartMillis = start;
            }
            lastRequestEndMillis = end;
        }
        lastEndMillis = end;
        evictOlderThan(end - retentionMillis);
        if (size == ends.length) {
            grow();
        }
        int i = (head + size) % ends.length;
        double prevReq = size == 0 ? evictedRequests : cumRequests[physical(size - 1)];
        double prevConc = size == 0 ? evictedConcurrencySeconds : cumConcurrencySeconds[physical(size - 1)];
        starts[i] = Math.max(start, size == 0 ? start : ends[physical(size - 1)]);
        ends[i] = end;
        cumRequests[i] = prevReq + sample.requests();
        cumConcurrencySeconds[i] = prevConc + sample.concurrency() * sample.windowSeconds();
        size++;
        return true;
    }

    /** Mean requests per second over the last {@code seconds} before {@code nowMillis}; NaN without data. */
    public double rate(long nowMillis, double seconds) {
        return rateBetween(nowMillis - Math.round(seconds * 1000), nowMillis);
    }

    /** Mean requests per second over the interval (fromMillis, toMillis]; NaN without data in reach. */
    public double rateBetween(long fromMillis, long toMillis) {
        double span = span(fromMillis, toMillis);
        return Double.isNaN(span) ? Double.NaN : (cumAt(cumRequests, evictedRequests, toMillis)
                - cumAt(cumRequests, evictedRequests, fromMillis)) / span;
    }

    /** Mean in-flight requests over the last {@code seconds}; NaN without data. */
    public double concurrency(long nowMillis, double seconds) {
        long from = nowMillis - Math.round(seconds * 1000);
        double span = span(from, nowMillis);
        return Double.isNaN(span) ? Double.NaN
                : (cumAt(cumConcurrencySeconds, evictedConcurrencySeconds, nowMillis)
                        - cumAt(cumConcurrencySeconds, evictedConcurrencySeconds, from)) / span;
    }

    /** Seconds since the last window with requests ended (or since the first sample if none had requests). */
    public double idleSeconds(long nowMillis) {
        long since = lastRequestEndMillis != Long.MIN_VALUE ? lastRequestEndMillis : firstStartMillis;
        return since == Long.MIN_VALUE ? 0 : Math.max(0, (nowMillis - since) / 1000.0);
    }

    /** Whether any sample was ever seen. */
    public boolean hasData() {
        return lastEndMillis != Long.MIN_VALUE;
    }

    /** Start of the first sample ever observed (the service's age counts from it), or {@code Long.MIN_VALUE}. */
    public long firstSampleStartMillis() {
        return firstStartMillis;
    }

    /** End of the newest sample in epoch ms, or {@code Long.MIN_VALUE}. */
    public long lastSampleEndMillis() {
        return lastEndMillis;
    }

    /** The most recently ended idle gap in seconds, 0 before the first (a policy keeps its own history). */
    public double lastGapSeconds() {
        return lastGapSeconds;
    }

    /** How many idle gaps have been recorded since the start (grows by one each time a gap ends). */
    public long gapsRecorded() {
        return gapsRecorded;
    }

    /** Start of the sample that ended the most recently recorded idle gap (a busy period's start), or MIN_VALUE. */
    public long lastBusyStartMillis() {
        return lastBusyStartMillis;
    }

    /**
     * The samples that overlap (fromMillis, toMillis], clipped to it: fills {@code rates} (requests per second of
     * each sample) and {@code seconds} (the part of the sample inside the interval) and returns how many. The
     * arrays must be at least as long as the number of retained samples ({@link #capacityHint()}).
     */
    public int samplesBetween(long fromMillis, long toMillis, double[] rates, double[] seconds) {
        int n = 0;
        for (int k = size - 1; k >= 0; k--) {
            int i = physical(k);
            long e = ends[i];
            long st = starts[i];
            if (e <= fromMillis) {
                break;
            }
            if (st >= toMillis) {
                continue;
            }
            double prev = k == 0 ? evictedRequests : cumRequests[physical(k - 1)];
            long len = Math.max(1, e - st);
            double inside = (Math.min(e, toMillis) - Math.max(st, fromMillis)) / 1000.0;
            if (inside <= 0) {
                continue;
            }
            if (n == rates.length) {
                break;
            }
            rates[n] = (cumRequests[i] - prev) / (len / 1000.0);
            seconds[n] = inside;
            n++;
        }
        return n;
    }

    /** An upper bound on the number of samples {@link #samplesBetween} can return. */
    public int capacityHint() {
        return ends.length;
    }

    /** Seconds of history that a window ending now can see (data starts at the first sample). */
    private double span(long fromMillis, long toMillis) {
        if (firstStartMillis == Long.MIN_VALUE || toMillis <= firstStartMillis) {
            return Double.NaN;
        }
        long effectiveFrom = Math.max(fromMillis, firstStartMillis);
        return Math.max(1, toMillis - effectiveFrom) / 1000.0;
    }

    /** Running total of {@code cum} over all samples that ended at or before {@code t}. */
    private double cumAt(double[] cum, double evicted, long t) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[physical(mid)] <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? evicted : cum[physical(found)];
    }

    private void evictOlderThan(long t) {
        while (size > 0 && ends[head] < t) {
            evictedRequests = cumRequests[head];
            evictedConcurrencySeconds = cumConcurrencySeconds[head];
            head = (head + 1) % ends.length;
            size--;
        }
    }

    private int physical(int logical) {
        return (head + logical) % ends.length;
    }

    private void grow() {
        int n = ends.length * 2;
        long[] e = new long[n];
        long[] st = new long[n];
        double[] r = new double[n];
        double[] c = new double[n];
        for (int k = 0; k < size; k++) {
            e[k] = ends[physical(k)];
            st[k] = starts[physical(k)];
            r[k] = cumRequests[physical(k)];
            c[k] = cumConcurrencySeconds[physical(k)];
        }
        ends = e;
        starts = st;
        cumRequests = r;
        cumConcurrencySeconds = c;
        head = 0;
        Arrays.fill(e, size, n, 0L);
    }
}

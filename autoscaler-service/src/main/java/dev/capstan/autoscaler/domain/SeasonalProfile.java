package dev.capstan.autoscaler.domain;

/**
 * A service's demand over the last hours in 10 s buckets, and the period it repeats with, if any.
 *
 * <p>Many inference and function workloads are driven by timers and batch jobs: the same burst every 5, 15 or 30
 * minutes. A replica that needs a minute to load cannot catch such a burst by reacting to it; it can be started
 * a cold start before the burst if the period is known. The period is found by the autocorrelation of the
 * per-minute request counts (on {@code log(1 + n)}, so that a burst's size matters less than its timing) over
 * the last {@link #HISTORY_MINUTES} minutes, for periods of 1 to {@link #MAX_PERIOD_MINUTES} minutes that fit at
 * least twice into the history. The forecast for a future interval is what the same interval one and two
 * periods earlier saw, averaged: a burst seen in both is expected in full, one seen once at half its size. A
 * period must be real: the correlation has to come back up by {@link #MIN_DIP} after falling at a shorter lag
 * (a slowly changing rate is correlated with its recent past but never comes back).
 *
 * <p>Fed from {@link RequestWindows} (which keeps only minutes), read by the policy. Not thread-safe.
 */
final class SeasonalProfile {

    static final long BUCKET_MILLIS = 10_000;
    static final int BUCKETS_PER_MINUTE = 6;
    static final int HISTORY_MINUTES = 180;
    static final int MAX_PERIOD_MINUTES = 90;
    /** Least autocorrelation at the period for the service to count as periodic. */
    static final double MIN_SCORE = 0.6;
    /** A shorter period within this share of the best score wins (a period's multiples score about as well). */
    static final double SHORTER_WITHIN = 0.9;
    static final int DETECT_EVERY_BUCKETS = 30;
    /** The correlation at the period must be this much above its lowest value at a shorter lag. */
    static final double MIN_DIP = 0.3;

    private final double[] counts = new double[HISTORY_MINUTES * BUCKETS_PER_MINUTE];
    /** Absolute index (start / BUCKET_MILLIS) of the next bucket to fill; MIN_VALUE before the first. */
    private long nextBucket = Long.MIN_VALUE;
    private long firstBucket = Long.MIN_VALUE;
    private long nextDetect = Long.MIN_VALUE;
    private int periodBuckets;
    private double score;

    /** Records every whole bucket that has ended by {@code nowMillis} from the windows' samples. */
    void catchUp(RequestWindows w, long nowMillis) {
        long last = Math.floorDiv(nowMillis, BUCKET_MILLIS); // buckets before this one have ended
        if (nextBucket == Long.MIN_VALUE) {
            nextBucket = last;
            firstBucket = last;
            nextDetect = last + DETECT_EVERY_BUCKETS;
            return;
        }
        // Older than the windows keep: counted as empty (the caller decides at least every few seconds).
        for (long b = Math.max(nextBucket, last - counts.length); b < last; b++) {
            double r = w.rateBetween(b * BUCKET_MILLIS, (b + 1) * BUCKET_MILLIS);
            counts[(int) Math.floorMod(b, (long) counts.length)] = Double.isNaN(r) ? 0 : r * BUCKET_MILLIS / 1000.0;
        }
        for (long b = nextBucket; b < last - counts.length; b++) {
            counts[(int) Math.floorMod(b, (long) counts.length)] = 0;
        }
        nextBucket = Math.max(nextBucket, last);
        if (last >= nextDetect) {
            nextDetect = last + DETECT_EVERY_BUCKETS;
            detect();
        }
    }

    /** The period in seconds, or 0 when the service does not (yet) repeat. */
    double periodSeconds() {
        return periodBuckets * BUCKET_MILLIS / 1000.0;
    }

    double score() {
        return score;
    }

    /**
     * The request rates (per second, one per 10 s bucket) expected in {@code (from, to]}: for each bucket the
     * mean of what the same bucket saw one and two periods ago (a burst seen once counts half). Fills
     * {@code out} and returns how many buckets, 0 when the service is not periodic or the history does not reach
     * back two periods.
     */
    int expectedRates(long fromMillis, long toMillis, double[] out) {
        if (periodBuckets == 0) {
            return 0;
        }
        long from = Math.floorDiv(fromMillis, BUCKET_MILLIS);
        long to = Math.floorDiv(toMillis - 1, BUCKET_MILLIS);
        if (from - 2L * periodBuckets < firstBucket || to - periodBuckets >= nextBucket) {
            return 0;
        }
        int n = 0;
        for (long b = from; b <= to && n < out.length; b++) {
            double one = counts[(int) Math.floorMod(b - periodBuckets, (long) counts.length)];
            double two = counts[(int) Math.floorMod(b - 2L * periodBuckets, (long) counts.length)];
            out[n++] = (one + two) / 2 * 1000.0 / BUCKET_MILLIS;
        }
        return n;
    }

    private void detect() {
        int minutes = (int) Math.min(HISTORY_MINUTES, (nextBucket - firstBucket) / BUCKETS_PER_MINUTE);
        periodBuckets = 0;
        score = 0;
        if (minutes < 4) {
            return;
        }
        double[] x = new double[minutes]; // oldest first, whole minutes ending at nextBucket
        long start = nextBucket - (long) minutes * BUCKETS_PER_MINUTE;
        boolean any = false;
        for (int m = 0; m < minutes; m++) {
            double n = 0;
            for (int k = 0; k < BUCKETS_PER_MINUTE; k++) {
                n += counts[(int) Math.floorMod(start + (long) m * BUCKETS_PER_MINUTE + k, (long) counts.length)];
            }
            x[m] = Math.log1p(n);
            any |= n > 0;
        }
        if (!any) {
            return;
        }
        double[] scores = new double[Math.min(MAX_PERIOD_MINUTES, minutes / 2) + 1];
        double[] dip = new double[scores.length]; // how far the correlation fell at a shorter lag
        double lowest = Double.MAX_VALUE;
        double best = 0;
        for (int p = 1; p < scores.length; p++) {
            scores[p] = correlation(x, p);
            dip[p] = lowest == Double.MAX_VALUE ? 0 : scores[p] - lowest;
            lowest = Math.min(lowest, scores[p]);
            // A period repeats: the correlation comes back after falling. A slowly changing rate is only
            // correlated with its recent past and never comes back.
            if (dip[p] >= MIN_DIP) {
                best = Math.max(best, scores[p]);
            }
        }
        if (best < MIN_SCORE) {
            return;
        }
        for (int p = 2; p < scores.length; p++) {
            if (dip[p] >= MIN_DIP && scores[p] >= SHORTER_WITHIN * best) {
                periodBuckets = p * BUCKETS_PER_MINUTE;
                score = scores[p];
                return;
            }
        }
    }

    /** Pearson correlation of x[t] and x[t - lag]. */
    private static double correlation(double[] x, int lag) {
        int n = x.length - lag;
        double sa = 0;
        double sb = 0;
        for (int t = lag; t < x.length; t++) {
            sa += x[t];
            sb += x[t - lag];
        }
        double ma = sa / n;
        double mb = sb / n;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int t = lag; t < x.length; t++) {
            double a = x[t] - ma;
            double b = x[t - lag] - mb;
            cov += a * b;
            va += a * a;
            vb += b * b;
        }
        return va <= 0 || vb <= 0 ? 0 : cov / Math.sqrt(va * vb);
    }
}

package dev.capstan.autoscaler.domain;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Capstan's policy: one price for a replica-second, applied to sizing, holding and idling.
 *
 * <p>The price is {@code minUse}: a replica is worth having while it is expected to serve at least that share
 * of its capacity (default 0.1). Equivalently a request is worth {@code 1 / minUse} replica-seconds. KPA sizes
 * for the <i>mean</i> rate at 70 % utilisation; capstan sizes every replica on its own <i>marginal</i> use.
 *
 * <ol>
 *   <li><b>Sizing on the demand distribution.</b> Demand above ready capacity is lost second by second, so
 *       what matters is how the per-second demand is distributed, not its mean. The R-th replica serves
 *       {@code E[clip(d − (R−1)·c, 0, c)]} requests per second (c = target rps per replica); capstan keeps the
 *       largest R whose marginal use is at least {@code minUse}. On a steady service that is about the peak
 *       second (no 30 % headroom on the mean); on a bursty one it is a high quantile of the bursts.</li>
 *   <li><b>Two windows, both proportional to the cold start.</b> A replica asked for now serves only a cold
 *       start (plus a tick) later, so the distribution is read over a short window of 3 such horizons
 *       (at least 20 s: reacts to a change) and over a long one of 5 horizons (at least 300 s, at most
 *       600 s: keeps the capacity that recurring bursts need through the gaps between them); the larger wins.
 *       The long window is also the stabilisation: capacity goes only when its marginal use over the long
 *       window has fallen below the price, so it does not flap.</li>
 *   <li><b>Trend.</b> A significant rise between the last two 10 s windows is extrapolated to when a new
 *       replica would be ready (at most 10 s ahead, at most tripling).</li>
 *   <li><b>Idle: keep, release or pre-warm by expected cost.</b> When no replica earns its price any more,
 *       the last one is kept, released or released and pre-warmed by comparing expected costs in
 *       replica-seconds over the service's recent idle gaps (conditioned on the idle time so far): keeping
 *       costs the idle time; a miss costs a cold start plus the requests a warm replica would have served in
 *       the first cold start of a busy period (learned per service), priced at {@code 1 / minUse}
 *       (the hybrid-histogram idea of Shahrad et al., "Serverless in the Wild", ATC '20, with the cut-offs
 *       from a cost model rather than fixed percentiles). Without a usable history it keeps the last replica
 *       {@code max(90 s, 2 × cold start)} — as long as KPA (60 s window + 30 s grace), longer when starting
 *       again is expensive.</li>
 * </ol>
 */
final class CapstanPolicy implements ScalingPolicy {

    static final Duration TICK = Duration.ofSeconds(2);
    /** Default price: the least marginal use (share of capacity) that justifies a replica. */
    static final double DEFAULT_MIN_USE = 0.1;
    /**
     * The last replica's price as a share of {@code minUse}: a request lost because the service is at zero is
     * valued this much higher (a whole cold start of every request goes, and a user sees an outage, not a
     * slowdown). Default 1/4: at minUse 0.1 a request lost at zero is worth 40 replica-seconds.
     */
    static final double DEFAULT_LAST_REPLICA_FACTOR = 0.25;
    static final double SHORT_HORIZONS = 3;
    static final long MIN_SHORT_MILLIS = 20_000;
    static final double LONG_HORIZONS = 5;
    static final long MIN_LONG_MILLIS = 300_000;
    static final long MAX_LONG_MILLIS = 600_000;
    /** From zero without an idle history: any request within this window brings one replica. */
    static final long RECENT_MILLIS = 6_000;
    static final long TREND_HALF_MILLIS = 10_000;
    static final double MAX_TREND_GROWTH = 3.0;
    static final double MAX_TREND_HORIZON_S = 10;
    /** A rise counts as a trend when it exceeds this many Poisson standard deviations. */
    static final double Z = 1.0;
    static final long FALLBACK_KEEP_MILLIS = 90_000;
    /** Gaps needed before the idle history is trusted. */
    static final int MIN_GAPS = 4;
    /** Only the most recent gaps and start-up losses count: a service's pattern changes over a day. */
    static final int RECENT = 16;

    private final double minUse;
    private final double lastReplicaMinUse;
    private double[] rates = new double[64];
    private double[] secs = new double[64];
    private long seenGaps;
    private long pendingBusyStart = Long.MIN_VALUE;
    private final double[] losses = new double[RECENT];
    private int lossCount;
    private int lossNext;

    CapstanPolicy() {
        this(DEFAULT_MIN_USE);
    }

    CapstanPolicy(double minUse) {
        this(minUse, minUse * DEFAULT_LAST_REPLICA_FACTOR);
    }

    CapstanPolicy(double minUse, double lastReplicaMinUse) {
        if (!(minUse > 0) || minUse >= 1) {
            throw new IllegalArgumentException("min use must be in (0, 1), got " + minUse);
        }
        if (!(lastReplicaMinUse > 0) || lastReplicaMinUse > minUse) {
            throw new IllegalArgumentException("last-replica min use must be in (0, min use], got " + lastReplicaMinUse);
        }
        this.minUse = minUse;
        this.lastReplicaMinUse = lastReplicaMinUse;
    }

    @Override
    public String name() {
        return "capstan";
    }

    @Override
    public Duration tickInterval() {
        return TICK;
    }

    @Override
    public Proposal propose(PolicyInput in) {
        RequestWindows w = in.windows();
        long now = in.nowMillis();
        ScalingSettings s = in.settings();
        if (rates.length < w.capacityHint()) {
            rates = new double[w.capacityHint()];
            secs = new double[w.capacityHint()];
        }
        long coldMillis = s.coldStart().toMillis();
        long horizonMillis = coldMillis + TICK.toMillis();
        double capacity = s.targetRpsPerReplica();
        learnStartLoss(w, now, horizonMillis, capacity);

        long shortMillis = Math.min(MAX_LONG_MILLIS, Math.max(MIN_SHORT_MILLIS, (long) (SHORT_HORIZONS * horizonMillis)));
        long longMillis = Math.min(MAX_LONG_MILLIS, Math.max(MIN_LONG_MILLIS, (long) (LONG_HORIZONS * horizonMillis)));
        int rShort = capacity > 0 ? replicasByUse(w, now - shortMillis, now, capacity) : 0;
        int rLong = capacity > 0 ? replicasByUse(w, now - longMillis, now, capacity) : 0;

        // Trend, on request counts so that the Poisson noise of each window is known.
        double half = TREND_HALF_MILLIS / 1000.0;
        double nRecent = count(w, now - TREND_HALF_MILLIS, now);
        double nOlder = count(w, now - 2 * TREND_HALF_MILLIS, now - TREND_HALF_MILLIS);
        double slope = 0;
        double diff = nRecent - nOlder;
        if (diff > Z * Math.sqrt(nRecent + nOlder)) {
            slope = (diff / half) / half;
        }
        double horizon = horizonMillis / 1000.0;
        double recentRps = nRecent / half;
        double forecast = Math.min(recentRps + slope * Math.min(horizon, MAX_TREND_HORIZON_S),
                MAX_TREND_GROWTH * recentRps);
        int rTrend = slope > 0 && capacity > 0 ? (int) Math.ceil(forecast / capacity - 1e-9) : 0;
        double conc = PolicyInput.orZero(w.concurrency(now, RECENT_MILLIS / 1000.0));
        int rConc = in.replicasFor(0, conc);

        int busy = Math.max(Math.max(rShort, rLong), Math.max(rTrend, rConc));

        Map<String, Double> f = new LinkedHashMap<>();
        f.put("min_use", minUse);
        f.put("last_replica_min_use", lastReplicaMinUse);
        f.put("short_window_s", shortMillis / 1000.0);
        f.put("long_window_s", longMillis / 1000.0);
        f.put("short_replicas", (double) rShort);
        f.put("long_replicas", (double) rLong);
        f.put("trend_rps_per_s", slope);
        f.put("forecast_rps", slope > 0 ? forecast : recentRps);
        f.put("forecast_horizon_s", horizon);
        f.put("trend_replicas", (double) rTrend);

        if (busy > 0) {
            Reason reason = rTrend == busy && rTrend > Math.max(rShort, rLong) ? Reason.FORECAST
                    : rLong == busy && rLong > rShort ? Reason.STABILISED : Reason.STABLE;
            return new Proposal(busy, reason, f);
        }
        return idle(in, coldMillis / 1000.0, f);
    }

    /** The largest R whose marginal use over (from, to] is at least {@code minUse}; 0 without requests. */
    int replicasByUse(RequestWindows w, long from, long to, double capacity) {
        if (count(w, from, to) <= 0) {
            return 0;
        }
        int n = w.samplesBetween(from, to, rates, secs);
        double covered = 0;
        double max = 0;
        for (int k = 0; k < n; k++) {
            covered += secs[k];
            max = Math.max(max, rates[k]);
        }
        if (max <= 0 || covered <= 0) {
            return 0;
        }
        int lo = 0; // use(lo) >= minUse holds (use(0) is defined as true)
        int hi = (int) Math.ceil(max / capacity - 1e-9); // use(hi + 1) == 0
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (marginalUse(n, mid, capacity, covered) >= minUse) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Share of its capacity the r-th replica would have served over the collected samples. */
    private double marginalUse(int n, int r, double capacity, double covered) {
        double base = (r - 1) * capacity;
        double served = 0;
        for (int k = 0; k < n; k++) {
            served += secs[k] * Math.max(0, Math.min(capacity, rates[k] - base));
        }
        return served / (capacity * covered);
    }

    /**
     * After each idle gap, measures what a warm replica would have served in the first cold start (+ tick) of
     * the busy period that followed: what a miss costs in requests.
     */
    private void learnStartLoss(RequestWindows w, long now, long horizonMillis, double capacity) {
        if (w.gapsRecorded() != seenGaps) {
            seenGaps = w.gapsRecorded();
            pendingBusyStart = w.lastBusyStartMillis();
        }
        if (pendingBusyStart == Long.MIN_VALUE || now < pendingBusyStart + horizonMillis) {
            return;
        }
        long from = pendingBusyStart;
        pendingBusyStart = Long.MIN_VALUE;
        int n = w.samplesBetween(from, from + horizonMillis, rates, secs);
        double lost = 0;
        for (int k = 0; k < n; k++) {
            lost += secs[k] * (capacity > 0 ? Math.min(capacity, rates[k]) : rates[k]);
        }
        losses[lossNext] = lost;
        lossNext = (lossNext + 1) % RECENT;
        lossCount = Math.min(RECENT, lossCount + 1);
    }

    private static double count(RequestWindows w, long from, long to) {
        double r = w.rateBetween(from, to);
        return Double.isNaN(r) ? 0 : r * ((to - from) / 1000.0);
    }

    /** No replica earns its price: keep, release or pre-warm the last one, whichever is expected to cost least. */
    private Proposal idle(PolicyInput in, double cold, Map<String, Double> f) {
        RequestWindows w = in.windows();
        long now = in.nowMillis();
        int current = in.currentReplicas();
        double idle = w.idleSeconds(now);
        f.put("idle_s", idle);
        double[] all = w.idleGaps();
        double[] gaps = Arrays.copyOfRange(all, Math.max(0, all.length - RECENT), all.length);
        Arrays.sort(gaps);

        double fallbackKeep = Math.max(FALLBACK_KEEP_MILLIS / 1000.0, 2 * cold);
        int first = 0;
        // A gap as long as the idle time so far is still possible: it ends with the sample starting now.
        while (first < gaps.length && gaps[first] < idle) {
            first++;
        }
        // Without a usable history, or idle for longer than any recent gap (the pattern has changed): as KPA.
        if (gaps.length < MIN_GAPS || lossCount == 0 || first == gaps.length) {
            double keep = fallbackKeep;
            f.put("keep_until_idle_s", keep);
            if (count(w, now - RECENT_MILLIS, now) > 0) {
                return new Proposal(1, current == 0 ? Reason.FROM_ZERO : Reason.KEEP_WARM, f);
            }
            if (idle >= keep) {
                return new Proposal(0, Reason.TO_ZERO, f);
            }
            return new Proposal(Math.min(1, current), Reason.KEEP_WARM, f);
        }

        double loss = 0;
        for (int k = 0; k < lossCount; k++) {
            loss += losses[k];
        }
        loss /= lossCount;
        // Requests lost at zero are priced at the last replica's own, lower price: a miss there loses every
        // request of a whole cold start (the service is down), not just the overflow of a busy one.
        double lossCost = loss / lastReplicaMinUse;
        double missCost = cold + lossCost;
        double margin = TICK.toMillis() / 1000.0;
        double lead = cold + 2 * margin;
        f.put("miss_cost_replica_s", missCost);

        // Gaps still possible, given the idle time so far.
        int m = gaps.length - first;
        f.put("gaps_ahead", (double) m);

        // Plan A: keep until T (T = now: release now).
        double bestCost = missCost; // release now: every remaining gap ends in a miss
        double bestKeep = idle;
        double bestPrewarm = Double.NaN;
        for (int j = first; j < gaps.length; j++) {
            double t = gaps[j] + margin;
            double c = 0;
            for (int k = first; k < gaps.length; k++) {
                c += gaps[k] <= t ? gaps[k] - idle : (t - idle) + missCost;
            }
            c /= m;
            if (c < bestCost) {
                bestCost = c;
                bestKeep = t;
                bestPrewarm = Double.NaN;
            }
        }
        // Plan B: release now, start again at P (a cold start before a likely arrival), keep until K.
        for (int i = first; i < gaps.length; i++) {
            double p = gaps[i] - lead;
            // No flapping: a release is worth it only if the replica stays off for at least a cold start.
            if (p - idle < Math.max(cold, 2 * margin)) {
                continue;
            }
            for (int j = i; j < gaps.length; j++) {
                double kEnd = gaps[j] + margin;
                double c = 0;
                for (int k = first; k < gaps.length; k++) {
                    double g = gaps[k];
                    if (g < p) {
                        c += missCost;
                    } else if (g <= kEnd) {
                        c += (g - p) + (g < p + cold ? lossCost * (p + cold - g) / cold : 0);
                    } else {
                        c += (kEnd - p) + missCost;
                    }
                }
                c /= m;
                if (c < bestCost) {
                    bestCost = c;
                    bestKeep = kEnd;
                    bestPrewarm = p;
                }
            }
        }
        f.put("keep_until_idle_s", bestKeep);
        f.put("expected_cost_replica_s", bestCost);
        if (!Double.isNaN(bestPrewarm)) {
            f.put("prewarm_at_idle_s", bestPrewarm);
            // Not needed before the pre-warm time: release now, come back in time.
            return new Proposal(0, Reason.TO_ZERO, f);
        }
        if (bestKeep <= idle) {
            return new Proposal(0, Reason.TO_ZERO, f);
        }
        boolean prewarm = current == 0 && count(w, now - RECENT_MILLIS, now) == 0;
        return new Proposal(1, prewarm ? Reason.PREWARM : Reason.KEEP_WARM, f);
    }
}

package dev.capstan.autoscaler.domain;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Capstan's policy: one price for a replica-second, applied to sizing, holding, idling and pre-warming.
 *
 * <p>The price is {@code minUse}: a replica is worth having while it is expected to serve at least that share
 * of its capacity (default 0.1). Equivalently a request is worth {@code 1 / minUse} replica-seconds. KPA sizes
 * for the <i>mean</i> rate at 70 % utilisation; capstan sizes every replica on its own <i>marginal</i> use.
 *
 * <ol>
 *   <li><b>Sizing on the demand distribution.</b> The R-th replica serves what the first R − 1 leave over, up to
 *       its capacity c; capstan keeps the largest R whose marginal use is at least {@code minUse}. When the
 *       service's gateway holds requests for a while ({@link ScalingSettings#queueTimeout()}), the marginal use
 *       is measured with that queue replayed over the window (requests that wait and are still served count),
 *       so per-second noise the queue absorbs buys no replica.</li>
 *   <li><b>Windows proportional to the cold start.</b> A replica asked for now serves a cold start (plus a
 *       tick) later: the distribution is read over a short window of 3 such horizons (at least 20 s) and a
 *       long one of 5 (300 to 600 s); the larger count wins, so capacity goes only once its marginal use over
 *       the long window has fallen below the price (no flapping). A count asked for is kept at least one horizon
 *       (cold start + tick): a replica is never released before it could have served (a periodic service
 *       follows its profile instead, rule 5).</li>
 *   <li><b>A young service is sized at a lower price.</b> Until the long window holds a service's demand, little is
 *       known of it: its sizing price starts at {@link #YOUNG_PRICE_SHARE} of the price at its first sample and
 *       reaches the full price when the service is a long window old (a start-up ramp is where both KPA and
 *       capstan lose most requests).</li>
 *   <li><b>Hold or react, per replica level.</b> Over 20 horizons (300 s to 20 min) each level is replayed two
 *       ways: held all the time, or started on demand (serving a cold start late). It is held when the requests
 *       only a held replica serves pay, at the price, for its extra replica-seconds. A 5 s cold start catches
 *       most of a burst by reacting; a 60 s one misses every burst shorter than a minute, so it holds. A held
 *       level must also earn its price over the hold window under the exact gateway-queue replay of rule 1 (the
 *       hold replay works on a coarser, queue-averaged demand that overrates a level on smooth noisy traffic).</li>
 *   <li><b>Trend</b> (cold starts up to 20 s). A significant rise between the last two 10 s windows is
 *       extrapolated to when a new replica would be ready (at most 10 s ahead, at most tripling). With longer
 *       cold starts a 10 s rise says nothing about demand a minute later.</li>
 *   <li><b>Period.</b> A service that repeats (timers, batch jobs) gets its replicas a cold start before the
 *       expected burst ({@link SeasonalProfile}) and does not hold burst capacity through a gap the period
 *       says is quiet.</li>
 *   <li><b>Idle: keep, release or pre-warm by expected cost.</b> When no replica earns its price any more,
 *       the last one is kept, released, or released and started again a cold start before the likely next
 *       request, by comparing expected costs over the service's remembered idle gaps that were at least as long
 *       as the idle time so far: keeping costs the idle time; a miss costs a cold start plus the requests a
 *       warm replica served in the first cold start after that gap, priced at the last replica's own price
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
     * slowdown). Default 1/2: at minUse 0.1 a request lost at zero is worth 20 replica-seconds.
     */
    static final double DEFAULT_LAST_REPLICA_FACTOR = 0.5;
    static final double SHORT_HORIZONS = 3;
    static final long MIN_SHORT_MILLIS = 20_000;
    static final double LONG_HORIZONS = 5;
    /** A new service's sizing price as a share of the price; it rises linearly to 1 over its first long window. */
    static final double YOUNG_PRICE_SHARE = 0.1;
    /** No ceiling for {@link #replicasByUse}. */
    private static final int ALL = Integer.MAX_VALUE;
    static final long MIN_LONG_MILLIS = 300_000;
    static final long MAX_LONG_MILLIS = 600_000;
    /** The hold-or-react replay looks back this many horizons (at least the long window, at most HOLD_MAX). */
    static final double HOLD_HORIZONS = 20;
    static final long MAX_HOLD_MILLIS = 1_200_000;
    /** The longest history any window reads; the engine keeps samples this long. */
    static final long HISTORY_MILLIS = Math.max(MAX_LONG_MILLIS, MAX_HOLD_MILLIS);
    /** From zero without an idle history: any request within this window brings one replica. */
    static final long RECENT_MILLIS = 6_000;
    static final long TREND_HALF_MILLIS = 10_000;
    static final double MAX_TREND_GROWTH = 3.0;
    static final double MAX_TREND_HORIZON_S = 10;
    /** The trend is extrapolated only for cold starts up to this: a 10 s rise does not predict a minute. */
    static final long TREND_MAX_COLD_MILLIS = 20_000;
    /** A rise counts as a trend when it exceeds this many Poisson standard deviations. */
    static final double Z = 1.0;
    /** A periodic service's expected burst must find its replicas ready: looked ahead a horizon plus this. */
    static final long SEASON_LEAD_MILLIS = 20_000;
    /** A release (from a running replica) must leave it off for at least this share of a cold start. */
    static final double MIN_OFF_COLD_STARTS = 0.5;
    static final long FALLBACK_KEEP_MILLIS = 90_000;
    /** Gaps needed before the idle history is trusted. */
    static final int MIN_GAPS = 4;
    /** At most this many remembered gaps (the most recent ones at least as long as the idle time) are weighed. */
    static final int RECENT = 16;
    /** Gaps remembered: enough that the long ones of a bursty service are not crowded out by its short ones. */
    static final int HISTORY = 256;

    private final double minUse;
    private final double lastReplicaMinUse;
    /** Working arrays of one decision; shared by every policy deciding on the same thread (none keeps them). */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private Scratch x;
    private final SeasonalProfile seasonal = new SeasonalProfile();
    private final double[] seasonRates =
            new double[(int) ((MAX_LONG_MILLIS + SEASON_LEAD_MILLIS) / SeasonalProfile.BUCKET_MILLIS) + 2];
    private long seenGaps;
    /** The highest count asked for since {@link #keptSince}; kept until a horizon has passed. */
    private int kept;
    private long keptSince = Long.MIN_VALUE;
    private long pendingBusyStart = Long.MIN_VALUE;
    private double pendingGap;
    /** Idle gaps and what their end would have cost at zero (requests in the first cold start), a ring. */
    private final double[] histGap = new double[HISTORY];
    private final double[] histLoss = new double[HISTORY];
    private int histCount;
    private int histNext;
    private final double[] condGap = new double[RECENT];
    private final double[] condLoss = new double[RECENT];

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
    public Duration history() {
        return Duration.ofMillis(HISTORY_MILLIS);
    }

    @Override
    public Proposal propose(PolicyInput in) {
        x = SCRATCH.get();
        RequestWindows w = in.windows();
        long now = in.nowMillis();
        ScalingSettings s = in.settings();
        if (x.rates.length < w.capacityHint()) {
            x.rates = new double[w.capacityHint()];
            x.secs = new double[w.capacityHint()];
        }
        long coldMillis = s.coldStart().toMillis();
        long horizonMillis = coldMillis + TICK.toMillis();
        double capacity = s.targetRpsPerReplica();
        learnStartLoss(w, now, horizonMillis, capacity);

        long shortMillis =
                Math.min(MAX_LONG_MILLIS, Math.max(MIN_SHORT_MILLIS, (long) (SHORT_HORIZONS * horizonMillis)));
        long longMillis = Math.min(MAX_LONG_MILLIS, Math.max(MIN_LONG_MILLIS, (long) (LONG_HORIZONS * horizonMillis)));
        long holdMillis = Math.min(MAX_HOLD_MILLIS, Math.max(longMillis, (long) (HOLD_HORIZONS * horizonMillis)));
        double queue = s.queueTimeout().toMillis() / 1000.0;
        double cold = coldMillis / 1000.0;
        long first = w.firstSampleStartMillis();
        double age = first == Long.MIN_VALUE ? 0 : Math.max(0, now - first) / (double) longMillis;
        double sizingPrice = minUse * Math.max(YOUNG_PRICE_SHARE, Math.min(1, age));
        int rShort = capacity > 0 ? replicasByUse(w, now - shortMillis, now, capacity, queue, sizingPrice, 0, ALL) : 0;
        int rLong = capacity > 0 ? replicasByUse(w, now - longMillis, now, capacity, queue, sizingPrice, 0, ALL) : 0;
        // Too long a cold start to react: a request only a held level serves is one that would be lost for a whole
        // cold start of every burst, valued like one lost at zero.
        double holdPrice = coldMillis > TREND_MAX_COLD_MILLIS ? Math.min(sizingPrice, lastReplicaMinUse) : sizingPrice;
        int rHold = capacity > 0 ? holdLevel(w, now, holdMillis, shortMillis, capacity, queue, cold, holdPrice) : 0;
        if (rHold > Math.max(rShort, rLong)) { // below that the cap changes no count
            rHold = replicasByUse(w, now - holdMillis, now, capacity, queue, holdPrice, Math.max(rShort, rLong), rHold);
        }

        // Trend, on request counts so that the Poisson noise of each window is known.
        double half = TREND_HALF_MILLIS / 1000.0;
        double nRecent = count(w, now - TREND_HALF_MILLIS, now);
        double nOlder = count(w, now - 2 * TREND_HALF_MILLIS, now - TREND_HALF_MILLIS);
        double slope = 0;
        double diff = nRecent - nOlder;
        // No trend against a window the service had not been observed in yet (a new service is not a rise).
        boolean olderSeen = !Double.isNaN(w.rateBetween(now - 2 * TREND_HALF_MILLIS, now - TREND_HALF_MILLIS));
        if (coldMillis <= TREND_MAX_COLD_MILLIS && olderSeen && diff > Z * Math.sqrt(nRecent + nOlder)) {
            slope = (diff / half) / half;
        }
        double horizon = horizonMillis / 1000.0;
        double recentRps = nRecent / half;
        double forecast = Math.min(recentRps + slope * Math.min(horizon, MAX_TREND_HORIZON_S),
                MAX_TREND_GROWTH * recentRps);
        int rTrend = slope > 0 && capacity > 0 ? (int) Math.ceil(forecast / capacity - 1e-9) : 0;
        double conc = PolicyInput.orZero(w.concurrency(now, RECENT_MILLIS / 1000.0));
        int rConc = in.replicasFor(0, conc);

        int rSeason = 0;
        if (capacity > 0) {
            seasonal.catchUp(w, now);
            rSeason = seasonalReplicas(now, horizonMillis, capacity);
        }
        // Held capacity (long window, hold-or-react) is for bursts that may come back; a periodic service's
        // profile says when they come back, so it holds only what the profile or the short window asks for.
        int rHeld = Math.max(rLong, rHold);
        if (seasonal.periodSeconds() > 0) {
            rHeld = Math.min(rHeld, Math.max(rShort, rSeason));
        }
        int asked = Math.max(Math.max(rShort, rHeld), Math.max(rSeason, Math.max(rTrend, rConc)));
        // No flapping: a count asked for stays until a horizon has passed (a replica is not released before it
        // could have served); a higher count restarts the horizon. A periodic service follows its profile instead,
        // which says when its next burst comes (as for held capacity above).
        if (asked >= kept || now - keptSince >= horizonMillis || seasonal.periodSeconds() > 0) {
            kept = asked;
            keptSince = now;
        }
        int busy = asked > 0 ? Math.max(asked, kept) : 0;

        Map<String, Double> f = new LinkedHashMap<>();
        f.put("min_use", minUse);
        f.put("sizing_min_use", sizingPrice);
        f.put("last_replica_min_use", lastReplicaMinUse);
        f.put("short_window_s", shortMillis / 1000.0);
        f.put("long_window_s", longMillis / 1000.0);
        f.put("short_replicas", (double) rShort);
        f.put("long_replicas", (double) rLong);
        f.put("hold_window_s", holdMillis / 1000.0);
        f.put("hold_replicas", (double) rHold);
        f.put("hold_min_use", holdPrice);
        f.put("trend_rps_per_s", slope);
        f.put("forecast_rps", slope > 0 ? forecast : recentRps);
        f.put("forecast_horizon_s", horizon);
        f.put("trend_replicas", (double) rTrend);
        f.put("kept_replicas", (double) kept);
        if (seasonal.periodSeconds() > 0) {
            f.put("period_s", seasonal.periodSeconds());
            f.put("seasonal_replicas", (double) rSeason);
        }

        if (busy > 0) {
            Reason reason = busy > asked ? Reason.STABILISED
                    : rTrend == busy && rTrend > Math.max(rShort, rHeld) ? Reason.FORECAST
                    : rSeason == busy && rSeason > rShort ? Reason.PREWARM
                    : rHeld == busy && rHeld > rShort ? Reason.STABILISED : Reason.STABLE;
            return new Proposal(busy, reason, f);
        }
        return idle(in, cold, f);
    }

    /**
     * The largest R whose marginal use over (from, to] is at least {@code price}; 0 without requests. Searched only
     * within [floor, ceiling] (the answer clamped to that range: fewer replay passes when only part of it matters;
     * {@code 0, ALL} for the whole range).
     */
    private int replicasByUse(RequestWindows w, long from, long to, double capacity, double queueSeconds, double price,
            int floor, int ceiling) {
        if (count(w, from, to) <= 0) {
            return 0;
        }
        int n = w.samplesBetween(from, to, x.rates, x.secs);
        double covered = 0;
        double max = 0;
        for (int k = 0; k < n; k++) {
            covered += x.secs[k];
            max = Math.max(max, x.rates[k]);
        }
        if (max <= 0 || covered <= 0) {
            return 0;
        }
        int hi = Math.min(ceiling, (int) Math.ceil(max / capacity - 1e-9)); // use(hi + 1) == 0 or past the ceiling
        int lo = Math.min(floor, hi); // taken as earning its price: below the floor the answer does not matter
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            double use = (served(n, mid, capacity, queueSeconds) - served(n, mid - 1, capacity, queueSeconds))
                    / (capacity * covered);
            if (use >= price) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * The highest replica level (≥ 2; the last replica has its own model in {@link #idle}) that is worth
     * <i>holding</i> through the window rather than acquiring when it is needed. Over the last {@code windowMillis}
     * each level R is compared two ways: held all the time (costs the whole window, serves the R-th replica's
     * share of every second) or on demand, as the short window provides it (there while its use over the short
     * window earns the price, serving a cold start after it was asked for). Each way is worth the requests it
     * serves, priced at {@code 1 / holdPrice}, minus its replica-seconds; holding wins when it is worth more than
     * reacting and more than nothing. With a short cold start on-demand replicas catch most of a burst and little
     * is held; with a long one bursts shorter than the cold start are only ever served by held capacity.
     */
    private int holdLevel(RequestWindows w, long now, long windowMillis, long shortMillis, double capacity,
            double queue, double cold, double holdPrice) {
        int n = smoothedDemand(w, now, windowMillis, queue);
        if (n == 0) {
            return 0;
        }
        double peak = 0;
        double window = 0;
        for (int k = 0; k < n; k++) {
            peak = Math.max(peak, x.repDemand[k]);
            window += x.repLen[k];
        }
        double shortSec = shortMillis / 1000.0;
        int top = (int) Math.ceil(peak / capacity - 1e-9);
        for (int level = top; level >= 2; level--) {
            double base = (level - 1) * capacity;
            double heldServed = 0;
            double reactServed = 0;
            double reactCost = 0;
            double readyAt = Double.NaN; // on-demand replica: NaN = off
            double trail = 0; // the level's use over the trailing short window, as the short window sees it
            int j = 0;
            for (int k = 0; k < n; k++) {
                double t = x.repStart[k];
                double u = x.repLen[k] * Math.min(capacity, Math.max(0, x.repDemand[k] - base));
                trail += u;
                while (x.repStart[j] + x.repLen[j] <= t + x.repLen[k] - shortSec + 1e-9) {
                    trail -= x.repLen[j] * Math.min(capacity, Math.max(0, x.repDemand[j] - base));
                    j++;
                }
                // On demand = what the short window does: the level is there while its use over the short
                // window earns the price, and serves a cold start after it was asked for.
                if (trail >= minUse * capacity * shortSec) {
                    if (Double.isNaN(readyAt)) {
                        readyAt = t + cold;
                    }
                } else {
                    readyAt = Double.NaN;
                }
                if (!Double.isNaN(readyAt)) {
                    reactCost += x.repLen[k];
                    if (t >= readyAt) {
                        reactServed += u;
                    }
                }
                heldServed += u;
            }
            // Each way's worth: requests served at the price minus replica-seconds spent. Holding must beat both
            // reacting and not having the level at all (a reaction that always comes too late is worth < 0).
            double held = heldServed / holdPrice - window;
            double reacted = reactServed / holdPrice - reactCost;
            if (held >= Math.max(reacted, 0)) {
                return level;
            }
        }
        return 0;
    }

    /**
     * The samples of (now − windowMillis, now] oldest first into {@code repStart} (start, s from the window
     * start), {@code repLen} (length, s) and {@code repDemand} (demand per second averaged over the queue bound
     * plus one second: what the replicas must absorb when requests may wait). Returns how many.
     */
    private int smoothedDemand(RequestWindows w, long now, long windowMillis, double queue) {
        int n = w.samplesBetween(now - windowMillis, now, x.rates, x.secs);
        if (x.repDemand.length < n) {
            x.repDemand = new double[n];
            x.repStart = new double[n];
            x.repLen = new double[n];
        }
        double t = 0;
        double sum = 0;
        int tail = 0;
        for (int k = 0; k < n; k++) {
            int src = n - 1 - k;
            x.repStart[k] = t;
            x.repLen[k] = x.secs[src];
            sum += x.rates[src] * x.secs[src];
            t += x.secs[src];
            while (tail < k && x.repStart[tail] + x.repLen[tail] <= t - queue - 1 + 1e-9) {
                sum -= x.rates[n - 1 - tail] * x.secs[n - 1 - tail];
                tail++;
            }
            x.repDemand[k] = sum / Math.max(t - x.repStart[tail], 1e-9);
        }
        return n;
    }

    /**
     * Replicas the seasonal forecast justifies: the largest R whose expected marginal use over the next cold
     * start plus {@link #SEASON_LEAD_MILLIS} is at least {@code minUse} (a burst expected then must find them
     * ready; a stray request does not buy a replica).
     */
    private int seasonalReplicas(long now, long horizonMillis, double capacity) {
        long span = horizonMillis + SEASON_LEAD_MILLIS;
        int n = seasonal.expectedRates(now, now + span, seasonRates);
        int r = 0;
        while (n > 0) {
            double base = r * capacity;
            double served = 0;
            for (int k = 0; k < n; k++) {
                double bucketSeconds = SeasonalProfile.BUCKET_MILLIS / 1000.0;
                served += bucketSeconds * Math.max(0, Math.min(capacity, seasonRates[k] - base));
            }
            if (served / (capacity * span / 1000.0) < minUse) {
                break;
            }
            r++;
        }
        return r;
    }

    /**
     * Requests that {@code r} replicas would have served over the collected samples (newest first in
     * {@code x.rates}/{@code x.secs}). Without a gateway queue that is {@code Σ min(demand, r·c)} per sample; with one,
     * demand that finds no free replica waits, oldest first, and is served if a replica frees up within
     * {@code queueSeconds} of its arrival (the same rule as the gateway's timeout).
     */
    private double served(int n, int r, double capacity, double queueSeconds) {
        if (r <= 0) {
            return 0;
        }
        double rate = r * capacity;
        double served = 0;
        if (queueSeconds <= 0) {
            for (int k = 0; k < n; k++) {
                served += x.secs[k] * Math.min(rate, x.rates[k]);
            }
            return served;
        }
        if (x.qTime.length < n) {
            x.qTime = new double[n];
            x.qAmount = new double[n];
        }
        int head = 0;
        int tail = 0;
        double t = 0;
        for (int k = n - 1; k >= 0; k--) { // oldest first
            while (head < tail && x.qTime[head] < t - queueSeconds - 1e-9) {
                head++; // waited too long: failed by the gateway
            }
            x.qTime[tail] = t;
            x.qAmount[tail++] = x.rates[k] * x.secs[k];
            double free = rate * x.secs[k];
            while (head < tail && free > 0) {
                double s = Math.min(free, x.qAmount[head]);
                x.qAmount[head] -= s;
                free -= s;
                served += s;
                if (x.qAmount[head] <= 1e-12) {
                    head++;
                }
            }
            t += x.secs[k];
        }
        return served;
    }

    /**
     * After each idle gap, measures what a warm replica would have served in the first cold start (+ tick) of
     * the busy period that followed: what a miss costs in requests.
     */
    private void learnStartLoss(RequestWindows w, long now, long horizonMillis, double capacity) {
        if (w.gapsRecorded() != seenGaps) {
            if (pendingBusyStart != Long.MIN_VALUE) {
                recordGap(w, Math.min(now, pendingBusyStart + horizonMillis), capacity); // cut short by a new gap
            }
            seenGaps = w.gapsRecorded();
            pendingBusyStart = w.lastBusyStartMillis();
            pendingGap = w.lastGapSeconds();
        }
        if (pendingBusyStart != Long.MIN_VALUE && now >= pendingBusyStart + horizonMillis) {
            recordGap(w, pendingBusyStart + horizonMillis, capacity);
        }
    }

    private void recordGap(RequestWindows w, long until, double capacity) {
        int n = w.samplesBetween(pendingBusyStart, until, x.rates, x.secs);
        pendingBusyStart = Long.MIN_VALUE;
        double lost = 0;
        for (int k = 0; k < n; k++) {
            lost += x.secs[k] * (capacity > 0 ? Math.min(capacity, x.rates[k]) : x.rates[k]);
        }
        histGap[histNext] = pendingGap;
        histLoss[histNext] = lost;
        histNext = (histNext + 1) % HISTORY;
        histCount = Math.min(HISTORY, histCount + 1);
    }

    /**
     * The most recent (at most {@link #RECENT}) remembered gaps that were at least {@code idle} long, with their
     * losses, into {@link #condGap}/{@link #condLoss} sorted by gap; returns how many.
     */
    private int gapsAtLeast(double idle) {
        int m = 0;
        for (int k = 1; k <= histCount && m < RECENT; k++) {
            int i = Math.floorMod(histNext - k, HISTORY);
            // A gap as long as the idle time so far is still possible: it ends with the sample starting now.
            if (histGap[i] >= idle) {
                int j = m++;
                while (j > 0 && condGap[j - 1] > histGap[i]) {
                    condGap[j] = condGap[j - 1];
                    condLoss[j] = condLoss[j - 1];
                    j--;
                }
                condGap[j] = histGap[i];
                condLoss[j] = histLoss[i];
            }
        }
        return m;
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
        double fallbackKeep = Math.max(FALLBACK_KEEP_MILLIS / 1000.0, 2 * cold);
        // The gaps still possible given the idle time so far: the recent ones at least that long.
        int m = gapsAtLeast(idle);
        double[] gaps = condGap;
        // Without a usable history, or idle for longer than the gaps seen (the pattern has changed): as KPA.
        if (m < MIN_GAPS) {
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
        // A miss costs a cold start plus, priced at the last replica's own price, the requests a warm replica
        // would have served in the first cold start after that gap: a miss at zero loses all of them.
        double[] missCost = new double[m];
        double meanMiss = 0;
        for (int k = 0; k < m; k++) {
            missCost[k] = cold + condLoss[k] / lastReplicaMinUse;
            meanMiss += missCost[k] / m;
        }
        double margin = TICK.toMillis() / 1000.0;
        double lead = cold + 2 * margin;
        f.put("miss_cost_replica_s", meanMiss);
        f.put("gaps_ahead", (double) m);

        // Plan A: keep until T (T = now: release now). At zero, keeping means starting now: ready a cold start later.
        double bestCost = meanMiss; // release now: every remaining gap ends in a miss
        double bestKeep = idle;
        double bestPrewarm = Double.NaN;
        double readyIfKept = current > 0 ? Double.NEGATIVE_INFINITY : idle + cold;
        for (int j = 0; j < m; j++) {
            double t = gaps[j] + margin;
            double c = planCost(m, missCost, idle, readyIfKept, t);
            if (c < bestCost) {
                bestCost = c;
                bestKeep = t;
                bestPrewarm = Double.NaN;
            }
        }
        // Plan B: release now, start again at P (a cold start before a likely arrival), keep until K.
        for (int i = 0; i < m; i++) {
            double p = gaps[i] - lead;
            // No flapping: a release is worth it only if the replica stays off for at least a cold start. At zero
            // already, staying off until P is no release.
            if (current > 0 ? p - idle < Math.max(MIN_OFF_COLD_STARTS * cold, 2 * margin) : p <= idle) {
                continue;
            }
            for (int j = i; j < m; j++) {
                double kEnd = gaps[j] + margin;
                double c = planCost(m, missCost, p, p + cold, kEnd);
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

    /**
     * Expected cost (replica-seconds, requests at the last replica's price) over the remembered gaps
     * ({@link #condGap}, {@link #condLoss}, {@code missCost}) of a replica that runs from {@code start} to
     * {@code end} and serves from {@code ready}: a gap ending before it starts or after it ends is a miss; one ending
     * while it starts loses the requests it is late for.
     */
    private double planCost(int m, double[] missCost, double start, double ready, double end) {
        double c = 0;
        for (int k = 0; k < m; k++) {
            double g = condGap[k];
            if (g < start) {
                c += missCost[k];
            } else if (g <= end) {
                c += (g - start) + (g < ready ? lateLoss(condLoss[k], (ready - g) / (ready - start)) / lastReplicaMinUse : 0);
            } else {
                c += (end - start) + missCost[k];
            }
        }
        return c / m;
    }

    /**
     * Requests lost when the replica meant for a gap's end is ready only {@code lateShare} of its cold start after
     * it: that share of the first cold start's requests, and never less than the first one (a gap ends with a
     * request, which finds the replica still starting).
     */
    static double lateLoss(double firstColdStartRequests, double lateShare) {
        return Math.min(firstColdStartRequests, Math.max(1, firstColdStartRequests * lateShare));
    }

    /** Working arrays, grown to the longest window a decision reads. */
    private static final class Scratch {
        /** A window's samples, newest first: requests per second and seconds inside the window. */
        double[] rates = new double[64];
        double[] secs = new double[64];
        /** The gateway-queue replay: arrival time and amount still waiting. */
        double[] qTime = new double[64];
        double[] qAmount = new double[64];
        /** Oldest-first replay buffers: sample start (s from the window start), length (s), queue-smoothed demand. */
        double[] repStart = new double[64];
        double[] repLen = new double[64];
        double[] repDemand = new double[64];
    }
}

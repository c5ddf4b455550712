package dev.capstan.autoscaler.domain;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Capstan's policy: cold-start-aware, no flapping, and a keep-alive that learns the service's idle gaps.
 *
 * <ol>
 *   <li><b>Forecast.</b> Demand is read over 6 s and as a trend between the last two 10 s windows. A new
 *       replica serves only after the cold start, so the policy sizes for the demand forecast at
 *       {@code now + cold start + tick} (the trend extrapolated, never more than tripling the current rate),
 *       and never for less than the last 6 s.</li>
 *   <li><b>No flapping.</b> A replica is released only when the forecast has not needed it for a whole
 *       stabilisation window equal to the cold start (clamped to 10 … 60 s): dropping a replica that is
 *       needed again within its cold start loses requests for that long.</li>
 *   <li><b>Keep-alive and pre-warm.</b> When the service goes idle, the last replica is kept or released
 *       from the history of its past idle gaps (a hybrid-histogram keep-alive in the spirit of Shahrad et al.,
 *       "Serverless in the Wild", ATC '20): if even the shortest recent gaps are longer than a cold start,
 *       the replica goes at once and comes back a cold start before the earliest expected arrival
 *       ({@code PREWARM}); it is kept ({@code KEEP_WARM}) until the longest recent gap has passed, and then
 *       released. Without a usable history it keeps the last replica for
 *       {@code max(90 s, 2 × cold start)}: 90 s is what KPA does (60 s window + 30 s grace); the second term
 *       holds longer when re-starting costs more than keeping.</li>
 * </ol>
 */
final class CapstanPolicy implements ScalingPolicy {

    static final Duration TICK = Duration.ofSeconds(2);
    static final long SHORT_MILLIS = 6_000;
    static final long TREND_HALF_MILLIS = 10_000;
    static final double MAX_TREND_GROWTH = 3.0;
    /** A trend is extrapolated at most this far, however long the cold start: further out it is a guess. */
    static final double MAX_TREND_HORIZON_S = 10;
    /** Scale-down reads the upper confidence bound of the rate over this window. */
    static final long DOWN_WINDOW_MILLIS = 30_000;
    /** Width of the confidence bounds in Poisson standard deviations. */
    static final double Z = 1.0;
    static final long MIN_STABILISATION_MILLIS = 10_000;
    static final long MAX_STABILISATION_MILLIS = 60_000;
    static final long FALLBACK_KEEP_MILLIS = 90_000;
    /** Gaps needed before the idle history is trusted. */
    static final int MIN_GAPS = 4;
    /** Only the most recent gaps count: a service's pattern changes over a day. */
    static final int RECENT_GAPS = 16;
    /** Keep-alive goes this far past the longest recent gap (10 %), so a slightly late arrival is still warm. */
    static final double KEEP_MARGIN = 1.1;
    /** The longest keep-alive the history may ask for, in cold starts; beyond, the fallback applies. */
    static final double MAX_KEEP_COLD_STARTS = 20;

    /** Past recommendations (time, replicas), kept as a decreasing deque for an O(1) window maximum. */
    private long[] recTimes = new long[64];
    private int[] recValues = new int[64];
    private int recHead;
    private int recSize;

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
        long coldMillis = s.coldStart().toMillis();
        double horizon = (coldMillis + TICK.toMillis()) / 1000.0;

        // Request counts (not rates) so that the Poisson noise of each window is known: sqrt(count).
        double n6 = count(w, now - SHORT_MILLIS, now);
        double nRecent = count(w, now - TREND_HALF_MILLIS, now);
        double nOlder = count(w, now - 2 * TREND_HALF_MILLIS, now - TREND_HALF_MILLIS);
        double nDown = count(w, now - DOWN_WINDOW_MILLIS, now);
        double half = TREND_HALF_MILLIS / 1000.0;

        // Scale up on what is surely there (lower bound), down only on what is surely gone (upper bound).
        double upRps = Math.max(lower(n6, SHORT_MILLIS / 1000.0), lower(nRecent + nOlder, 2 * half));
        double slope = 0;
        double diff = nRecent - nOlder;
        if (diff > Z * Math.sqrt(nRecent + nOlder)) {
            slope = (diff / half) / half; // a significant rise: (rate change) per second
        }
        double forecast = Math.min(upRps + slope * Math.min(horizon, MAX_TREND_HORIZON_S),
                MAX_TREND_GROWTH * Math.max(upRps, nRecent / half));
        forecast = Math.max(upRps, forecast);
        double downRps = upper(nDown, DOWN_WINDOW_MILLIS / 1000.0);
        double conc = PolicyInput.orZero(w.concurrency(now, SHORT_MILLIS / 1000.0));
        // Any request in the short window needs a replica, however uncertain its rate (from zero at once).
        int up = Math.max(n6 > 0 ? 1 : 0, in.replicasFor(forecast, conc));
        int down = in.replicasFor(downRps, conc);

        long stabilisation = Math.max(MIN_STABILISATION_MILLIS, Math.min(MAX_STABILISATION_MILLIS, coldMillis));
        int recentUp = pushAndMax(now, up, stabilisation);
        int current = in.currentReplicas();
        int held = Math.max(recentUp, Math.min(current, down));

        Map<String, Double> f = new LinkedHashMap<>();
        f.put("short_rps", n6 / (SHORT_MILLIS / 1000.0));
        f.put("up_rps", upRps);
        f.put("trend_rps_per_s", slope);
        f.put("forecast_rps", forecast);
        f.put("forecast_horizon_s", horizon);
        f.put("down_rps", downRps);
        f.put("up_replicas", (double) up);
        f.put("down_replicas", (double) down);
        f.put("stabilisation_s", stabilisation / 1000.0);

        if (held > 0) {
            Reason reason = held > up ? Reason.STABILISED
                    : in.replicasFor(upRps, conc) < up ? Reason.FORECAST : Reason.STABLE;
            return new Proposal(held, reason, f);
        }
        return idle(in, coldMillis, f);
    }

    private static double count(RequestWindows w, long from, long to) {
        double r = w.rateBetween(from, to);
        return Double.isNaN(r) ? 0 : r * ((to - from) / 1000.0);
    }

    private static double lower(double n, double seconds) {
        return Math.max(0, n - Z * Math.sqrt(n)) / seconds;
    }

    private static double upper(double n, double seconds) {
        return (n + Z * Math.sqrt(n)) / seconds;
    }

    /** No demand for a whole stabilisation window: keep, release or pre-warm the last replica. */
    private Proposal idle(PolicyInput in, long coldMillis, Map<String, Double> f) {
        double idle = in.windows().idleSeconds(in.nowMillis());
        double cold = coldMillis / 1000.0;
        double lead = cold + 2 * TICK.toMillis() / 1000.0;
        double fallbackKeep = Math.max(FALLBACK_KEEP_MILLIS / 1000.0, 2 * cold);
        f.put("idle_s", idle);

        double[] gaps = recentGaps(in.windows().idleGaps());
        double keepUntil = fallbackKeep;
        double prewarmAt = Double.NaN;
        if (gaps.length >= MIN_GAPS) {
            double shortest = gaps[0];
            double longest = gaps[gaps.length - 1];
            f.put("gap_min_s", shortest);
            f.put("gap_max_s", longest);
            double learnedKeep = longest * KEEP_MARGIN + TICK.toMillis() / 1000.0;
            double maxHold = Math.max(fallbackKeep, MAX_KEEP_COLD_STARTS * cold);
            if (shortest - lead > 0) {
                // Released during the gap, back a cold start before the earliest arrival seen, then waiting
                // for the arrival at most until the longest gap seen (and never holding longer than maxHold).
                prewarmAt = shortest - lead;
                keepUntil = Math.min(learnedKeep, prewarmAt + maxHold);
            } else if (learnedKeep <= maxHold) {
                keepUntil = learnedKeep;
            }
        }
        f.put("keep_until_idle_s", keepUntil);
        if (!Double.isNaN(prewarmAt)) {
            f.put("prewarm_at_idle_s", prewarmAt);
        }

        if (idle >= keepUntil) {
            return new Proposal(0, Reason.TO_ZERO, f);
        }
        if (!Double.isNaN(prewarmAt) && idle < prewarmAt) {
            // The earliest expected arrival is more than a cold start away: release now, come back in time.
            return new Proposal(0, Reason.TO_ZERO, f);
        }
        if (!Double.isNaN(prewarmAt)) {
            return new Proposal(1, in.currentReplicas() == 0 ? Reason.PREWARM : Reason.KEEP_WARM, f);
        }
        // No learned arrival time: keep what is there (at most one), do not start one for no demand.
        return new Proposal(Math.min(1, in.currentReplicas()), Reason.KEEP_WARM, f);
    }

    private static double[] recentGaps(double[] all) {
        double[] g = Arrays.copyOfRange(all, Math.max(0, all.length - RECENT_GAPS), all.length);
        Arrays.sort(g);
        return g;
    }

    /** Adds a recommendation and returns the largest one within the window. */
    private int pushAndMax(long now, int value, long windowMillis) {
        while (recSize > 0 && recValues[idx(recSize - 1)] <= value) {
            recSize--;
        }
        if (recSize == recTimes.length) {
            long[] t = new long[recSize * 2];
            int[] v = new int[recSize * 2];
            for (int k = 0; k < recSize; k++) {
                t[k] = recTimes[idx(k)];
                v[k] = recValues[idx(k)];
            }
            recTimes = t;
            recValues = v;
            recHead = 0;
        }
        recTimes[idx(recSize)] = now;
        recValues[idx(recSize)] = value;
        recSize++;
        while (recTimes[recHead] <= now - windowMillis) {
            recHead = (recHead + 1) % recTimes.length;
            recSize--;
        }
        return recValues[recHead];
    }

    private int idx(int logical) {
        return (recHead + logical) % recTimes.length;
    }
}

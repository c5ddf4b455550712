package dev.capstan.autoscaler.rollout;

import dev.capstan.events.RolloutPolicy;
import java.util.Locale;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Judges one analysis window of a canary against the stable revision over the same window.
 *
 * <p>Errors: the canary fails when its error rate exceeds the stable one's by more than the policy's allowance
 * ({@code maxErrorRateIncrease} percentage points) <em>and</em> the excess is significant at α = 0.01: its errors are
 * more than a binomial count at the highest rate the null hypothesis allows (the stable revision's rate at the upper
 * end of its 99 % Wilson interval, plus the allowance) leaves to chance, by the exact binomial tail (see
 * {@link #errorsWorse}). A handful of unlucky errors on a small sample therefore does not roll back a good version,
 * and a bad one is caught as soon as the sample shows it.
 *
 * <p>Latency, from the gateway's per-second p99s: the canary fails when the median of its seconds' p99 exceeds
 * {@code maxLatencyRatio} times the reference's <em>and</em>, when the stable revision reported at least
 * {@value #MIN_SECONDS} seconds in the window, its seconds are significantly slower than the stable ones (one-sided
 * Mann–Whitney U test, normal approximation, same α). Medians, not request-weighted means: a small canary's few busy
 * seconds do not make it slow. Below {@code minRequests} canary requests nothing is judged: the window is extended.
 *
 * <p>A pass needs evidence too: the canary's errors must be shown within the allowance (see
 * {@link #errorsWithinForSure}), else the window is extended; a version with 4 % errors against 0.3 % on 100 requests
 * is neither failed (not yet significant) nor passed. Once the step has been extended as far as it may, the observed
 * rates decide.
 */
public final class CanaryAnalysis {

    /** One-sided 99 % quantile of the standard normal: the confidence a failure needs. */
    static final double Z = 2.326;
    /** One-sided 90 % quantile of the standard normal: the confidence a pass needs. */
    static final double Z_PASS = 1.282;
    /** The significance a failure on errors needs (one-sided; {@link #Z} is its normal quantile). */
    static final double ALPHA = 0.01;

    /** How a window went. */
    public enum Outcome { PASS, FAIL, WAIT }

    /**
     * The verdict and its figures, in words for people ({@code canary failed: errors 7.9 % vs 0.4 %, n=1,204});
     * {@code onLatency} when a failure is the latency's (the errors were fine).
     */
    public record Verdict(Outcome outcome, String text, boolean onLatency) {
        public Verdict(Outcome outcome, String text) {
            this(outcome, text, false);
        }
    }

    /** Seconds of samples a latency comparison needs on each side. */
    static final int MIN_SECONDS = 5;

    /**
     * Requests, errors and latency of one revision over the window.
     *
     * @param p99LatencyMs the median of its seconds' p99 latencies (the latency compared)
     * @param secondP99s   each second's p99 (seconds with requests), for the rank test; empty when not known
     */
    public record Stats(long requests, long errors, double p99LatencyMs, double[] secondP99s) {

        public Stats(long requests, long errors, double p99LatencyMs) {
            this(requests, errors, p99LatencyMs, new double[0]);
        }

        double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }
    }

    private CanaryAnalysis() {
    }

    public static Verdict judge(Stats stable, Stats canary, RolloutPolicy policy) {
        return judge(stable, canary, policy, false);
    }

    /**
     * Judges a window.
     *
     * @param lastChance the step has been extended as far as it may ({@link ServingPlanner#MAX_WINDOWS} windows): a
     *                   canary whose errors are not yet shown within the allowance is decided by its observed rate
     *                   instead of waiting longer
     */
    public static Verdict judge(Stats stable, Stats canary, RolloutPolicy policy, boolean lastChance) {
        int minRequests = policy.minRequests() == null ? 0 : policy.minRequests();
        double allowance = (policy.maxErrorRateIncrease() == null ? 1.0 : policy.maxErrorRateIncrease()) / 100.0;
        double latencyRatio = policy.maxLatencyRatio() == null ? Double.POSITIVE_INFINITY : policy.maxLatencyRatio();
        String latency = stable.p99LatencyMs() > 0
                ? String.format(Locale.ROOT, "p99 %.0f ms vs %.0f ms", canary.p99LatencyMs(), stable.p99LatencyMs())
                : String.format(Locale.ROOT, "p99 %.0f ms (no reference)", canary.p99LatencyMs());
        String figures = String.format(Locale.ROOT, "errors %.1f %% vs %.1f %%, %s, n=%,d",
                100 * canary.errorRate(), 100 * stable.errorRate(), latency, canary.requests());
        if (canary.requests() < Math.max(1, minRequests)) {
            return new Verdict(Outcome.WAIT, String.format(Locale.ROOT, "waiting for requests: n=%,d of %,d",
                    canary.requests(), minRequests));
        }
        if (errorsWorse(stable, canary, allowance)) {
            return new Verdict(Outcome.FAIL, "canary failed: " + figures);
        }
        if (stable.p99LatencyMs() > 0 && canary.p99LatencyMs() > latencyRatio * stable.p99LatencyMs()
                && slowerForSure(stable, canary)) {
            return new Verdict(Outcome.FAIL, "canary failed on latency: " + figures, true);
        }
        if (!lastChance && !errorsWithinForSure(stable, canary, allowance)) {
            return new Verdict(Outcome.WAIT, "not yet shown within the error allowance: " + figures);
        }
        if (lastChance && canary.errorRate() - stable.errorRate() > allowance) {
            return new Verdict(Outcome.FAIL, "canary failed: " + figures + " (not shown within the allowance)");
        }
        return new Verdict(Outcome.PASS, "canary passed: " + figures);
    }

    /**
     * Whether the canary's error rate is shown to exceed the stable one's by no more than the allowance: the upper
     * bound of Newcombe's hybrid score interval for the difference (Wilson bounds of each rate, which behave with zero
     * errors where a normal approximation claims certainty) at {@link #Z_PASS} is within it. A pass asks for less
     * confidence (90 %) than a failure (99 %): a wrong pass still meets the next step's analysis, a wrong failure
     * rolls a good version back.
     */
    static boolean errorsWithinForSure(Stats stable, Stats canary, double allowance) {
        double rc = canary.errorRate();
        double uc = wilson(canary.errors(), canary.requests(), Z_PASS, true);
        double upper;
        if (stable.requests() == 0) {
            upper = uc;
        } else {
            double rs = stable.errorRate();
            double ls = wilson(stable.errors(), stable.requests(), Z_PASS, false);
            upper = rc - rs + Math.sqrt((uc - rc) * (uc - rc) + (rs - ls) * (rs - ls));
        }
        return upper <= allowance;
    }

    /**
     * Whether the canary's errors exceed the stable rate plus the allowance beyond chance. The null hypothesis is
     * "the canary's rate is at most the stable one's plus the allowance"; its most favourable case is a rate of
     * {@code p0} = the stable rate's upper 99 % Wilson bound (the stable revision's own sample is uncertain too) plus
     * the allowance, and the canary fails when P(X &ge; its errors | Binomial(n, p0)) &lt; α.
     *
     * <p>Exact, not a z-test: a z-test with the canary's own variance (as before) spends its power on the spread of
     * the rate it observed, which is wide exactly when a version is bad, and an 8 % version that showed 5.3 % on 208
     * requests was not yet significant against 0.4 % (the rollout benchmark's bursty traces then sent it past its
     * bound); this test, which asks how likely the count is at the null's rate, fails it at about 100 requests. And
     * unlike a normal approximation it keeps its size with the few errors a small sample at a low rate has. The
     * stable bound and the canary's tail each spend α, so a wrong failure is at most about 2 % per look; for a version
     * as good as the stable one (rate well below {@code p0}) it is orders of magnitude less, which is what keeps the
     * repeated looks of {@link ServingPlanner} from adding up.
     */
    static boolean errorsWorse(Stats stable, Stats canary, double allowance) {
        double rc = canary.errorRate();
        double rs = stable.errorRate();
        if (rc - rs <= allowance) {
            return false;
        }
        double p0 = (stable.requests() == 0 ? 0 : wilson(stable.errors(), stable.requests(), Z, true)) + allowance;
        if (p0 >= 1 || canary.errors() <= p0 * canary.requests()) {
            return false;
        }
        int n = (int) Math.min(Integer.MAX_VALUE, canary.requests());
        int k = (int) Math.min(n, canary.errors());
        double tail = 1 - new BinomialDistribution(null, n, p0).cumulativeProbability(k - 1);
        return tail < ALPHA;
    }

    /**
     * Whether the canary's seconds are slower than the stable revision's beyond chance (Mann–Whitney U, one-sided).
     * A canary with fewer than {@value #MIN_SECONDS} seconds of traffic is never judged slow; against a stable
     * revision with fewer (it takes no traffic at the last step), the magnitude alone decides. Without per-second
     * figures at all (callers that only know the medians) the magnitude decides too.
     */
    static boolean slowerForSure(Stats stable, Stats canary) {
        double[] s = stable.secondP99s();
        double[] c = canary.secondP99s();
        if (c.length == 0 && s.length == 0) {
            return true;
        }
        if (c.length < MIN_SECONDS) {
            return false;
        }
        if (s.length < MIN_SECONDS) {
            return true;
        }
        double u = 0;
        for (double x : c) {
            for (double y : s) {
                u += x > y ? 1 : x == y ? 0.5 : 0;
            }
        }
        double n1 = c.length;
        double n2 = s.length;
        double z = (u - n1 * n2 / 2) / Math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12);
        return z > Z;
    }

    /** A bound of the Wilson score interval of {@code k} successes in {@code n} at {@code z}. */
    static double wilson(long k, long n, double z, boolean upper) {
        if (n == 0) {
            return upper ? 1 : 0;
        }
        double p = (double) k / n;
        double z2 = z * z;
        double centre = p + z2 / (2 * n);
        double margin = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return (centre + (upper ? margin : -margin)) / (1 + z2 / n);
    }
}

package dev.capstan.autoscaler.rollout;

import dev.capstan.events.RolloutPolicy;
import java.util.Locale;

/**
 * Judges one analysis window of a canary against the stable revision over the same window.
 *
 * <p>Errors: the canary fails when its error rate exceeds the stable one's by more than the policy's allowance
 * ({@code maxErrorRateIncrease} percentage points) <em>and</em> the difference is significant: a one-sided
 * two-proportion z-test (unpooled) at α = 0.01 (z &gt; 2.326) when the stable revision served requests in the window, else the
 * Wilson lower bound (same confidence) of the canary's rate above the allowance. A handful of unlucky errors on a
 * small sample therefore does not roll back a good version, and a bad one is caught as soon as the sample shows it.
 * Latency: the canary fails when its p99 exceeds {@code maxLatencyRatio} times the stable one's. Below
 * {@code minRequests} canary requests nothing is judged: the window is extended.
 */
public final class CanaryAnalysis {

    /** One-sided 99 % quantile of the standard normal. */
    static final double Z = 2.326;

    /** How a window went. */
    public enum Outcome { PASS, FAIL, WAIT }

    /** The verdict and its figures, in words for people ({@code canary failed: errors 7.9 % vs 0.4 %, n=1,204}). */
    public record Verdict(Outcome outcome, String text) {
    }

    /** Requests, errors and p99 latency of one revision over the window. */
    public record Stats(long requests, long errors, double p99LatencyMs) {
        double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }
    }

    private CanaryAnalysis() {
    }

    public static Verdict judge(Stats stable, Stats canary, RolloutPolicy policy) {
        int minRequests = policy.minRequests() == null ? 0 : policy.minRequests();
        double allowance = (policy.maxErrorRateIncrease() == null ? 1.0 : policy.maxErrorRateIncrease()) / 100.0;
        double latencyRatio = policy.maxLatencyRatio() == null ? Double.POSITIVE_INFINITY : policy.maxLatencyRatio();
        String figures = String.format(Locale.ROOT, "errors %.1f %% vs %.1f %%, p99 %.0f ms vs %.0f ms, n=%,d",
                100 * canary.errorRate(), 100 * stable.errorRate(), canary.p99LatencyMs(), stable.p99LatencyMs(),
                canary.requests());
        if (canary.requests() < Math.max(1, minRequests)) {
            return new Verdict(Outcome.WAIT, String.format(Locale.ROOT, "waiting for requests: n=%,d of %,d",
                    canary.requests(), minRequests));
        }
        if (errorsWorse(stable, canary, allowance)) {
            return new Verdict(Outcome.FAIL, "canary failed: " + figures);
        }
        if (stable.p99LatencyMs() > 0 && canary.p99LatencyMs() > latencyRatio * stable.p99LatencyMs()) {
            return new Verdict(Outcome.FAIL, "canary failed on latency: " + figures);
        }
        return new Verdict(Outcome.PASS, "canary passed: " + figures);
    }

    static boolean errorsWorse(Stats stable, Stats canary, double allowance) {
        double rc = canary.errorRate();
        double rs = stable.errorRate();
        if (rc - rs <= allowance) {
            return false;
        }
        if (stable.requests() == 0) {
            return wilsonLower(canary.errors(), canary.requests()) > allowance;
        }
        // H0: the canary's rate exceeds the stable one's by at most the allowance. The null difference is not zero,
        // so each rate keeps its own variance (a pooled one would only fit a test of equal rates).
        double se = Math.sqrt(rc * (1 - rc) / canary.requests() + rs * (1 - rs) / stable.requests());
        if (se == 0) {
            return true; // every canary request failed and none of the stable ones did
        }
        return (rc - rs - allowance) / se > Z;
    }

    /** The lower bound of the Wilson score interval of {@code k} successes in {@code n}, at {@link #Z}. */
    static double wilsonLower(long k, long n) {
        double p = (double) k / n;
        double z2 = Z * Z;
        double centre = p + z2 / (2 * n);
        double margin = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return (centre - margin) / (1 + z2 / n);
    }
}

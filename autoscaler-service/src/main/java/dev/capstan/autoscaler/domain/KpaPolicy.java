package dev.capstan.autoscaler.domain;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Knative's Pod Autoscaler (KPA) with its documented defaults, as a baseline.
 *
 * <ol>
 *   <li>Every 2 s ({@code tick-interval}) average the request rate over the stable window (60 s) and the panic
 *       window (6 s = 10 % of the stable window) and size each as {@code ceil(rate / (target × 70 %))}.</li>
 *   <li>Panic starts when the panic-window size reaches 200 % of the ready replicas
 *       ({@code panic-threshold-percentage}); in panic the count only grows (the highest panic size is kept),
 *       and panic ends once the threshold has not been crossed for a whole stable window.</li>
 *   <li>Outside panic the stable-window size is used; it is 0 only after a whole stable window without
 *       requests, and the last replica then goes after the scale-to-zero grace period (30 s).</li>
 * </ol>
 * Rate limits ({@code max-scale-up-rate} 1000, {@code max-scale-down-rate} 2) come from the settings and are
 * applied by the engine.
 */
final class KpaPolicy implements ScalingPolicy {

    static final Duration STABLE_WINDOW = Duration.ofSeconds(60);
    static final Duration PANIC_WINDOW = Duration.ofSeconds(6);
    static final Duration TICK = Duration.ofSeconds(2);
    static final double PANIC_THRESHOLD = 2.0;

    private long panicSince = Long.MIN_VALUE;
    private int maxPanicReplicas;
    private long zeroWantedSince = Long.MIN_VALUE;

    @Override
    public String name() {
        return "kpa";
    }

    @Override
    public Duration tickInterval() {
        return TICK;
    }

    @Override
    public Duration history() {
        return STABLE_WINDOW;
    }

    @Override
    public Proposal propose(PolicyInput in) {
        RequestWindows w = in.windows();
        long now = in.nowMillis();
        double stableRps = PolicyInput.orZero(w.rate(now, STABLE_WINDOW.toSeconds()));
        double panicRps = PolicyInput.orZero(w.rate(now, PANIC_WINDOW.toSeconds()));
        double stableConc = PolicyInput.orZero(w.concurrency(now, STABLE_WINDOW.toSeconds()));
        double panicConc = PolicyInput.orZero(w.concurrency(now, PANIC_WINDOW.toSeconds()));
        int stable = in.replicasFor(stableRps, stableConc);
        int panic = in.replicasFor(panicRps, panicConc);
        int ready = Math.max(1, in.readyReplicas());
        boolean over = panic / (double) ready >= PANIC_THRESHOLD;

        if (over) {
            panicSince = now; // entering, or extending: panic lasts a stable window after the last crossing
        } else if (panicSince != Long.MIN_VALUE && now - panicSince >= STABLE_WINDOW.toMillis()) {
            panicSince = Long.MIN_VALUE;
            maxPanicReplicas = 0;
        }
        boolean panicking = panicSince != Long.MIN_VALUE;

        Map<String, Double> f = new LinkedHashMap<>();
        f.put("stable_rps", stableRps);
        f.put("panic_rps", panicRps);
        f.put("stable_replicas", (double) stable);
        f.put("panic_replicas", (double) panic);
        f.put("panicking", panicking ? 1.0 : 0.0);

        int desired;
        Reason reason;
        if (panicking) {
            // Knative provisions for the larger of both windows and never scales down while panicking.
            maxPanicReplicas = Math.max(maxPanicReplicas, Math.max(panic, stable));
            desired = Math.max(maxPanicReplicas, in.currentReplicas());
            reason = Reason.PANIC;
        } else {
            desired = stable;
            reason = Reason.STABLE;
        }

        if (desired == 0) {
            if (zeroWantedSince == Long.MIN_VALUE) {
                zeroWantedSince = now;
            }
            double waited = (now - zeroWantedSince) / 1000.0;
            f.put("zero_wanted_s", waited);
            if (in.currentReplicas() > 0 && waited < in.settings().scaleToZeroGrace().toMillis() / 1000.0) {
                return new Proposal(1, Reason.KEEP_WARM, f);
            }
            return new Proposal(0, Reason.TO_ZERO, f);
        }
        zeroWantedSince = Long.MIN_VALUE;
        return new Proposal(desired, reason, f);
    }
}

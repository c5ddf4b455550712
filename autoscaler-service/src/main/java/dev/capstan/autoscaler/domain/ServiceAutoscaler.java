package dev.capstan.autoscaler.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decision engine for one inference service: its settings, its request windows and one policy.
 *
 * <p>A decision is made in four steps:
 * <ol>
 *   <li>Missing data: if no sample has ended within {@link #staleAfter}, the current count is held
 *       ({@code HOLD_NO_DATA}); once that has lasted {@link #holdFor}, at least one replica (and at least
 *       min) is kept ({@code NO_DATA_SAFE}). Missing metrics never scale a service to zero.</li>
 *   <li>The policy proposes a count with a reason and its figures.</li>
 *   <li>Rate limits: at most {@code ceil(max(current,1) × maxScaleUpRate)} and at least
 *       {@code floor(current / maxScaleDownRate)} ({@code RATE_LIMITED}).</li>
 *   <li>Bounds: min/max, and zero only with scale to zero on ({@code BOUND}). A change from zero is
 *       reported as {@code FROM_ZERO}, a change to zero as {@code TO_ZERO}.</li>
 * </ol>
 * Not thread-safe: the caller serialises calls per service.
 */
public final class ServiceAutoscaler {

    /** Samples are expected at least this often; without one for longer, data is missing. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(10);
    /** How long a count is held without data before the safe count applies. */
    public static final Duration DEFAULT_HOLD_FOR = Duration.ofSeconds(60);
    /** The longest window the service's views read (the 60 s rate shown over REST). */
    static final long VIEW_SECONDS = 60;

    private ScalingSettings settings;
    private final ScalingPolicy policy;
    private final RequestWindows windows;
    private final Duration staleAfter;
    private final Duration holdFor;
    private long missingSince = Long.MIN_VALUE;

    public ServiceAutoscaler(ScalingSettings settings, PolicyKind kind) {
        this(settings, kind.create(), DEFAULT_STALE_AFTER, DEFAULT_HOLD_FOR);
    }

    public ServiceAutoscaler(ScalingSettings settings, ScalingPolicy policy, Duration staleAfter, Duration holdFor) {
        this.settings = settings;
        this.policy = policy;
        this.staleAfter = staleAfter;
        this.holdFor = holdFor;
        // As far back as the policy reads, and at least the minute the engine's own views read; plus a margin.
        this.windows = new RequestWindows(Math.max(policy.history().toSeconds(), VIEW_SECONDS) + 60);
    }

    /** Records one sample; returns false for a duplicate or out-of-order one. */
    public boolean observe(RateSample sample) {
        return windows.add(sample);
    }

    /** Replaces the settings (a changed inference service); windows and policy state are kept. */
    public void update(ScalingSettings newSettings) {
        this.settings = newSettings;
    }

    public ScalingSettings settings() {
        return settings;
    }

    public ScalingPolicy policy() {
        return policy;
    }

    public RequestWindows windows() {
        return windows;
    }

    /**
     * Decides the replica count at {@code now}.
     *
     * @param currentReplicas replicas the service has (ready or starting)
     * @param readyReplicas   replicas that serve
     */
    public ScaleDecision decide(Instant now, int currentReplicas, int readyReplicas) {
        long t = now.toEpochMilli();
        boolean missing = !windows.hasData() || t - windows.lastSampleEndMillis() > staleAfter.toMillis();
        Proposal p;
        if (missing) {
            if (missingSince == Long.MIN_VALUE) {
                missingSince = t;
            }
            Map<String, Double> f = new LinkedHashMap<>();
            double missingFor = (t - missingSince) / 1000.0;
            f.put("missing_for_s", missingFor);
            if (missingFor < holdFor.toMillis() / 1000.0) {
                return finish(now, currentReplicas, new Proposal(currentReplicas, Reason.HOLD_NO_DATA, f), false);
            }
            int safe = Math.max(currentReplicas, Math.max(1, settings.minReplicas()));
            return finish(now, currentReplicas, new Proposal(safe, Reason.NO_DATA_SAFE, f), false);
        }
        missingSince = Long.MIN_VALUE;
        p = policy.propose(new PolicyInput(settings, windows, t, currentReplicas, readyReplicas));
        return finish(now, currentReplicas, p, true);
    }

    private ScaleDecision finish(Instant now, int current, Proposal p, boolean limit) {
        int desired = p.replicas();
        Reason reason = p.reason();
        Map<String, Double> f = new LinkedHashMap<>(p.figures());
        if (limit) {
            int up = (int) Math.ceil(Math.max(current, 1) * settings.maxScaleUpRate());
            int down = (int) Math.floor(current / settings.maxScaleDownRate());
            int limited = Math.max(down, Math.min(up, desired));
            if (limited != desired) {
                f.put("proposed_replicas", (double) desired);
                desired = limited;
                reason = Reason.RATE_LIMITED;
            }
        }
        int min = settings.effectiveMin();
        if (reason == Reason.NO_DATA_SAFE || reason == Reason.HOLD_NO_DATA) {
            min = Math.max(min, reason == Reason.NO_DATA_SAFE ? 1 : 0);
        }
        int bounded = Math.max(min, Math.min(settings.maxReplicas(), desired));
        if (bounded != desired) {
            f.put("unbounded_replicas", (double) desired);
            desired = bounded;
            reason = Reason.BOUND;
        }
        if (current == 0 && desired > 0 && reason != Reason.PREWARM && reason != Reason.NO_DATA_SAFE
                && !(reason == Reason.BOUND && desired == settings.effectiveMin())) {
            reason = Reason.FROM_ZERO;
        } else if (current > 0 && desired == 0) {
            reason = Reason.TO_ZERO;
        }
        return new ScaleDecision(settings.service(), policy.name(), current, desired, reason, f, now);
    }
}

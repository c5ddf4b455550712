package dev.capstan.autoscaler.domain;

/** Why a decision came out as it did; published lower-case with dashes (e.g. {@code from-zero}). */
public enum Reason {
    /** Sized from the stable (long) window. */
    STABLE,
    /** Sized from the panic (short) window during a burst; no scale-down while it lasts. */
    PANIC,
    /** Sized from the demand forecast at the time a new replica would be ready (capstan). */
    FORECAST,
    /** Kept higher than the current demand needs, because demand was higher within the stabilisation window. */
    STABILISED,
    /** HPA: the metric is within the tolerance of the target, so nothing changes. */
    TOLERANCE,
    /** The last replica goes: the service has been idle long enough. */
    TO_ZERO,
    /** The first replica comes back: demand arrived at a service with no replicas. */
    FROM_ZERO,
    /** The last replica stays although the service is idle: re-starting it would cost more than keeping it. */
    KEEP_WARM,
    /** A replica starts before demand is expected, so it is ready when the demand arrives (capstan). */
    PREWARM,
    /** The policy wanted more or fewer replicas than min/max allow. */
    BOUND,
    /** The policy wanted a bigger step than the scale-up/scale-down rate limits allow. */
    RATE_LIMITED,
    /** Metrics are missing: the current count is held. */
    HOLD_NO_DATA,
    /** Metrics have been missing for longer than the hold: a safe count (at least one replica) is kept. */
    NO_DATA_SAFE;

    /** The wire form used in events and the REST API, e.g. {@code hold-no-data}. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

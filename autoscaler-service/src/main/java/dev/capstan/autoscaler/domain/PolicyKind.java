package dev.capstan.autoscaler.domain;

import java.util.Locale;

/** The policies of the engine: Knative's KPA and the Kubernetes HPA as baselines, and Capstan's own. */
public enum PolicyKind {
    KPA, HPA, CAPSTAN;

    /** A fresh policy instance (its own state) for one service. */
    public ScalingPolicy create() {
        return switch (this) {
            case KPA -> new KpaPolicy();
            case HPA -> new HpaPolicy();
            case CAPSTAN -> new CapstanPolicy();
        };
    }

    /**
     * A capstan policy with another price than the default: a replica is kept while its marginal use (share of
     * its capacity it serves) is at least {@code minUse}. Lower buys served share with replica-seconds.
     */
    public static ScalingPolicy capstan(double minUse) {
        return new CapstanPolicy(minUse);
    }

    /**
     * A capstan policy with both prices given: {@code minUse} for extra capacity and {@code lastReplicaMinUse}
     * (≤ minUse) for the last replica, i.e. for requests lost while the service is at zero.
     */
    public static ScalingPolicy capstan(double minUse, double lastReplicaMinUse) {
        return new CapstanPolicy(minUse, lastReplicaMinUse);
    }

    /** Lower-case name, as used on the command line, in events and in figures. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code kpa}, {@code hpa} or {@code capstan} (any case). */
    public static PolicyKind parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}

package dev.capstan.autoscaler.domain;

import java.time.Duration;

/**
 * One autoscaling algorithm for one service. Implementations keep per-service state (panic mode, past
 * recommendations, learned idle gaps), so each service gets its own instance from {@link PolicyKind#create()}.
 */
public interface ScalingPolicy {

    /** The policy's name as printed and published: {@code kpa}, {@code hpa}, {@code capstan}. */
    String name();

    /** How often the policy decides. */
    Duration tickInterval();

    /** How far back the policy reads the request windows; the engine keeps samples at least this long. */
    Duration history();

    /** The replica count this policy wants now; the engine then applies rate limits and bounds. */
    Proposal propose(PolicyInput input);
}

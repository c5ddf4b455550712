package dev.capstan.autoscaler.domain;

import java.util.Map;

/** What a policy wants before the engine applies rate limits and bounds. */
public record Proposal(int replicas, Reason reason, Map<String, Double> figures) {
}

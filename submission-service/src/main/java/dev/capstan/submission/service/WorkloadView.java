package dev.capstan.submission.service;

import dev.capstan.events.PodAssignment;
import dev.capstan.events.TrainingJobSpec;
import java.time.Instant;
import java.util.List;

/** A workload as the REST API shows it: spec, status with its reason, placement and history. */
public record WorkloadView(String id, String kind, String name, String queue, String status, String reason,
        int attempt, TrainingJobSpec spec, List<PodAssignment> pods, Instant createdAt, Instant updatedAt,
        List<Transition> history) {

    /** One status change. */
    public record Transition(String from, String to, String reason, Instant at) {
    }
}

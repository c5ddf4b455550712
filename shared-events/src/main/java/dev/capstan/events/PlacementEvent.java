package dev.capstan.events;

import java.time.Instant;
import java.util.List;

/** Scheduling decisions on {@code capstan.placements}; produced by scheduler-service. */
public sealed interface PlacementEvent extends CapstanEvent {

    String workloadId();

    @Override
    default String subject() {
        return workloadId();
    }

    /** The whole gang was placed: every pod has a node and GPUs. {@code attempt} counts admissions. */
    record WorkloadAdmitted(String workloadId, int attempt, String queue, List<PodAssignment> pods, Instant admittedAt)
            implements PlacementEvent {
        public WorkloadAdmitted {
            pods = List.copyOf(pods);
        }
    }

    /** The workload waits; the reason is what the user sees. */
    record WorkloadPending(String workloadId, String reason, Instant at) implements PlacementEvent {
    }

    /** A running admission was evicted; its pods get a grace period and the workload is requeued. */
    record WorkloadPreempted(String workloadId, int attempt, String reason, Instant at) implements PlacementEvent {
    }
}

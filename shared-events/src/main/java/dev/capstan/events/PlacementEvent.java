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

    /**
     * The whole gang was placed: every pod has a node and GPUs. {@code attempt} counts admissions. {@code spec} is the
     * workload's spec as the scheduler admitted it, so the admission alone says what to run: the executor needs no
     * other topic, and after a restart it acts on it without waiting for anything (null in records written before
     * the field existed). {@code serving} is set when the admission is a replica of an inference service (null for a
     * training gang, and in records written before the field existed).
     */
    record WorkloadAdmitted(String workloadId, int attempt, String queue, List<PodAssignment> pods, Instant admittedAt,
            TrainingJobSpec spec, ServingReplica serving) implements PlacementEvent {
        public WorkloadAdmitted {
            pods = List.copyOf(pods);
        }

        /** The admission of a training gang. */
        public WorkloadAdmitted(String workloadId, int attempt, String queue, List<PodAssignment> pods,
                Instant admittedAt, TrainingJobSpec spec) {
            this(workloadId, attempt, queue, pods, admittedAt, spec, null);
        }
    }

    /**
     * The scheduler takes an admission back because its workload was cancelled: its pods go and its capacity is
     * released by the executor ({@code CapacityReleased}). On the same partition as the admission, after it, so the
     * executor never sees the two out of order, even across restarts.
     */
    record AdmissionRevoked(String workloadId, int attempt, String reason, Instant at) implements PlacementEvent {
    }

    /** The workload waits; the reason is what the user sees. */
    record WorkloadPending(String workloadId, String reason, Instant at) implements PlacementEvent {
    }

    /** A running admission was evicted; its pods get a grace period and the workload is requeued. */
    record WorkloadPreempted(String workloadId, int attempt, String reason, Instant at) implements PlacementEvent {
    }
}

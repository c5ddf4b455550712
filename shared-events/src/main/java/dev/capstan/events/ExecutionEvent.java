package dev.capstan.events;

import java.time.Instant;
import java.util.List;

/** What happened to a workload's pods, on {@code capstan.executions}; produced by executor-service. */
public sealed interface ExecutionEvent extends CapstanEvent {

    String workloadId();

    /** The admission these pods belong to. */
    int attempt();

    /** When it happened. */
    Instant at();

    @Override
    default String subject() {
        return workloadId();
    }

    /** True for events after which the admission holds no capacity any more. */
    default boolean releasesCapacity() {
        return this instanceof WorkloadSucceeded || this instanceof WorkloadFailed || this instanceof CapacityReleased;
    }

    /** Every pod of the admission exists in Kubernetes. */
    record PodsCreated(String workloadId, int attempt, List<String> pods, Instant at) implements ExecutionEvent {
        public PodsCreated {
            pods = List.copyOf(pods);
        }
    }

    /** Every pod of the admission runs. */
    record WorkloadRunning(String workloadId, int attempt, Instant at) implements ExecutionEvent {
    }

    /** Every pod finished successfully. */
    record WorkloadSucceeded(String workloadId, int attempt, Instant at) implements ExecutionEvent {
    }

    /** A pod failed; the gang is torn down. {@code retryable} is false for errors a retry cannot fix. */
    record WorkloadFailed(String workloadId, int attempt, String reason, boolean retryable, Instant at)
            implements ExecutionEvent {
    }

    /** The admission's pods are gone (cancelled, preempted or cleaned up): its capacity is free. */
    record CapacityReleased(String workloadId, int attempt, String reason, Instant at) implements ExecutionEvent {
    }
}

package dev.capstan.events;

/**
 * Commands from upstream systems on {@code capstan.workload-requests}; the key is the request id,
 * which makes a command idempotent (the same id twice yields one workload).
 */
public sealed interface WorkloadRequest extends CapstanEvent {

    String requestId();

    @Override
    default String subject() {
        return requestId();
    }

    /** Submit a training job; the body is the same as {@code POST /api/v1/workloads}. */
    record SubmitTrainingJob(String requestId, TrainingJobSpec spec) implements WorkloadRequest {
    }

    /** Cancel a workload by id. */
    record CancelWorkload(String requestId, String workloadId, String reason) implements WorkloadRequest {
    }
}

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

    /** Create an inference service; the body is the same as {@code POST /api/v1/inference-services}. */
    record CreateInferenceService(String requestId, InferenceServiceSpec spec) implements WorkloadRequest {
    }

    /** Change an inference service: the fields present in {@code change} replace the service's (a merge). */
    record ChangeInferenceService(String requestId, String name, InferenceServiceSpec change) implements WorkloadRequest {
    }

    /** Delete an inference service. */
    record DeleteInferenceService(String requestId, String name, String reason) implements WorkloadRequest {
    }

    /**
     * Create a tuning experiment; the body is the same as tuning-service's {@code POST /api/v1/experiments}.
     * submission-service records it and publishes {@link WorkloadEvent.ExperimentSubmitted}; tuning-service runs it.
     */
    record CreateExperiment(String requestId, TuningExperimentSpec spec) implements WorkloadRequest {
    }

    /** Stop a tuning experiment: its running trials are cancelled, its best so far is kept. */
    record StopExperiment(String requestId, String name, String reason) implements WorkloadRequest {
    }
}

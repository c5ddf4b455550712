package dev.capstan.events;

import java.time.Instant;

/** What work exists, on {@code capstan.workloads}; produced by submission-service. */
public sealed interface WorkloadEvent extends CapstanEvent {

    String workloadId();

    @Override
    default String subject() {
        return workloadId();
    }

    /** A training job was accepted and is waiting for placement. */
    record WorkloadSubmitted(String workloadId, TrainingJobSpec spec, Instant submittedAt) implements WorkloadEvent {
    }

    /** The user cancelled a workload; its pods go and its capacity is released. */
    record WorkloadCancelled(String workloadId, String reason, Instant cancelledAt) implements WorkloadEvent {
    }

    /**
     * A training job reached its final state (succeeded, or failed with no retry left): nothing will be placed or run
     * for it again, so consumers may forget it. A cancelled workload gets {@link WorkloadCancelled} instead.
     *
     * @param status  {@code SUCCEEDED} or {@code FAILED}
     * @param attempt the admission that ended it (absent in older records, read as 0)
     */
    record WorkloadFinished(String workloadId, String status, String reason, Instant finishedAt, int attempt)
            implements WorkloadEvent {
    }

    /**
     * An inference service was created or its serving settings changed.
     *
     * @param workloadId        the inference service name (also the scaling key)
     * @param model             model reference, e.g. {@code fraud@production}
     * @param replica           per-replica resources
     * @param targetRps         target requests per second per replica
     * @param targetConcurrency optional target in-flight requests per replica (0 = unused)
     * @param coldStartSeconds  how long a new replica takes before it serves
     * @param queueTimeoutMillis how long the service's gateway holds a request that finds no free replica before
     *                          failing it (0 = not at all); absent in older records, read as 0
     * @param image             the serving runtime's image (absent in older records)
     * @param rollout           how a new revision replaces the stable one (absent in older records: the defaults)
     * @param generation        1 at creation, +1 at every change (absent in older records, read as 0)
     */
    record InferenceServiceChanged(String workloadId, String queue, String model, Resources replica, int minReplicas,
            int maxReplicas, double targetRps, double targetConcurrency, boolean scaleToZero,
            int scaleToZeroGraceSeconds, int coldStartSeconds, int queueTimeoutMillis, Instant changedAt,
            String image, RolloutPolicy rollout, long generation) implements WorkloadEvent {

        /** The settings of older producers, which knew no image, rollout or generation. */
        public InferenceServiceChanged(String workloadId, String queue, String model, Resources replica,
                int minReplicas, int maxReplicas, double targetRps, double targetConcurrency, boolean scaleToZero,
                int scaleToZeroGraceSeconds, int coldStartSeconds, int queueTimeoutMillis, Instant changedAt) {
            this(workloadId, queue, model, replica, minReplicas, maxReplicas, targetRps, targetConcurrency,
                    scaleToZero, scaleToZeroGraceSeconds, coldStartSeconds, queueTimeoutMillis, changedAt, null, null,
                    0);
        }
    }

    /** An inference service was deleted: its replicas go, its metrics and scaling stop. */
    record InferenceServiceDeleted(String workloadId, String reason, Instant deletedAt) implements WorkloadEvent {
    }

    /**
     * A tuning experiment came in through the Kafka ingress and was recorded; tuning-service creates it (and, when
     * its spec cannot run, records it failed with every field's problem).
     *
     * @param workloadId the experiment's name
     * @param requestId  the upstream request that created it (the same id twice yields one experiment)
     */
    record ExperimentSubmitted(String workloadId, String requestId, TuningExperimentSpec spec, Instant submittedAt)
            implements WorkloadEvent {
    }

    /** Someone asked to stop a tuning experiment (through the Kafka ingress); tuning-service stops it. */
    record ExperimentStopRequested(String workloadId, String reason, Instant requestedAt) implements WorkloadEvent {
    }
}

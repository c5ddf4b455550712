package dev.capstan.tuning.service;

import dev.capstan.events.TrainingJobSpec;
import java.util.Map;

/**
 * What the tuning service asks of the rest of Capstan: submission-service runs trials, model-registry keeps their
 * MLflow runs and the best trial's model version. Every call is idempotent, so the driver retries after any failure
 * or restart without duplicating work.
 */
public interface Platform {

    /** The MLflow run of a trial: the one tagged with its trial id, else a new one so tagged. */
    String trialRun(String experiment, String trialId);

    /** Submits a trial's job; the same key returns the same workload. Returns the workload id. */
    String submit(TrainingJobSpec job, String idempotencyKey);

    /** One point of a metric's history: its step, value ({@code NaN} included) and when it was measured. */
    record Point(long step, double value, java.time.Instant at) {
    }

    /** Every point of one metric of an MLflow run, by step. */
    java.util.List<Point> metricHistory(String runId, String metric);

    /** Cancels a workload; one that has already ended or does not exist is fine. */
    void cancel(String workloadId, String reason);

    /**
     * Registers the best trial as the next version of {@code model} (created when missing); a version already
     * registered from the same MLflow run is returned instead. Returns the version number.
     */
    int registerBest(String model, String artifactUri, Map<String, String> params, Map<String, Double> metrics,
            Map<String, String> tags, String runId, String workloadId);

    /** The other side refused the request for good (the job is invalid, say): retrying will not help. */
    final class Rejected extends RuntimeException {
        public Rejected(String message) {
            super(message);
        }
    }

    /** The other side could not be reached or failed: try again later. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

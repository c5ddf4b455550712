package dev.capstan.events;

import java.time.Instant;

/** What tuning trials report, on {@code capstan.trial-metrics}; key = the trial's workload id. */
public sealed interface TrialEvent extends CapstanEvent {

    /**
     * The MLflow run tag that makes a run a trial's: the metrics logged into a run tagged with a trial's workload id
     * are published as {@link TrialMetricReported}. The tuning-service sets it when it creates a trial's run.
     */
    String TRIAL_TAG = "capstan.dev/trial-id";

    String trialId();

    @Override
    default String subject() {
        return trialId();
    }

    /**
     * One intermediate metric of a trial, once stored (a point logged again is not reported again).
     *
     * @param trialId the trial's id: the run's {@code capstan.dev/trial-id} tag (tuning-service names its trials
     *                {@code <experiment>-t<n>})
     * @param runId   the MLflow run it was logged into
     * @param metric  the metric's key, e.g. {@code val_accuracy}
     * @param value   its value; not finite (NaN, ±infinity) is reported as null, with {@code nonFinite} saying which
     * @param nonFinite {@code NaN}, {@code Infinity} or {@code -Infinity} when the logged value was that, else null
     * @param step    the training step it belongs to
     * @param at      when the trainer measured it
     */
    record TrialMetricReported(String trialId, String runId, String metric, Double value, String nonFinite, long step,
            Instant at) implements TrialEvent {

        /** The point as logged: a finite value, or NaN/±infinity in {@code nonFinite}. */
        public static TrialMetricReported of(String trialId, String runId, String metric, double value, long step,
                Instant at) {
            return Double.isFinite(value) ? new TrialMetricReported(trialId, runId, metric, value, null, step, at)
                    : new TrialMetricReported(trialId, runId, metric, null, Double.toString(value), step, at);
        }

        /** The value as logged, NaN or infinite included. */
        public double loggedValue() {
            return value != null ? value : nonFinite == null ? Double.NaN : Double.parseDouble(nonFinite);
        }
    }
}

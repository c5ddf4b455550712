package dev.capstan.events;

import java.time.Instant;
import java.util.Map;

/**
 * What tuning-service decided, on {@code capstan.tuning}; key = the experiment's name, so one experiment's events stay
 * in order. Published through its outbox in the same transaction as the decision: the console and dashboards follow
 * experiments from here, and the state itself stays in tuning-service's PostgreSQL.
 */
public sealed interface TuningEvent extends CapstanEvent {

    String experiment();

    @Override
    default String subject() {
        return experiment();
    }

    /**
     * An experiment was created or ended.
     *
     * @param state        {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code STOPPED}
     * @param reason       why it ended ({@code target reached by resnet-lr-t4}, {@code budget spent}, …); null while
     *                     it runs
     * @param bestTrialId  the best trial so far (null before any trial reported)
     * @param bestValue    its objective value
     */
    record ExperimentChanged(String experiment, String state, String reason, String bestTrialId, Double bestValue,
            Instant at) implements TuningEvent {
    }

    /**
     * A trial was started, stopped, paused, resumed, completed or failed, and why.
     *
     * @param trialId the trial's id ({@code <experiment>-t<n>}), also its MLflow run's {@code capstan.dev/trial-id}
     * @param state   {@code RUNNING}, {@code PAUSED}, {@code STOPPED}, {@code COMPLETED} or {@code FAILED}
     * @param reason  the rule's words ({@code below the median of 4 trials at step 3}, {@code job failed: …}); null
     *                when started
     * @param params  the trial's configuration, as its job sees it
     * @param step    its last reported step (null before any report)
     * @param value   the objective's value at that step (null before any report, or when not finite)
     */
    record TrialChanged(String experiment, String trialId, int number, String state, String reason,
            Map<String, String> params, Long step, Double value, Instant at) implements TuningEvent {
    }
}

package dev.capstan.tuning.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An experiment as REST and the CLI show it.
 *
 * @param gpuHours     GPU-hours the trials have used (up to their last reports)
 * @param trialsByState how many trials are in each state
 * @param best         the trial with the best last value so far (failed ones aside), null before any report
 * @param modelVersion the best trial's model version, once registered
 */
public record ExperimentView(String name, String state, String reason, String metric, String direction,
        Double target, String algorithm, Instant createdAt, Instant endedAt, double gpuHours,
        Map<String, Long> trialsByState, TrialView best, String model, Integer modelVersion, String modelError,
        List<TrialView> trials) {

    /**
     * One trial.
     *
     * @param lastStep  the last step reported of the objective
     * @param lastValue the objective's value there
     * @param runs      how many workloads it ran as (a resumed trial runs again from its checkpoint)
     * @param workloadId its current (or last) workload
     * @param runningSince when its current workload started running (GPU time counts from then)
     */
    public record TrialView(int number, String id, String state, String reason, Map<String, String> params,
            Long lastStep, Double lastValue, int reports, double gpuHours, int runs, String workloadId,
            String mlflowRunId, Instant runningSince) {
    }

    ExperimentView withoutTrials() {
        return new ExperimentView(name, state, reason, metric, direction, target, algorithm, createdAt, endedAt,
                gpuHours, trialsByState, best, model, modelVersion, modelError, null);
    }
}

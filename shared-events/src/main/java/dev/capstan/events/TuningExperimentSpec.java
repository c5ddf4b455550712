package dev.capstan.events;

import java.time.Instant;
import java.util.List;

/**
 * A tuning experiment as a user submits it: the body of tuning-service's {@code POST /api/v1/experiments} and of a
 * {@link WorkloadRequest.CreateExperiment} on the Kafka ingress, and what tuning-service stores. Data only: which
 * values are valid is tuning-service's decision (it owns the search algorithms).
 *
 * @param name          unique experiment name (a DNS label of at most 40 characters: trials are named after it)
 * @param objective     metric, {@code maximize}/{@code minimize}, optional target
 * @param searchSpace   the parameters: {@code int}, {@code float}, {@code log-float} (min, max) or
 *                      {@code categorical} (choices)
 * @param algorithm     {@code grid}, {@code random}, {@code tpe}, {@code asha}, {@code hyperband} or
 *                      {@code progress-halving} (the default)
 * @param earlyStopping {@code none} (the default), {@code median} or {@code asha}
 * @param parallelism   trials holding GPUs at once (default 2)
 * @param budget        maxTrials, gpuHours, deadline: at least one (grid ends by itself and needs none)
 * @param seed          the seed of every random choice (default 1)
 * @param trialSteps    a trial's planned length in steps: a number, or the name of the parameter that sets it (such
 *                      as {@code epochs}); rungs on progress measure against it
 * @param trialTemplate the training job each trial runs; {@code ${param}} in its command, env values and
 *                      annotation values is replaced by the trial's value, {@code ${trial}} by the trial's id
 * @param model         optional: the best trial is registered as a version of this model when the experiment ends
 */
public record TuningExperimentSpec(String name, ObjectiveBody objective, SearchSpaceBody searchSpace,
        AlgorithmBody algorithm, EarlyStoppingBody earlyStopping, Integer parallelism, BudgetBody budget, Long seed,
        String trialSteps, TrainingJobSpec trialTemplate, ModelBody model) {

    /**
     * What an experiment's name must be: a DNS label of at most 40 characters, since its trials' workloads and pods
     * are named after it. submission-service keys its record by it, tuning-service its experiment.
     */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
            "[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");

    /** Whether {@code name} is a valid experiment name ({@link #NAME}). */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public record ObjectiveBody(String metric, String direction, Double target) {
    }

    public record SearchSpaceBody(List<ParameterBody> parameters) {
    }

    public record ParameterBody(String name, String type, Double min, Double max, List<String> choices) {
    }

    public record RungsBody(String resource, Double minResource, Integer reductionFactor, Double maxResource) {
    }

    public record AlgorithmBody(String name, String sampler, Integer gridPoints, RungsBody rungs, Integer brackets,
            Integer probing) {
    }

    public record EarlyStoppingBody(String kind, Integer gracePeriod, Integer minTrials, RungsBody rungs) {
    }

    public record BudgetBody(Integer maxTrials, Double gpuHours, Instant deadline) {
    }

    /**
     * Where the best trial goes.
     *
     * @param name        the registered model (created when missing)
     * @param artifactUri the trial's artifact, with the template's placeholders ({@code ${trial}} at least)
     */
    public record ModelBody(String name, String artifactUri) {
    }
}

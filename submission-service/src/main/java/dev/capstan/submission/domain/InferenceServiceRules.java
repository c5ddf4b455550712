package dev.capstan.submission.domain;

import dev.capstan.events.InferenceServiceSpec;
import dev.capstan.events.RolloutPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an inference service may ask for, its defaults, and how a change merges into it. Pure: no database, no
 * clock. Whether the model exists is not checked here (the registry owns that).
 */
public final class InferenceServiceRules {

    /** Most replicas one service may have. */
    public static final int MAX_REPLICAS = 1_000;
    /**
     * {@code name@alias} or {@code name:version}: the registry's model names (letters, digits, '.', '_', '-'), its
     * aliases (DNS labels), versions from 1.
     */
    private static final Pattern MODEL = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._-]{0,127}(@[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?|:[1-9][0-9]{0,8})");

    /** Whether a model reference is well formed ({@code name@alias} or {@code name:version}). */
    public static boolean validModel(String model) {
        return model != null && MODEL.matcher(model).matches();
    }

    private InferenceServiceRules() {
    }

    /**
     * Fills in what was left out: 1 to 10 replicas (0 to 10 when it may scale to zero), 10 requests per second per
     * replica unless a concurrency target is given, a 60 s grace before scaling to zero, a 30 s cold start, no gateway
     * queue, whole GPUs, CPU and memory per GPU ({@link ResourceDefaults#STANDARD}), the default rollout (see
     * {@link RolloutPolicy#defaults()}).
     */
    public static InferenceServiceSpec withDefaults(InferenceServiceSpec s) {
        return withDefaults(s, ResourceDefaults.STANDARD);
    }

    /** {@link #withDefaults(InferenceServiceSpec)}, a replica's CPU and memory left out taken from {@code resources}. */
    public static InferenceServiceSpec withDefaults(InferenceServiceSpec s, ResourceDefaults resources) {
        boolean toZero = Boolean.TRUE.equals(s.scaleToZero());
        int min = s.minReplicas() != null ? s.minReplicas() : toZero ? 0 : 1;
        int max = s.maxReplicas() != null ? s.maxReplicas() : Math.max(min, 10);
        boolean byConcurrency = s.targetConcurrency() != null && s.targetConcurrency() > 0;
        return new InferenceServiceSpec(s.name(), s.queue(), s.model(), s.image(),
                resources.fill(TrainingJobRules.withWholeGpus(s.replica())), min, max,
                s.targetRps() != null ? s.targetRps() : byConcurrency ? 0.0 : 10.0,
                s.targetConcurrency() != null ? s.targetConcurrency() : 0.0, toZero,
                s.scaleToZeroGraceSeconds() != null ? s.scaleToZeroGraceSeconds() : 60,
                s.coldStartSeconds() != null ? s.coldStartSeconds() : 30,
                s.queueTimeoutMillis() != null ? s.queueTimeoutMillis() : 0,
                s.rollout() != null ? s.rollout().or(RolloutPolicy.defaults()) : RolloutPolicy.defaults(),
                s.annotations() != null ? s.annotations() : Map.of());
    }

    /** Every problem of a spec (after defaults), empty when it is valid. */
    public static List<FieldError> validate(InferenceServiceSpec s) {
        List<FieldError> errors = new ArrayList<>();
        TrainingJobRules.nameErrors("name", s.name(), errors);
        TrainingJobRules.nameErrors("queue", s.queue(), errors);
        if (s.model() == null || s.model().isBlank()) {
            errors.add(new FieldError("model", "is required"));
        } else if (!MODEL.matcher(s.model()).matches()) {
            errors.add(new FieldError("model", "must be name@alias (follows the alias) or name:version (pinned), "
                    + "e.g. fraud@production or fraud:7"));
        }
        TrainingJobRules.imageErrors(s.image(), errors);
        TrainingJobRules.resourceErrors("replica", s.replica(), errors);
        int min = s.minReplicas();
        int max = s.maxReplicas();
        if (min < 0 || min > MAX_REPLICAS) {
            errors.add(new FieldError("minReplicas", "must be between 0 and " + MAX_REPLICAS));
        } else if (min == 0 && !s.scaleToZero()) {
            errors.add(new FieldError("minReplicas", "0 needs scaleToZero: true"));
        }
        if (max < 1 || max > MAX_REPLICAS) {
            errors.add(new FieldError("maxReplicas", "must be between 1 and " + MAX_REPLICAS));
        } else if (min > max) {
            errors.add(new FieldError("maxReplicas", "must not be below minReplicas (" + min + ")"));
        }
        double rps = s.targetRps();
        double concurrency = s.targetConcurrency();
        if (!Double.isFinite(rps) || rps < 0 || rps > 1e6) {
            errors.add(new FieldError("targetRps", "must be between 0 and 1000000"));
        }
        if (!Double.isFinite(concurrency) || concurrency < 0 || concurrency > 1e6) {
            errors.add(new FieldError("targetConcurrency", "must be between 0 and 1000000"));
        }
        if (rps == 0 && concurrency == 0) {
            errors.add(new FieldError("targetRps", "a target is required: targetRps or targetConcurrency above 0"));
        }
        range(errors, "scaleToZeroGraceSeconds", s.scaleToZeroGraceSeconds(), 0, 86_400);
        range(errors, "coldStartSeconds", s.coldStartSeconds(), 0, 3_600);
        range(errors, "queueTimeoutMillis", s.queueTimeoutMillis(), 0, 600_000);
        rolloutErrors(s.rollout(), errors);
        TrainingJobRules.annotationErrors(s.annotations(), errors);
        return errors;
    }

    private static void rolloutErrors(RolloutPolicy r, List<FieldError> errors) {
        range(errors, "rollout.maxSurge", r.maxSurge(), 1, MAX_REPLICAS);
        List<Integer> steps = r.canarySteps();
        if (steps == null || steps.isEmpty()) {
            errors.add(new FieldError("rollout.canarySteps", "must not be empty: e.g. [10, 50, 100]"));
        } else {
            for (int i = 0; i < steps.size(); i++) {
                Integer step = steps.get(i);
                if (step == null || step < 1 || step > 100) {
                    errors.add(new FieldError("rollout.canarySteps[" + i + "]", "must be a percentage from 1 to 100"));
                } else if (i > 0 && steps.get(i - 1) != null && step <= steps.get(i - 1)) {
                    errors.add(new FieldError("rollout.canarySteps[" + i + "]", "must be above the step before it"));
                }
            }
            if (!Integer.valueOf(100).equals(steps.get(steps.size() - 1))) {
                errors.add(new FieldError("rollout.canarySteps", "the last step must be 100"));
            }
        }
        range(errors, "rollout.analysisWindowSeconds", r.analysisWindowSeconds(), 5, 3_600);
        range(errors, "rollout.minRequests", r.minRequests(), 1, 1_000_000);
        if (!Double.isFinite(r.maxErrorRateIncrease()) || r.maxErrorRateIncrease() < 0
                || r.maxErrorRateIncrease() > 100) {
            errors.add(new FieldError("rollout.maxErrorRateIncrease", "must be between 0 and 100 (percentage points)"));
        }
        if (!Double.isFinite(r.maxLatencyRatio()) || r.maxLatencyRatio() < 1 || r.maxLatencyRatio() > 100) {
            errors.add(new FieldError("rollout.maxLatencyRatio", "must be between 1 and 100"));
        }
    }

    private static void range(List<FieldError> errors, String field, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(new FieldError(field, "must be between " + min + " and " + max));
        }
    }

    /** What a change may not do: rename the service (a new name is a new service). */
    public static List<FieldError> changeErrors(InferenceServiceSpec current, InferenceServiceSpec change) {
        return change.name() != null && !change.name().equals(current.name())
                ? List.of(new FieldError("name", "cannot be changed: create a service with the new name instead"))
                : List.of();
    }

    /**
     * A change merged into the current spec: every field the change holds replaces the current one; within
     * {@code rollout}, field by field (a JSON merge patch); {@code replica} is replaced whole.
     */
    public static InferenceServiceSpec merge(InferenceServiceSpec current, InferenceServiceSpec change) {
        return new InferenceServiceSpec(current.name(), or(change.queue(), current.queue()),
                or(change.model(), current.model()), or(change.image(), current.image()),
                or(change.replica(), current.replica()), or(change.minReplicas(), current.minReplicas()),
                or(change.maxReplicas(), current.maxReplicas()), or(change.targetRps(), current.targetRps()),
                or(change.targetConcurrency(), current.targetConcurrency()),
                or(change.scaleToZero(), current.scaleToZero()),
                or(change.scaleToZeroGraceSeconds(), current.scaleToZeroGraceSeconds()),
                or(change.coldStartSeconds(), current.coldStartSeconds()),
                or(change.queueTimeoutMillis(), current.queueTimeoutMillis()),
                change.rollout() == null ? current.rollout()
                        : current.rollout() == null ? change.rollout() : change.rollout().or(current.rollout()),
                or(change.annotations(), current.annotations()));
    }

    private static <T> T or(T changed, T current) {
        return changed != null ? changed : current;
    }
}

package dev.capstan.tuning.service;

import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.TuningExperimentSpec;
import dev.capstan.events.TuningExperimentSpec.AlgorithmBody;
import dev.capstan.events.TuningExperimentSpec.BudgetBody;
import dev.capstan.events.TuningExperimentSpec.ParameterBody;
import dev.capstan.events.TuningExperimentSpec.EarlyStoppingBody;
import dev.capstan.events.TuningExperimentSpec.ModelBody;
import dev.capstan.events.TuningExperimentSpec.ObjectiveBody;
import dev.capstan.events.TuningExperimentSpec.RungsBody;
import dev.capstan.events.TuningExperimentSpec.SearchSpaceBody;
import dev.capstan.tuning.domain.Algorithm;
import dev.capstan.tuning.domain.Budget;
import dev.capstan.tuning.domain.CategoricalParameter;
import dev.capstan.tuning.domain.Direction;
import dev.capstan.tuning.domain.EarlyStopping;
import dev.capstan.tuning.domain.ExperimentSpec;
import dev.capstan.tuning.domain.FieldProblem;
import dev.capstan.tuning.domain.FloatParameter;
import dev.capstan.tuning.domain.IntParameter;
import dev.capstan.tuning.domain.LogFloatParameter;
import dev.capstan.tuning.domain.Objective;
import dev.capstan.tuning.domain.Parameter;
import dev.capstan.tuning.domain.ProgressHalving;
import dev.capstan.tuning.domain.Resource;
import dev.capstan.tuning.domain.Rungs;
import dev.capstan.tuning.domain.SearchSpace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps a submitted {@link TuningExperimentSpec} onto the domain's {@link ExperimentSpec}, or names every field that
 * keeps it from running. The one place that decides whether an experiment is valid, whichever way it came (REST, or
 * the Kafka ingress through submission-service).
 */
public final class ExperimentRequests {

    private ExperimentRequests() {
    }

    static final int DEFAULT_PARALLELISM = 2;

    /** The spec, or the problems that keep it from running (each naming its field). */
    public static Mapped toSpec(TuningExperimentSpec request) {
        List<FieldProblem> problems = new ArrayList<>();
        ObjectiveBody objective = request.objective();
        BudgetBody budget = request.budget();
        String trialSteps = request.trialSteps();
        ModelBody model = request.model();
        if (!TuningExperimentSpec.validName(request.name())) {
            problems.add(new FieldProblem("name", "must be a DNS label of at most 40 characters (a-z, 0-9, '-')"));
        }
        Objective obj = objective == null ? null
                : new Objective(objective.metric(), direction(objective.direction()), objective.target());
        SearchSpace space = request.searchSpace() == null ? null
                : new SearchSpace(parameters(request.searchSpace(), problems));
        Algorithm alg = algorithm(request.algorithm(), problems);
        EarlyStopping stopping = earlyStopping(request.earlyStopping(), problems);
        Budget b = budget == null ? Budget.UNLIMITED
                : new Budget(budget.maxTrials(), budget.gpuHours(), budget.deadline());
        ExperimentSpec spec = new ExperimentSpec(obj, space, alg, stopping,
                request.parallelism() == null ? DEFAULT_PARALLELISM : request.parallelism(), b,
                request.seed() == null ? 1 : request.seed());
        problems.addAll(spec.problems());
        if (alg != null && alg.kind() != Algorithm.Kind.GRID && b.maxTrials() == null && b.gpuHours() == null
                && b.deadline() == null) {
            problems.add(new FieldProblem("budget", "must set maxTrials, gpuHours or deadline: only a grid ends by "
                    + "itself"));
        }
        if (request.trialTemplate() == null) {
            problems.add(new FieldProblem("trialTemplate", "is required: the training job each trial runs"));
        }
        if (trialSteps != null && !trialSteps.isBlank() && !trialSteps.matches("\\d+") && space != null
                && space.parameters() != null
                && space.parameters().stream().noneMatch(p -> trialSteps.equals(p.name()))) {
            problems.add(new FieldProblem("trialSteps", "must be a number or the name of a parameter, not '"
                    + trialSteps + "'"));
        }
        if (model != null) {
            if (model.name() == null || model.name().isBlank()) {
                problems.add(new FieldProblem("model.name", "must not be blank"));
            }
            if (model.artifactUri() == null || !model.artifactUri().contains("${trial}")) {
                problems.add(new FieldProblem("model.artifactUri", "must name each trial's artifact, with ${trial}"));
            }
        }
        return new Mapped(problems.isEmpty() ? spec : null, problems);
    }

    /** The spec, or why not. */
    public record Mapped(ExperimentSpec spec, List<FieldProblem> problems) {
    }

    private static Direction direction(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "maximize", "maximise", "max" -> Direction.MAXIMIZE;
            case "minimize", "minimise", "min" -> Direction.MINIMIZE;
            default -> null;
        };
    }

    private static List<Parameter> parameters(SearchSpaceBody searchSpace, List<FieldProblem> problems) {
        if (searchSpace.parameters() == null) {
            return null;
        }
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < searchSpace.parameters().size(); i++) {
            ParameterBody p = searchSpace.parameters().get(i);
            String path = "searchSpace.parameters[" + i + "]";
            if (p == null) {
                problems.add(new FieldProblem(path, "must not be null"));
                continue;
            }
            String type = p.type() == null ? "" : p.type().toLowerCase(Locale.ROOT);
            if (type.equals("categorical")) {
                out.add(new CategoricalParameter(p.name(), p.choices()));
                continue;
            }
            if (!List.of("int", "float", "log-float").contains(type)) {
                problems.add(new FieldProblem(path + ".type", "must be int, float, log-float or categorical"));
                continue;
            }
            if (p.min() == null || p.max() == null) {
                problems.add(new FieldProblem(path + (p.min() == null ? ".min" : ".max"), "is required for "
                        + type));
                continue;
            }
            if (type.equals("int") && (p.min() != Math.rint(p.min()) || p.max() != Math.rint(p.max()))) {
                problems.add(new FieldProblem(path + ".min", "must be whole numbers for int (min and max)"));
                continue;
            }
            out.add(switch (type) {
                case "int" -> new IntParameter(p.name(), p.min().longValue(), p.max().longValue());
                case "float" -> new FloatParameter(p.name(), p.min(), p.max());
                default -> new LogFloatParameter(p.name(), p.min(), p.max());
            });
        }
        return out;
    }

    private static Algorithm algorithm(AlgorithmBody algorithm, List<FieldProblem> problems) {
        if (algorithm == null || algorithm.name() == null) {
            return Algorithm.progressHalving();
        }
        Algorithm.Sampler sampler = algorithm.sampler() == null ? Algorithm.Sampler.RANDOM
                : enumOf(Algorithm.Sampler.class, algorithm.sampler(), "algorithm.sampler", problems);
        Rungs rungs = rungs(algorithm.rungs(), "algorithm.rungs", problems);
        return switch (algorithm.name().toLowerCase(Locale.ROOT)) {
            case "grid" -> Algorithm.grid(algorithm.gridPoints() == null ? 3 : algorithm.gridPoints());
            case "random" -> Algorithm.random();
            case "tpe" -> Algorithm.tpe();
            case "asha" -> Algorithm.asha(sampler, rungs == null ? ProgressHalving.DEFAULT_RUNGS : rungs);
            case "hyperband" -> Algorithm.hyperband(sampler, rungs == null ? ProgressHalving.DEFAULT_RUNGS : rungs,
                    algorithm.brackets() == null ? 2 : algorithm.brackets());
            case "progress-halving" -> Algorithm.progressHalving(algorithm.probing() == null ? 0
                    : algorithm.probing());
            default -> {
                problems.add(new FieldProblem("algorithm.name",
                        "must be grid, random, tpe, asha, hyperband or progress-halving"));
                yield null;
            }
        };
    }

    private static EarlyStopping earlyStopping(EarlyStoppingBody earlyStopping, List<FieldProblem> problems) {
        if (earlyStopping == null || earlyStopping.kind() == null) {
            return EarlyStopping.NONE;
        }
        return switch (earlyStopping.kind().toLowerCase(Locale.ROOT)) {
            case "none" -> EarlyStopping.NONE;
            case "median" -> earlyStopping.gracePeriod() == null && earlyStopping.minTrials() == null
                    ? EarlyStopping.median()
                    : EarlyStopping.median(earlyStopping.gracePeriod() == null ? 4 : earlyStopping.gracePeriod(),
                            earlyStopping.minTrials() == null ? 3 : earlyStopping.minTrials());
            case "asha" -> {
                Rungs r = rungs(earlyStopping.rungs(), "earlyStopping.rungs", problems);
                yield EarlyStopping.asha(r == null ? ProgressHalving.DEFAULT_RUNGS : r);
            }
            default -> {
                problems.add(new FieldProblem("earlyStopping.kind", "must be none, median or asha"));
                yield null;
            }
        };
    }

    private static Rungs rungs(RungsBody body, String field, List<FieldProblem> problems) {
        if (body == null) {
            return null;
        }
        Resource resource = body.resource() == null ? Resource.PROGRESS
                : enumOf(Resource.class, body.resource(), field + ".resource", problems);
        return new Rungs(resource, body.minResource() == null ? 0 : body.minResource(),
                body.reductionFactor() == null ? Rungs.DEFAULT_REDUCTION_FACTOR : body.reductionFactor(),
                body.maxResource() == null ? 1 : body.maxResource());
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String text, String field,
            List<FieldProblem> problems) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem(field, "must be one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).toList()));
            return null;
        }
    }
}

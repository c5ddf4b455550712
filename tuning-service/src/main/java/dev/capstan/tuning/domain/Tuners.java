package dev.capstan.tuning.domain;

/** Builds the {@link Tuner} an {@link ExperimentSpec} asks for. */
public final class Tuners {

    private Tuners() {
    }

    /** The tuner of a valid spec; throws, listing every problem, for an invalid one. */
    public static Tuner of(ExperimentSpec spec) {
        var problems = spec.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid experiment spec: " + problems);
        }
        return new Tuner(spec.objective(), suggester(spec), stoppingRule(spec), spec.parallelism(), spec.budget());
    }

    private static Suggester suggester(ExperimentSpec spec) {
        Algorithm a = spec.algorithm();
        return switch (a.kind()) {
            case GRID -> new GridSuggester(spec.searchSpace(), a.gridPoints());
            case RANDOM -> new RandomSuggester(spec.searchSpace(), spec.seed());
            case TPE -> tpe(spec, TrialRanking.finalValues(spec.objective()));
            // with rungs, TPE learns from every trial's standing at the highest rung it has reached
            case ASHA, HYPERBAND, PROGRESS_HALVING -> a.sampler() == Algorithm.Sampler.TPE
                    ? tpe(spec, TrialRanking.byRungs(spec.objective(), a.rungs()))
                    : new RandomSuggester(spec.searchSpace(), spec.seed());
        };
    }

    private static Suggester tpe(ExperimentSpec spec, TrialRanking ranking) {
        return new TpeSuggester(spec.searchSpace(), spec.seed(), TpeSuggester.Settings.OPTUNA_DEFAULTS, ranking);
    }

    private static StoppingRule stoppingRule(ExperimentSpec spec) {
        Algorithm a = spec.algorithm();
        switch (a.kind()) {
            case ASHA, HYPERBAND -> {
                return new AshaRule(spec.objective(), a.rungs(), a.brackets());
            }
            case PROGRESS_HALVING -> {
                int probing = a.probing() > 0 ? a.probing() : ProgressHalving.defaultProbing(spec.parallelism());
                return new ProgressHalving(spec.objective(), a.rungs(), probing);
            }
            default -> {
                EarlyStopping e = spec.earlyStopping();
                return switch (e.kind()) {
                    case NONE -> StoppingRule.NONE;
                    case MEDIAN -> new MedianStoppingRule(spec.objective(), e.gracePeriod(), e.minTrials());
                    case ASHA -> new AshaRule(spec.objective(), e.rungs());
                };
            }
        }
    }
}

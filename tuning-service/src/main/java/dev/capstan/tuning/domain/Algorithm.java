package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * How an experiment chooses configurations and, for the kinds with rungs, when trials pause and resume.
 *
 * @param kind       the algorithm
 * @param sampler    kinds with rungs: how new configurations are drawn
 * @param gridPoints grid: values per numeric range
 * @param rungs      kinds with rungs: where the rungs are
 * @param brackets   hyperband: how many brackets (asha and progress-halving have one)
 * @param probing    progress-halving: how many running trials may be below the first rung at once; 0 for the
 *                   default, {@link ProgressHalving#defaultProbing} of the parallelism
 */
public record Algorithm(Kind kind, Sampler sampler, int gridPoints, Rungs rungs, int brackets, int probing) {

    public enum Kind {
        GRID,
        RANDOM,
        TPE,
        ASHA,
        HYPERBAND,
        /** Capstan's default: {@link ProgressHalving} with TPE proposals that learn from the rungs. */
        PROGRESS_HALVING
    }

    public enum Sampler { RANDOM, TPE }

    public static Algorithm grid(int pointsPerRange) {
        return new Algorithm(Kind.GRID, null, pointsPerRange, null, 0, 0);
    }

    public static Algorithm random() {
        return new Algorithm(Kind.RANDOM, null, 0, null, 0, 0);
    }

    public static Algorithm tpe() {
        return new Algorithm(Kind.TPE, null, 0, null, 0, 0);
    }

    public static Algorithm asha(Sampler sampler, Rungs rungs) {
        return new Algorithm(Kind.ASHA, sampler, 0, rungs, 1, 0);
    }

    public static Algorithm hyperband(Sampler sampler, Rungs rungs, int brackets) {
        return new Algorithm(Kind.HYPERBAND, sampler, 0, rungs, brackets, 0);
    }

    /** Capstan's default algorithm with its default settings. */
    public static Algorithm progressHalving() {
        return progressHalving(0);
    }

    /** The default algorithm with {@code probing} trials allowed below the first rung (0: the default). */
    public static Algorithm progressHalving(int probing) {
        return new Algorithm(Kind.PROGRESS_HALVING, Sampler.TPE, 0, ProgressHalving.DEFAULT_RUNGS, 1, probing);
    }

    /** Whether this algorithm pauses and promotes trials itself (then the spec's early stopping must be none). */
    public boolean hasRungs() {
        return kind == Kind.ASHA || kind == Kind.HYPERBAND || kind == Kind.PROGRESS_HALVING;
    }

    /** Problems with this algorithm; {@code field} is its path in the spec. */
    public List<FieldProblem> problems(String field) {
        List<FieldProblem> problems = new ArrayList<>();
        if (kind == null) {
            problems.add(new FieldProblem(field + ".kind",
                    "must be one of grid, random, tpe, asha, hyperband, progress-halving"));
            return problems;
        }
        if (kind == Kind.GRID && gridPoints < 2) {
            problems.add(new FieldProblem(field + ".gridPoints", "must be at least 2"));
        }
        if (hasRungs()) {
            if (sampler == null) {
                problems.add(new FieldProblem(field + ".sampler", "must be random or tpe"));
            }
            if (rungs == null) {
                problems.add(new FieldProblem(field + ".rungs", "must be given for " + name()));
            } else {
                problems.addAll(rungs.problems(field + ".rungs"));
            }
        }
        if (kind == Kind.HYPERBAND && brackets < 1) {
            problems.add(new FieldProblem(field + ".brackets", "must be at least 1"));
        }
        if (kind == Kind.PROGRESS_HALVING && probing < 0) {
            problems.add(new FieldProblem(field + ".probing", "must be at least 1, or 0 for the default"));
        }
        return problems;
    }

    /** The kind as users write it: {@code progress-halving}. */
    public String name() {
        return kind.name().toLowerCase().replace('_', '-');
    }
}

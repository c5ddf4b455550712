package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that decides how a tuning experiment runs, as a user submits it (the trial template, which fills
 * {@code ${param}} placeholders of a training job, belongs to the service and is not needed here).
 *
 * @param objective     what is optimised
 * @param searchSpace   what varies
 * @param algorithm     how configurations are chosen
 * @param earlyStopping how trials stop early (none for algorithms with rungs of their own)
 * @param parallelism   at most this many trials hold GPUs at once
 * @param budget        when the experiment stops starting work
 * @param seed          the seed of every random choice: equal specs and equal reports give equal decisions
 */
public record ExperimentSpec(Objective objective, SearchSpace searchSpace, Algorithm algorithm,
                             EarlyStopping earlyStopping, int parallelism, Budget budget, long seed) {

    /** Every problem with the spec, each naming its field; empty when the spec can run. */
    public List<FieldProblem> problems() {
        List<FieldProblem> problems = new ArrayList<>();
        if (objective == null) {
            problems.add(new FieldProblem("objective", "is required"));
        } else {
            if (objective.metric() == null || objective.metric().isBlank()) {
                problems.add(new FieldProblem("objective.metric", "must not be blank"));
            }
            if (objective.direction() == null) {
                problems.add(new FieldProblem("objective.direction", "must be maximize or minimize"));
            }
            if (objective.target() != null && !Double.isFinite(objective.target())) {
                problems.add(new FieldProblem("objective.target", "must be a finite number"));
            }
        }
        if (searchSpace == null) {
            problems.add(new FieldProblem("searchSpace", "is required"));
        } else {
            problems.addAll(searchSpace.problems("searchSpace"));
        }
        if (algorithm == null) {
            problems.add(new FieldProblem("algorithm", "is required"));
        } else {
            problems.addAll(algorithm.problems("algorithm"));
        }
        if (earlyStopping == null) {
            problems.add(new FieldProblem("earlyStopping", "is required (kind none for no early stopping)"));
        } else {
            problems.addAll(earlyStopping.problems("earlyStopping"));
            if (algorithm != null && algorithm.hasRungs() && earlyStopping.kind() != null
                    && earlyStopping.kind() != EarlyStopping.Kind.NONE) {
                problems.add(new FieldProblem("earlyStopping.kind", "must be none: "
                        + algorithm.name() + " stops trials at its own rungs"));
            }
        }
        if (parallelism < 1) {
            problems.add(new FieldProblem("parallelism", "must be at least 1"));
        }
        if (budget == null) {
            problems.add(new FieldProblem("budget", "is required (no limits: all fields empty)"));
        } else {
            problems.addAll(budget.problems("budget"));
        }
        return problems;
    }
}

package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * Where successive halving looks at trials: rung k sits at {@code minResource · reductionFactor^k}, for every k whose
 * rung lies below {@code maxResource}; past the last rung a promoted trial runs to its own end.
 *
 * @param resource        what the rungs measure: steps, or cost
 * @param minResource     r, the first rung
 * @param reductionFactor η: a rung promotes its best 1/η, and the next rung sits η times further
 * @param maxResource     the most any trial can use (rungs stop below it)
 */
public record Rungs(Resource resource, double minResource, int reductionFactor, double maxResource) {

    /** The reduction factor Li et al. use for ASHA and that Capstan defaults to. */
    public static final int DEFAULT_REDUCTION_FACTOR = 3;

    /** The rungs' positions, for a Hyperband bracket that skips the first {@code bracket} rungs (0 for ASHA). */
    public List<Double> milestones(int bracket) {
        List<Double> milestones = new ArrayList<>();
        // powers, not repeated products, and a relative tolerance: 1/27·3·3·3 must not leave a rung just below 1
        for (int k = bracket; ; k++) {
            double m = minResource * Math.pow(reductionFactor, k);
            if (m >= maxResource * (1 - 1e-9)) {
                return milestones;
            }
            milestones.add(m);
        }
    }

    /** Problems with these settings; {@code field} is their path in the spec. */
    public List<FieldProblem> problems(String field) {
        List<FieldProblem> problems = new ArrayList<>();
        if (resource == null) {
            problems.add(new FieldProblem(field + ".resource", "must be step or cost"));
        }
        if (!(minResource > 0) || !Double.isFinite(minResource)) {
            problems.add(new FieldProblem(field + ".minResource", "must be a positive number"));
        }
        if (reductionFactor < 2) {
            problems.add(new FieldProblem(field + ".reductionFactor", "must be at least 2"));
        }
        if (!(maxResource > minResource)) {
            problems.add(new FieldProblem(field + ".maxResource", "must be greater than minResource"));
        }
        return problems;
    }
}

package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * How trials of a grid, random or TPE experiment stop early.
 *
 * @param kind        none, the median stopping rule, or ASHA's rungs
 * @param gracePeriod median rule: reports a trial makes before it can be stopped
 * @param minTrials   median rule: other trials needed before a median counts
 * @param rungs       ASHA: where the rungs are
 */
public record EarlyStopping(Kind kind, int gracePeriod, int minTrials, Rungs rungs) {

    public enum Kind { NONE, MEDIAN, ASHA }

    public static final EarlyStopping NONE = new EarlyStopping(Kind.NONE, 0, 0, null);

    /** The median stopping rule with Katib's defaults. */
    public static EarlyStopping median() {
        return median(MedianStoppingRule.KATIB_GRACE_PERIOD, MedianStoppingRule.KATIB_MIN_TRIALS);
    }

    public static EarlyStopping median(int gracePeriod, int minTrials) {
        return new EarlyStopping(Kind.MEDIAN, gracePeriod, minTrials, null);
    }

    public static EarlyStopping asha(Rungs rungs) {
        return new EarlyStopping(Kind.ASHA, 0, 0, rungs);
    }

    /** Problems with these settings; {@code field} is their path in the spec. */
    public List<FieldProblem> problems(String field) {
        List<FieldProblem> problems = new ArrayList<>();
        if (kind == null) {
            problems.add(new FieldProblem(field + ".kind", "must be none, median or asha"));
        } else if (kind == Kind.MEDIAN) {
            if (gracePeriod < 1) {
                problems.add(new FieldProblem(field + ".gracePeriod", "must be at least 1 report"));
            }
            if (minTrials < 1) {
                problems.add(new FieldProblem(field + ".minTrials", "must be at least 1"));
            }
        } else if (kind == Kind.ASHA) {
            if (rungs == null) {
                problems.add(new FieldProblem(field + ".rungs", "must be given for asha"));
            } else {
                problems.addAll(rungs.problems(field + ".rungs"));
            }
        }
        return problems;
    }
}

package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.List;

/** A parameter whose values lie on a range that maps onto [0, 1]. */
public sealed interface NumericParameter extends Parameter permits IntParameter, FloatParameter, LogFloatParameter {

    /** Where {@code value} lies on the unit interval (0 at min, 1 at max; log-scaled for log parameters). */
    double toUnit(double value);

    /** The parameter's value at a point of the unit interval, clamped into the range (and rounded for integers). */
    double fromUnit(double unit);

    /**
     * The value a fraction of the way from min (0) to max (1), geometrically for log parameters; integers are not
     * rounded here. Unlike {@link #fromUnit}, 0 and 1 are exactly the bounds, also for integers.
     */
    default double interpolate(double fraction) {
        return fromUnit(fraction);
    }

    @Override
    default ParameterValue valueAt(double unit) {
        double v = fromUnit(unit);
        return this instanceof IntParameter ? new ParameterValue.IntValue(Math.round(v))
                : new ParameterValue.FloatValue(v);
    }

    /** Range checks shared by the numeric kinds: finite bounds, min below max. */
    static List<FieldProblem> rangeProblems(String field, String name, double min, double max) {
        List<FieldProblem> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add(new FieldProblem(field + ".name", "must not be blank"));
        }
        if (!Double.isFinite(min)) {
            problems.add(new FieldProblem(field + ".min", "must be a finite number"));
        }
        if (!Double.isFinite(max)) {
            problems.add(new FieldProblem(field + ".max", "must be a finite number"));
        }
        if (Double.isFinite(min) && Double.isFinite(max)) {
            String wanted = "must be greater than min (" + format(min) + "): the range is ";
            if (min > max) {
                problems.add(new FieldProblem(field + ".max", wanted + "inverted"));
            } else if (min == max) {
                problems.add(new FieldProblem(field + ".max", wanted + "empty"));
            }
        }
        return problems;
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}

package dev.capstan.tuning.domain;

import java.util.List;

/**
 * An integer in [min, max], both included. On the unit interval each integer owns an equal slice, so that uniform
 * sampling gives every integer the same chance.
 */
public record IntParameter(String name, long min, long max) implements NumericParameter {

    @Override
    public double toUnit(double value) {
        return (value - min + 0.5) / (max - min + 1);
    }

    @Override
    public double fromUnit(double unit) {
        double v = Math.floor(min + unit * (max - min + 1));
        return Math.max(min, Math.min(max, v));
    }

    @Override
    public double interpolate(double fraction) {
        return min + fraction * (max - min);
    }

    @Override
    public List<FieldProblem> problems(String field) {
        return NumericParameter.rangeProblems(field, name, min, max);
    }
}

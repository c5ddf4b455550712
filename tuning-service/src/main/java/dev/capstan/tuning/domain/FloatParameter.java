package dev.capstan.tuning.domain;

import java.util.List;

/** A real number in [min, max], sampled uniformly. */
public record FloatParameter(String name, double min, double max) implements NumericParameter {

    @Override
    public double toUnit(double value) {
        return (value - min) / (max - min);
    }

    @Override
    public double fromUnit(double unit) {
        return Math.max(min, Math.min(max, min + unit * (max - min)));
    }

    @Override
    public List<FieldProblem> problems(String field) {
        return NumericParameter.rangeProblems(field, name, min, max);
    }
}

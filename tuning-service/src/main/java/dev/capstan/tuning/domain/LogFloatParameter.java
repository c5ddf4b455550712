package dev.capstan.tuning.domain;

import java.util.List;

/**
 * A positive real number in [min, max] whose logarithm is sampled uniformly: every decade of a learning rate gets the
 * same share of trials.
 */
public record LogFloatParameter(String name, double min, double max) implements NumericParameter {

    @Override
    public double toUnit(double value) {
        return (Math.log(value) - Math.log(min)) / (Math.log(max) - Math.log(min));
    }

    @Override
    public double fromUnit(double unit) {
        double v = Math.exp(Math.log(min) + unit * (Math.log(max) - Math.log(min)));
        return Math.max(min, Math.min(max, v));
    }

    @Override
    public List<FieldProblem> problems(String field) {
        List<FieldProblem> problems = NumericParameter.rangeProblems(field, name, min, max);
        if (Double.isFinite(min) && min <= 0) {
            problems.add(new FieldProblem(field + ".min", "must be positive on a log scale"));
        }
        if (Double.isFinite(max) && max <= 0) {
            problems.add(new FieldProblem(field + ".max", "must be positive on a log scale"));
        }
        return problems;
    }
}

package dev.capstan.tuning.domain;

import java.util.List;

/**
 * How far apart two configurations of a search space are: squared Euclidean distance on the unit cube, numeric
 * parameters through their unit mapping (so log parameters in log space), a different categorical choice counting as
 * distance 1. A parameter that either configuration leaves out is not counted, so a partial configuration is compared
 * on the parameters it sets.
 *
 * <p>Comparing many configurations to the same few: take each one's {@link #coordinates} once and compare those.
 */
public final class ConfigurationDistance {

    private final List<Parameter> parameters;

    public ConfigurationDistance(SearchSpace space) {
        this.parameters = space.parameters();
    }

    /**
     * The point of {@code c} on the unit cube, one coordinate per parameter of the space: numeric parameters on [0, 1],
     * categorical ones as the choice's index (-1 for a value that is not one of the choices, unequal to every choice),
     * NaN where {@code c} has no value.
     */
    public double[] coordinates(Configuration c) {
        double[] x = new double[parameters.size()];
        for (int i = 0; i < x.length; i++) {
            Parameter p = parameters.get(i);
            ParameterValue v = c.values().get(p.name());
            x[i] = v == null ? Double.NaN
                    : p instanceof NumericParameter n ? n.toUnit(v.number())
                    : ((CategoricalParameter) p).indexOf(v.text());
        }
        return x;
    }

    /** The squared distance between two points of {@link #coordinates}, over the parameters both set. */
    public double squared(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(a[i]) || Double.isNaN(b[i])) {
                continue;
            }
            double d = parameters.get(i) instanceof NumericParameter ? a[i] - b[i] : (a[i] == b[i] ? 0 : 1);
            sum += d * d;
        }
        return sum;
    }

    /** The squared distance between two configurations. */
    public double squared(Configuration a, Configuration b) {
        return squared(coordinates(a), coordinates(b));
    }
}

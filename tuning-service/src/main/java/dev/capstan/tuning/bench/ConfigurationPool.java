package dev.capstan.tuning.bench;

import dev.capstan.tuning.domain.CategoricalParameter;
import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.NumericParameter;
import dev.capstan.tuning.domain.Parameter;
import dev.capstan.tuning.domain.SearchSpace;
import java.util.List;
import java.util.Optional;

/**
 * The recorded configurations a replay may run, each at most once. A proposal runs as the nearest one not yet used:
 * Euclidean distance on the unit cube (numeric parameters through their unit mapping, so log parameters in log
 * space), a different categorical choice counting as distance 1.
 */
final class ConfigurationPool {

    private final SearchSpace space;
    private final List<RecordedRun> runs;
    private final boolean[] numeric;
    private final double[][] points;
    private final boolean[] used;
    private int remaining;

    ConfigurationPool(CurveFile file) {
        this.space = file.space();
        this.runs = file.runs();
        this.numeric = new boolean[space.parameters().size()];
        for (int i = 0; i < numeric.length; i++) {
            numeric[i] = space.parameters().get(i) instanceof NumericParameter;
        }
        this.points = runs.stream().map(r -> coordinates(r.configuration())).toArray(double[][]::new);
        this.used = new boolean[runs.size()];
        this.remaining = runs.size();
    }

    /** The nearest unused run to {@code proposal}, now used; empty when every run has been used. */
    Optional<RecordedRun> take(Configuration proposal) {
        double[] p = coordinates(proposal);
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < points.length; i++) {
            if (!used[i]) {
                double d = distance(p, points[i]);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = i;
                }
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        used[best] = true;
        remaining--;
        return Optional.of(runs.get(best));
    }

    int remaining() {
        return remaining;
    }

    /** Numeric parameters on [0, 1]; categorical ones as the choice's index, compared for equality only. */
    private double[] coordinates(Configuration c) {
        List<Parameter> parameters = space.parameters();
        double[] x = new double[parameters.size()];
        for (int i = 0; i < x.length; i++) {
            Parameter p = parameters.get(i);
            x[i] = p instanceof NumericParameter n ? n.toUnit(c.get(p.name()).number())
                    : ((CategoricalParameter) p).indexOf(c.get(p.name()).text());
        }
        return x;
    }

    private double distance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = numeric[i] ? a[i] - b[i] : (a[i] == b[i] ? 0 : 1);
            sum += d * d;
        }
        return sum;
    }
}

package dev.capstan.tuning.bench;

import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.ConfigurationDistance;
import java.util.List;
import java.util.Optional;

/**
 * The recorded configurations a replay may run, each at most once. A proposal runs as the nearest one not yet used,
 * by {@link ConfigurationDistance}: Euclidean distance on the unit cube (numeric parameters through their unit
 * mapping, so log parameters in log space), a different categorical choice counting as distance 1.
 */
final class ConfigurationPool {

    private final ConfigurationDistance distance;
    private final List<RecordedRun> runs;
    private final double[][] points;
    private final boolean[] used;
    private int remaining;

    ConfigurationPool(CurveFile file) {
        this.distance = new ConfigurationDistance(file.space());
        this.runs = file.runs();
        this.points = runs.stream().map(r -> distance.coordinates(r.configuration())).toArray(double[][]::new);
        this.used = new boolean[runs.size()];
        this.remaining = runs.size();
    }

    /** The nearest unused run to {@code proposal}, now used; empty when every run has been used. */
    Optional<RecordedRun> take(Configuration proposal) {
        double[] p = distance.coordinates(proposal);
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < points.length; i++) {
            if (!used[i]) {
                double d = distance.squared(p, points[i]);
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
}

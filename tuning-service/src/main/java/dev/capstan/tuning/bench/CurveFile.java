package dev.capstan.tuning.bench;

import dev.capstan.tuning.domain.Objective;
import dev.capstan.tuning.domain.SearchSpace;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A file of recorded tuning runs ready for replay.
 *
 * @param name        the file name
 * @param objective   the metric the file records and its direction
 * @param space       the search space the runs were sampled from (bounds: the runs' own extremes)
 * @param runs        the recorded configurations
 * @param costUnit    what the costs count ("s" or "steps")
 * @param costPerHour how many cost units make the "GPU-hour" the report prints (3,600 s; 10^6 steps)
 * @param hourLabel   what the report calls that unit
 */
public record CurveFile(String name, Objective objective, SearchSpace space, List<RecordedRun> runs,
                        String costUnit, double costPerHour, String hourLabel) {

    /** The best final value of any run: the target is measured from it. */
    public double bestFinalValue() {
        return runs.stream().map(RecordedRun::finalValue).filter(v -> !Double.isNaN(v))
                .max(Comparator.comparingDouble(objective::score)).orElseThrow();
    }

    /** The cost of running every configuration to its end. */
    public double totalCost() {
        return runs.stream().mapToDouble(RecordedRun::totalCost).sum();
    }

    /** The median step of a run's first report, where rungs on steps start. */
    public double medianFirstStep() {
        return median(runs.stream().filter(r -> r.reports() > 0).mapToDouble(r -> r.steps()[0]).toArray());
    }

    /** The last step of the longest run, where rungs on steps end. */
    public long maxStep() {
        return runs.stream().filter(r -> r.reports() > 0).mapToLong(r -> r.steps()[r.reports() - 1]).max().orElse(1);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

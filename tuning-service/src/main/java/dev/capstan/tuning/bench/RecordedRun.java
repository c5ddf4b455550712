package dev.capstan.tuning.bench;

import dev.capstan.tuning.domain.Configuration;

/**
 * One recorded configuration and its learning curve, as the replay charges and reveals it.
 *
 * @param id            the file's {@code iteration}
 * @param configuration the configuration, in the file's search space
 * @param plannedSteps  the steps the run was planned to last (its epochs; MultiNLI: its total steps)
 * @param steps         the step of each report (epochs counted from 1 for ImageNet, optimizer steps for MultiNLI)
 * @param costs         the cost of reaching each report from the one before (the first: from the start)
 * @param values        the objective at each report
 * @param diverged      whether the run failed after its last report (NaN loss); with no report at all it fails
 *                      after {@code failureCost}
 * @param failureCost   what a run with no report costs before it fails (one median epoch of the file)
 */
public record RecordedRun(int id, Configuration configuration, long plannedSteps, long[] steps, double[] costs,
                          double[] values, boolean diverged, double failureCost) {

    public int reports() {
        return steps.length;
    }

    /** The cost of the whole recorded run. */
    public double totalCost() {
        double total = steps.length == 0 ? failureCost : 0;
        for (double c : costs) {
            total += c;
        }
        return total;
    }

    /** The value at the run's own end; NaN for a diverged run, which leaves no usable model. */
    public double finalValue() {
        return diverged || values.length == 0 ? Double.NaN : values[values.length - 1];
    }
}

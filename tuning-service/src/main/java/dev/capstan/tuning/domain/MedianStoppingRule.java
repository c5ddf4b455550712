package dev.capstan.tuning.domain;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The median stopping rule (Golovin et al., "Google Vizier", KDD 2017; Katib's {@code medianstop}): a trial that
 * reported at step s stops when its best value up to s is strictly worse than the median of the other trials'
 * running averages up to s.
 * <ul>
 *   <li>Only after {@code gracePeriod} reports of its own (Katib's {@code start_step}, default 4).</li>
 *   <li>Only against other trials that have reached step s (their last report is at s or later) or completed,
 *       and only when there are at least {@code minTrials} of them (Katib's {@code min_trials_required}, default
 *       3). Katib counts succeeded trials alone; counting the ones still running as well lets the rule act before
 *       the first trials finish, which makes this baseline stronger, not weaker.</li>
 * </ul>
 */
public final class MedianStoppingRule implements StoppingRule {

    /** Katib's defaults: {@code start_step=4}, {@code min_trials_required=3}. */
    public static final int KATIB_GRACE_PERIOD = 4;
    public static final int KATIB_MIN_TRIALS = 3;

    private final Objective objective;
    private final int gracePeriod;
    private final int minTrials;

    public MedianStoppingRule(Objective objective, int gracePeriod, int minTrials) {
        this.objective = objective;
        this.gracePeriod = gracePeriod;
        this.minTrials = minTrials;
    }

    @Override
    public Decision afterReport(Trial trial, List<Trial> trials) {
        if (trial.reports().size() < gracePeriod) {
            return Decision.CONTINUE;
        }
        long step = trial.lastReport().step();
        double[] averages = trials.stream()
                .filter(t -> t.number() != trial.number() && t.hasReports()
                        && (t.lastReport().step() >= step || t.state() == TrialState.COMPLETED))
                .map(t -> t.runningAverageUpTo(step))
                .filter(OptionalDouble::isPresent)
                .mapToDouble(a -> objective.score(a.getAsDouble()))
                .toArray();
        if (averages.length < minTrials) {
            return Decision.CONTINUE;
        }
        double best = trial.bestScoreUpTo(step, objective).orElseThrow();
        return best < median(averages) ? Decision.STOP : Decision.CONTINUE;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

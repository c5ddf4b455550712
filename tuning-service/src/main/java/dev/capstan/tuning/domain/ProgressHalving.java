package dev.capstan.tuning.domain;

import java.util.List;
import java.util.Optional;

/**
 * Capstan's default early stopping: successive halving on rungs measured in each trial's own progress, that lets a
 * trial through a rung at once when it is good enough, and lets only a few trials without any evidence hold GPUs.
 * <ol>
 *   <li><b>Rungs on progress.</b> With {@link Resource#PROGRESS}, rung k sits at r·η^k of a trial's planned length
 *       (by default 1/27, 1/9 and 1/3, η = 3), so trials are compared at the same point of their own learning-rate
 *       schedules. Rungs at equal steps or equal cost favour short schedules, which lead early and end lower: on the
 *       AlexNet file ASHA on epochs never reaches the target (see the README).</li>
 *   <li><b>Through at once or wait.</b> A trial reaching a rung continues without giving its GPU back when its
 *       value there is among the best max(1, ⌊n/η⌋) of the n trials that have reached the rung so far (it counts
 *       itself), as Ray Tune's asynchronous Hyperband decides; otherwise it pauses with its checkpoint.</li>
 *   <li><b>Promotion.</b> A paused trial resumes from its checkpoint when later arrivals make it one of the rung's
 *       best ⌊n/η⌋ (ASHA's rule, {@link AshaRule}), so an unlucky early verdict is not final.</li>
 *   <li><b>Few unproven trials.</b> At most {@code probing} running trials may be below the first rung. The other
 *       GPUs only go to trials that have earned them at a rung; when there are none they stay free for the rest
 *       of the cluster. This trades wall-clock time for GPU-hours.</li>
 * </ol>
 */
public final class ProgressHalving implements StoppingRule {

    /** The first rung of the default rungs: η^-3, three rungs before a trial's end. */
    public static final double DEFAULT_FIRST_RUNG = 1.0 / 27;

    /**
     * GPUs of parallelism per trial allowed below the first rung: 16, so one new configuration at a time at 16 GPUs,
     * which makes TPE's proposals sequential, where it learns fastest. Fitted at 16 GPUs on the AlexNet and
     * DeBERTa-base files only; the README has the table it was chosen from.
     */
    public static final int GPUS_PER_PROBING_TRIAL = 16;

    /** The default rungs: on progress, at 1/27, 1/9 and 1/3 of each trial's planned length. */
    public static final Rungs DEFAULT_RUNGS = new Rungs(Resource.PROGRESS, DEFAULT_FIRST_RUNG,
            Rungs.DEFAULT_REDUCTION_FACTOR, 1.0);

    private final Objective objective;
    private final Rungs rungs;
    private final int probing;
    private final AshaRule promotions;

    public ProgressHalving(Objective objective, Rungs rungs, int probing) {
        if (probing < 1) {
            throw new IllegalArgumentException("probing must be at least 1, got " + probing);
        }
        this.objective = objective;
        this.rungs = rungs;
        this.probing = probing;
        this.promotions = new AshaRule(objective, rungs);
    }

    /** How many trials may probe below the first rung for a given parallelism: 1 per 16 GPUs, at least 1. */
    public static int defaultProbing(int parallelism) {
        return Math.max(1, Math.round((float) parallelism / GPUS_PER_PROBING_TRIAL));
    }

    @Override
    public Decision afterReport(Trial trial, List<Trial> trials) {
        List<Report> reports = trial.reports();
        double now = rungs.resource().of(trial, reports.get(reports.size() - 1));
        double before = reports.size() > 1 ? rungs.resource().of(trial, reports.get(reports.size() - 2)) : 0;
        double score = objective.score(trial.lastReport().value());
        for (double milestone : rungs.milestones(0)) {
            if (before < milestone && milestone <= now && !amongBest(score, milestone, trials)) {
                return Decision.PAUSE;
            }
        }
        return Decision.CONTINUE;
    }

    /** Whether {@code score} is among the best max(1, ⌊n/η⌋) values of the n trials that have reached the rung. */
    private boolean amongBest(double score, double milestone, List<Trial> trials) {
        int n = 0;
        int better = 0;
        for (Trial t : trials) {
            Report r = t.firstReaching(rungs.resource(), milestone);
            if (r != null) {
                n++;
                if (objective.score(r.value()) > score) {
                    better++;
                }
            }
        }
        return better < Math.max(1, n / rungs.reductionFactor());
    }

    @Override
    public Optional<Trial> promotion(List<Trial> trials) {
        return promotions.promotion(trials);
    }

    @Override
    public boolean admitsNewTrial(List<Trial> trials) {
        double first = rungs.milestones(0).get(0);
        long belowFirstRung = trials.stream().filter(t -> t.state() == TrialState.RUNNING
                && (!t.hasReports() || rungs.resource().of(t, t.lastReport()) < first)).count();
        return belowFirstRung < probing;
    }
}

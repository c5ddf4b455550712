package dev.capstan.tuning.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Asynchronous successive halving, ASHA (Li et al., "A System for Massively Parallel Hyperparameter Tuning",
 * MLSys 2020), and with several brackets asynchronous Hyperband (Li et al., JMLR 2018).
 * <ul>
 *   <li>A trial that reaches a rung pauses there: it gives its GPUs back and keeps its checkpoint.</li>
 *   <li>When a worker is free, the highest rung that has a paused trial among its best ⌊n/η⌋ (n: the trials that
 *       have reached it, by their value there) promotes that trial, which resumes from its checkpoint. Otherwise
 *       the worker starts a new configuration (the {@link Suggester}'s job). Trials left paused are never stopped
 *       explicitly; they simply never run again unless the rung's ranking promotes them later.</li>
 *   <li>With {@code brackets > 1}, trial n belongs to bracket n mod brackets, whose first rung is η^bracket times
 *       later, and promotions stay within a bracket.</li>
 * </ul>
 */
public final class AshaRule implements StoppingRule {

    private final Objective objective;
    private final Rungs rungs;
    private final int brackets;

    public AshaRule(Objective objective, Rungs rungs, int brackets) {
        if (brackets < 1) {
            throw new IllegalArgumentException("brackets must be at least 1, got " + brackets);
        }
        this.objective = objective;
        this.rungs = rungs;
        this.brackets = brackets;
    }

    /** ASHA: one bracket. */
    public AshaRule(Objective objective, Rungs rungs) {
        this(objective, rungs, 1);
    }

    @Override
    public Decision afterReport(Trial trial, List<Trial> trials) {
        List<Report> reports = trial.reports();
        double now = rungs.resource().of(trial, reports.get(reports.size() - 1));
        double before = reports.size() > 1 ? rungs.resource().of(trial, reports.get(reports.size() - 2)) : 0;
        for (double milestone : rungs.milestones(bracketOf(trial))) {
            if (before < milestone && milestone <= now) {
                return Decision.PAUSE;
            }
        }
        return Decision.CONTINUE;
    }

    @Override
    public Optional<Trial> promotion(List<Trial> trials) {
        int highest = 0;
        for (int b = 0; b < brackets; b++) {
            highest = Math.max(highest, rungs.milestones(b).size());
        }
        for (int k = highest - 1; k >= 0; k--) {
            for (int b = 0; b < brackets; b++) {
                Optional<Trial> promoted = promotable(trials, b, k);
                if (promoted.isPresent()) {
                    return promoted;
                }
            }
        }
        return Optional.empty();
    }

    /** The best paused trial of rung k of bracket b that is among the rung's top ⌊n/η⌋, if any. */
    private Optional<Trial> promotable(List<Trial> trials, int bracket, int k) {
        List<Double> milestones = rungs.milestones(bracket);
        if (k >= milestones.size()) {
            return Optional.empty();
        }
        double milestone = milestones.get(k);
        double next = k + 1 < milestones.size() ? milestones.get(k + 1) : Double.POSITIVE_INFINITY;
        List<Trial> rung = trials.stream()
                .filter(t -> bracketOf(t) == bracket && t.firstReaching(rungs.resource(), milestone) != null)
                .sorted(Comparator.comparingDouble((Trial t) -> -objective.score(valueAt(t, milestone)))
                        .thenComparingInt(Trial::number))
                .toList();
        int top = rung.size() / rungs.reductionFactor();
        return rung.subList(0, top).stream()
                .filter(t -> t.state() == TrialState.PAUSED && rungs.resource().of(t, t.lastReport()) < next)
                .findFirst();
    }

    private double valueAt(Trial t, double milestone) {
        return t.firstReaching(rungs.resource(), milestone).value();
    }

    private int bracketOf(Trial trial) {
        return trial.number() % brackets;
    }
}

package dev.capstan.tuning.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The decisions of one experiment, for whoever drives it (the service, or the benchmark's simulator): what a free
 * worker does next, and what a trial does after a report. Stateless: the caller keeps the trials (the service in
 * its database) and passes them in with the usage so far and the current time.
 */
public final class Tuner {

    /** What a free worker does. */
    public sealed interface Work {
        /** Resume a paused trial from its checkpoint (an ASHA promotion). */
        record Resume(Trial trial) implements Work {
        }

        /** Create trial number {@code trials.size()} with this configuration. */
        record Start(Configuration configuration) implements Work {
        }
    }

    private final Objective objective;
    private final Suggester suggester;
    private final StoppingRule stoppingRule;
    private final int parallelism;
    private final Budget budget;

    public Tuner(Objective objective, Suggester suggester, StoppingRule stoppingRule, int parallelism, Budget budget) {
        this.objective = objective;
        this.suggester = suggester;
        this.stoppingRule = stoppingRule;
        this.parallelism = parallelism;
        this.budget = budget;
    }

    /**
     * The next work for a free worker; empty when there is none now: the experiment is at its parallelism, out of
     * budget, has reached its objective's target, or the algorithm has nothing to propose. Promotions come before
     * new configurations.
     */
    public Optional<Work> next(List<Trial> trials, double gpuHoursUsed, Instant now) {
        long running = trials.stream().filter(t -> t.state() == TrialState.RUNNING).count();
        if (running >= parallelism || !budget.allowsWork(gpuHoursUsed, now) || targetReached(trials)) {
            return Optional.empty();
        }
        Optional<Trial> promoted = stoppingRule.promotion(trials);
        if (promoted.isPresent()) {
            return Optional.of(new Work.Resume(promoted.get()));
        }
        if (!budget.allowsNewTrial(trials.size(), gpuHoursUsed, now) || !stoppingRule.admitsNewTrial(trials)) {
            return Optional.empty();
        }
        return suggester.propose(trials).map(Work.Start::new);
    }

    /** Whether a trial that has not failed last reported a value at or beyond the objective's target. */
    public boolean targetReached(List<Trial> trials) {
        return trials.stream().anyMatch(t -> t.state() != TrialState.FAILED && t.hasReports()
                && objective.reaches(t.lastReport().value()));
    }

    /** What {@code trial} does after its latest report (which is not its last; see {@link StoppingRule}). */
    public Decision afterReport(Trial trial, List<Trial> trials) {
        return stoppingRule.afterReport(trial, trials);
    }
}

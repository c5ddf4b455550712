package dev.capstan.tuning.bench;

import dev.capstan.tuning.domain.Decision;
import dev.capstan.tuning.domain.Report;
import dev.capstan.tuning.domain.Trial;
import dev.capstan.tuning.domain.TrialState;
import dev.capstan.tuning.domain.Tuner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Replays recorded learning curves under a {@link Tuner}, in simulated time.
 * <ol>
 *   <li>{@code workers} GPUs, one per trial. Whenever one is free, the tuner says what it does: resume a paused
 *       trial, or start a proposal, which runs as the nearest unused recorded configuration
 *       ({@link ConfigurationPool}).</li>
 *   <li>A running trial reveals its curve one report at a time: report k arrives {@code costs[k]} after report k-1
 *       (cost = time for the ImageNet files). After each report the trial completes (its own end), fails
 *       (a diverged run's last report), or the tuner decides: continue, stop, or pause. Stopping or pausing frees
 *       the GPU at that instant; a resumed trial continues with its next report (from its checkpoint), so nothing
 *       is run twice.</li>
 *   <li>GPU cost is the integral of busy GPUs over time: the sum of the report costs run, plus the part of the
 *       reports under way at the moment measured. Idle GPUs cost nothing (they go back to the cluster).</li>
 *   <li>The replay ends once the target has been reached and the budget used up, or when there is nothing left
 *       to run.</li>
 * </ol>
 * Simulated seconds become {@link Instant}s after the epoch for the tuner, which reads no clock of its own.
 */
public final class ReplaySimulation {

    private record Event(double time, long sequence, int trial) {
    }

    private final CurveFile file;
    private final Tuner tuner;
    private final int workers;
    private final double budgetCost;
    private final double target;

    private final ConfigurationPool pool;
    private final List<Trial> trials = new ArrayList<>();
    private final List<RecordedRun> runOf = new ArrayList<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Double.compare(a.time, b.time) : Long.compare(a.sequence, b.sequence));
    private final Map<Integer, Double> lastScores = new HashMap<>();
    private long sequence;
    private int busy;
    private double now;
    private double cost;

    /**
     * @param budgetCost the GPU cost at which the best value is read (file's cost unit)
     * @param target     the value counted as reaching the target (in the objective's direction)
     */
    public ReplaySimulation(CurveFile file, Tuner tuner, int workers, double budgetCost, double target) {
        this.file = file;
        this.tuner = tuner;
        this.workers = workers;
        this.budgetCost = budgetCost;
        this.target = target;
        this.pool = new ConfigurationPool(file);
    }

    public Outcome run() {
        double costToTarget = Double.POSITIVE_INFINITY;
        double wallToTarget = Double.POSITIVE_INFINITY;
        double bestAtBudget = Double.NaN;
        int stoppedAtBudget = 0;
        int trialsAtBudget = 0;
        fillWorkers();
        while (!events.isEmpty()) {
            Event e = events.poll();
            double costThen = cost + busy * (e.time - now);
            if (Double.isNaN(bestAtBudget) && costThen >= budgetCost) {
                bestAtBudget = best();
                stoppedAtBudget = stoppedOrPaused();
                trialsAtBudget = trials.size();
            }
            cost = costThen;
            now = e.time;
            reveal(e.trial);
            if (!Double.isFinite(costToTarget) && file.objective().score(best()) >= file.objective().score(target)) {
                costToTarget = cost;
                wallToTarget = now;
            }
            if (Double.isFinite(costToTarget) && !Double.isNaN(bestAtBudget)) {
                break;
            }
            fillWorkers();
        }
        if (Double.isNaN(bestAtBudget)) {
            bestAtBudget = best();
            stoppedAtBudget = stoppedOrPaused();
            trialsAtBudget = trials.size();
        }
        return new Outcome(costToTarget, wallToTarget, bestAtBudget, stoppedAtBudget, trialsAtBudget, cost);
    }

    /** Reveals the next report of a trial that has just finished running up to it. */
    private void reveal(int number) {
        Trial trial = trials.get(number);
        RecordedRun run = runOf.get(number);
        int k = trial.reports().size();
        if (run.reports() == 0) {
            end(trial, TrialState.FAILED);
            return;
        }
        double costSoFar = k == 0 ? 0 : trial.lastReport().cost();
        trial = trial.withReport(new Report(run.steps()[k], costSoFar + run.costs()[k], run.values()[k]));
        trials.set(number, trial);
        lastScores.put(number, file.objective().score(run.values()[k]));
        boolean last = k == run.reports() - 1;
        if (last) {
            end(trial, run.diverged() ? TrialState.FAILED : TrialState.COMPLETED);
            return;
        }
        Decision decision = tuner.afterReport(trial, trials);
        switch (decision) {
            case CONTINUE -> schedule(number);
            case STOP -> end(trial, TrialState.STOPPED);
            case PAUSE -> end(trial, TrialState.PAUSED);
        }
    }

    private void end(Trial trial, TrialState state) {
        trials.set(trial.number(), trial.withState(state));
        busy--;
        if (state == TrialState.FAILED) {
            lastScores.remove(trial.number());
        }
    }

    /** Gives every free GPU the work the tuner has for it. */
    private void fillWorkers() {
        while (busy < workers) {
            Optional<Tuner.Work> work = tuner.next(trials, cost / file.costPerHour(),
                    Instant.ofEpochMilli((long) (now * 1000)));
            if (work.isEmpty()) {
                return;
            }
            if (work.get() instanceof Tuner.Work.Resume resume) {
                trials.set(resume.trial().number(), resume.trial().withState(TrialState.RUNNING));
                busy++;
                schedule(resume.trial().number());
            } else {
                Optional<RecordedRun> run = pool.take(((Tuner.Work.Start) work.get()).configuration());
                if (run.isEmpty()) {
                    return;
                }
                int number = trials.size();
                trials.add(Trial.started(number, run.get().configuration(), run.get().plannedSteps()));
                runOf.add(run.get());
                busy++;
                schedule(number);
            }
        }
    }

    private void schedule(int number) {
        RecordedRun run = runOf.get(number);
        int k = trials.get(number).reports().size();
        double duration = run.reports() == 0 ? run.failureCost() : run.costs()[k];
        events.add(new Event(now + duration, sequence++, number));
    }

    /** The best of the trials' last values, failed trials excluded; -inf score when there is none. */
    private double best() {
        double bestScore = lastScores.values().stream().mapToDouble(Double::doubleValue).max()
                .orElse(Double.NEGATIVE_INFINITY);
        return file.objective().direction().score(bestScore);
    }

    private int stoppedOrPaused() {
        return (int) trials.stream().filter(t -> t.state() == TrialState.STOPPED || t.state() == TrialState.PAUSED)
                .count();
    }

    /** The trials as they stand (for tests of the accounting). */
    List<Trial> trials() {
        return List.copyOf(trials);
    }
}

package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which trials a model-based suggester learns from, best first. The split into good and bad trials is made on this
 * order, so it decides how trials that have not finished compare with those that have.
 */
@FunctionalInterface
public interface TrialRanking {

    List<Trial> rank(List<Trial> trials);

    /**
     * Finished trials only, the way Optuna's TPE sampler orders them: completed trials by their final value first,
     * then trials ended early (stopped, or left paused at a rung), the further they got the better and by their last
     * value between equals. Unlike Optuna, which ignores failed trials, a failed trial counts as the worst of all: a
     * configuration that diverges is worth avoiding. Running trials are left out.
     */
    static TrialRanking finalValues(Objective objective) {
        return trials -> {
            List<Trial> completed = new ArrayList<>();
            List<Trial> endedEarly = new ArrayList<>();
            List<Trial> failed = new ArrayList<>();
            for (Trial t : trials) {
                switch (t.state()) {
                    case COMPLETED -> (t.hasReports() ? completed : failed).add(t);
                    case STOPPED, PAUSED -> (t.hasReports() ? endedEarly : failed).add(t);
                    case FAILED -> failed.add(t);
                    case RUNNING -> { }
                }
            }
            completed.sort(Comparator.comparingDouble((Trial t) -> objective.score(t.lastReport().value())).reversed());
            endedEarly.sort(Comparator.comparingLong((Trial t) -> t.lastReport().step()).reversed()
                    .thenComparing(Comparator.comparingDouble((Trial t) -> objective.score(t.lastReport().value()))
                            .reversed()));
            List<Trial> ranked = new ArrayList<>(completed);
            ranked.addAll(endedEarly);
            ranked.addAll(failed);
            return ranked;
        };
    }

    /**
     * Every trial that has reached a rung, running ones included, so that a model learns from partial curves long
     * before the first trial finishes: the higher the rung a trial has reached (its end counting as one above the
     * last rung), the better, and by its value at that rung between equals; failed trials last.
     */
    static TrialRanking byRungs(Objective objective, Rungs rungs) {
        List<Double> milestones = rungs.milestones(0);
        return trials -> {
            record Placed(Trial trial, int level, double score) {
            }
            List<Placed> placed = new ArrayList<>();
            List<Trial> failed = new ArrayList<>();
            for (Trial t : trials) {
                if (t.state() == TrialState.FAILED) {
                    failed.add(t);
                    continue;
                }
                if (t.state() == TrialState.COMPLETED && t.hasReports()) {
                    placed.add(new Placed(t, milestones.size(), objective.score(t.lastReport().value())));
                    continue;
                }
                for (int k = milestones.size() - 1; k >= 0; k--) {
                    Report r = t.firstReaching(rungs.resource(), milestones.get(k));
                    if (r != null) {
                        placed.add(new Placed(t, k, objective.score(r.value())));
                        break;
                    }
                }
            }
            placed.sort(Comparator.comparingInt(Placed::level).reversed()
                    .thenComparing(Comparator.comparingDouble(Placed::score).reversed()));
            List<Trial> ranked = new ArrayList<>(placed.stream().map(Placed::trial).toList());
            ranked.addAll(failed);
            return ranked;
        };
    }
}

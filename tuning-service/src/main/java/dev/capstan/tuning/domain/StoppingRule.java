package dev.capstan.tuning.domain;

import java.util.List;
import java.util.Optional;

/**
 * Decides, from the trials' intermediate reports, which running trial gives its GPUs back early and which paused
 * trial resumes. Like {@link Suggester}s, rules hold no state: every answer is a function of the trials passed in.
 */
public interface StoppingRule {

    /** No early stopping: every trial runs to its own end. */
    StoppingRule NONE = (trial, trials) -> Decision.CONTINUE;

    /**
     * What {@code trial} does after its latest report, which is not its last (a trial that has reached its own end
     * completes whatever the rule thinks). {@code trials} is every trial of the experiment, this one included.
     */
    Decision afterReport(Trial trial, List<Trial> trials);

    /** When a worker is free: the paused trial that should resume from its checkpoint, if any. */
    default Optional<Trial> promotion(List<Trial> trials) {
        return Optional.empty();
    }

    /** When a worker is free and nothing is promoted: whether a new trial may start now. */
    default boolean admitsNewTrial(List<Trial> trials) {
        return true;
    }
}

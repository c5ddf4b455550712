package dev.capstan.tuning.domain;

import java.util.List;
import java.util.Optional;

/**
 * Chooses the configuration of the next trial. Implementations hold no state between calls: what they propose is a
 * function of the experiment's seed and the trials so far (whose count is the new trial's number), so a restarted
 * service proposes exactly what it would have proposed before.
 */
public interface Suggester {

    /**
     * The configuration for trial number {@code trials.size()}, given every trial so far (running ones included,
     * with what they have reported); empty when this algorithm has nothing left to propose.
     */
    Optional<Configuration> propose(List<Trial> trials);
}

package dev.capstan.registry.domain;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Where a rollback takes an alias. Rollbacks chain like undo: each move away from a version remembers it, and a
 * rollback returns to the most recent remembered version that can still be served, forgetting what it passes.
 * So {@code v1 → v2 → v3}, rollback, rollback ends at v1 (not back at v3, as "the version before" read naively
 * would ping-pong), and a promotion after a rollback starts a new chain from the version it leaves.
 * Versions that are FAILED or deleted are skipped.
 */
public final class RollbackPlan {

    /** The outcome: a target version, or why there is none. */
    public sealed interface Outcome {
    }

    /** Move the alias to {@code version}. */
    public record To(int version) implements Outcome {
    }

    /** No rollback possible; {@code reason} says why. */
    public record Refused(String reason) implements Outcome {
    }

    private RollbackPlan() {
    }

    /**
     * Plans a rollback.
     *
     * @param history    the alias's moves in the order they happened
     * @param explicitTo a version asked for ({@code ?to=N}), or null for "the one before"
     * @param servable   whether a version can be served now (exists, READY, not deleted)
     */
    public static Outcome plan(List<AliasMove> history, Integer explicitTo, IntPredicate servable) {
        Integer current = null;
        Deque<Integer> earlier = new ArrayDeque<>();
        for (AliasMove m : history) {
            switch (m.kind()) {
                case SET, REMOVE -> {
                    if (current != null && !current.equals(m.toVersion())) {
                        earlier.push(current);
                    }
                    current = m.toVersion();
                }
                case ROLLBACK -> {
                    Integer to = m.toVersion();
                    while (!earlier.isEmpty() && !earlier.pop().equals(to)) {
                        // versions passed over by the rollback are forgotten
                    }
                    current = to;
                }
            }
        }
        if (explicitTo != null) {
            if (explicitTo.equals(current)) {
                return new Refused("the alias already points at version " + explicitTo);
            }
            if (!servable.test(explicitTo)) {
                return new Refused("version " + explicitTo + " cannot be served (it does not exist, failed or was "
                        + "deleted)");
            }
            return new To(explicitTo);
        }
        while (!earlier.isEmpty()) {
            int candidate = earlier.pop();
            if (!Integer.valueOf(candidate).equals(current) && servable.test(candidate)) {
                return new To(candidate);
            }
        }
        return new Refused(history.isEmpty() ? "the alias has never been set"
                : "no earlier version of this alias can be served");
    }
}

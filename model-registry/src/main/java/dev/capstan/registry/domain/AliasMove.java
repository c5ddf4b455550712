package dev.capstan.registry.domain;

import java.time.Instant;

/**
 * One recorded move of an alias. Moves are never changed or deleted: the history of an alias is the list of its
 * moves in the order they happened ({@code at}, then {@code sequence} for moves within one instant).
 *
 * @param sequence    the order of recording (database id), breaks ties between moves at the same instant
 * @param fromVersion the version before the move, null when the alias was unset
 * @param toVersion   the version after the move, null for {@link MoveKind#REMOVE}
 * @param cause       the event or request that caused it (an MLflow call, a REST request id, a rollback)
 */
public record AliasMove(long sequence, String alias, Integer fromVersion, Integer toVersion, MoveKind kind,
        String actor, String reason, String cause, Instant at) {
}

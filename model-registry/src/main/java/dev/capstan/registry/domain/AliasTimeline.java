package dev.capstan.registry.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which version an alias pointed at when. A move takes effect at its instant: at exactly {@code at} the alias
 * already points at the new version. Before its first move, and after a removal, it points at nothing.
 * The registry's SQL query for "the alias at an instant" follows this rule; the tests hold both to it.
 */
public final class AliasTimeline {

    private static final Comparator<AliasMove> ORDER = Comparator.comparing(AliasMove::at)
            .thenComparingLong(AliasMove::sequence);

    private final List<AliasMove> moves;

    /** The moves of one alias, in any order. */
    public AliasTimeline(List<AliasMove> moves) {
        this.moves = moves.stream().sorted(ORDER).toList();
    }

    /** The version the alias pointed at at {@code instant}, empty when it pointed at nothing. */
    public Optional<Integer> versionAt(Instant instant) {
        AliasMove last = null;
        for (AliasMove m : moves) {
            if (m.at().isAfter(instant)) {
                break;
            }
            last = m;
        }
        return last == null ? Optional.empty() : Optional.ofNullable(last.toVersion());
    }

    /** The moves in the order they happened. */
    public List<AliasMove> moves() {
        return moves;
    }
}

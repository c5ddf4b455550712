package dev.capstan.registry.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A fluent builder of alias histories for the tests: {@code aHistory().set(1).set(2).rollbackTo(1).build()}. */
final class Moves {

    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    private final List<AliasMove> moves = new ArrayList<>();
    private Integer current;
    private Instant at = T0;

    static Moves aHistory() {
        return new Moves();
    }

    Moves at(Instant instant) {
        at = instant;
        return this;
    }

    Moves set(int version) {
        return add(version, MoveKind.SET);
    }

    Moves rollbackTo(int version) {
        return add(version, MoveKind.ROLLBACK);
    }

    Moves remove() {
        return add(null, MoveKind.REMOVE);
    }

    private Moves add(Integer to, MoveKind kind) {
        moves.add(new AliasMove(moves.size() + 1, "production", current, to, kind, "ana", null, null, at));
        current = to;
        at = at.plusSeconds(60);
        return this;
    }

    List<AliasMove> build() {
        return List.copyOf(moves);
    }
}

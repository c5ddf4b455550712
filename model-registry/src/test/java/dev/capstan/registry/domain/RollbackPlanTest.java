package dev.capstan.registry.domain;

import static dev.capstan.registry.domain.Moves.aHistory;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RollbackPlanTest {

    record Case(String name, Moves history, Integer to, Set<Integer> unservable, Integer wantVersion,
            String wantRefusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case want(String name, Moves history, int wantVersion) {
        return new Case(name, history, null, Set.of(), wantVersion, null);
    }

    static Stream<Case> cases() {
        return Stream.of(
                want("one promotion back", aHistory().set(1).set(2), 1),
                want("three promotions: back to the one before", aHistory().set(1).set(2).set(3), 2),
                want("a second rollback goes further back, not forth again",
                        aHistory().set(1).set(2).set(3).rollbackTo(2), 1),
                new Case("a chain runs out", aHistory().set(1).set(2).rollbackTo(1), null, Set.of(), null,
                        "no earlier version"),
                want("a promotion after a rollback starts a new chain from the version it leaves",
                        aHistory().set(1).set(2).rollbackTo(1).set(3), 1),
                new Case("a failed version is skipped", aHistory().set(1).set(2).set(3), null, Set.of(2), 1, null),
                new Case("nothing servable left", aHistory().set(1).set(2), null, Set.of(1), null,
                        "no earlier version"),
                want("a removal is undone by a rollback", aHistory().set(1).set(2).remove().set(4), 2),
                want("setting the same version again is not a step back", aHistory().set(1).set(2).set(2), 1),
                new Case("explicit target", aHistory().set(1).set(2).set(3), 1, Set.of(), 1, null),
                new Case("explicit target that is current", aHistory().set(1).set(2), 2, Set.of(), null,
                        "already points at version 2"),
                new Case("explicit target that failed", aHistory().set(1).set(2), 1, Set.of(1), null,
                        "cannot be served"),
                new Case("never set", aHistory(), null, Set.of(), null, "never been set"),
                want("an explicit rollback past several versions forgets them",
                        aHistory().set(1).set(2).set(3).set(4).rollbackTo(2), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plansTheTarget(Case c) {
        List<AliasMove> history = c.history().build();

        RollbackPlan.Outcome outcome = RollbackPlan.plan(history, c.to(), v -> !c.unservable().contains(v));

        if (c.wantVersion() != null) {
            assertThat(outcome).isEqualTo(new RollbackPlan.To(c.wantVersion()));
        } else {
            assertThat(outcome).isInstanceOfSatisfying(RollbackPlan.Refused.class,
                    r -> assertThat(r.reason()).contains(c.wantRefusal()));
        }
    }
}

package dev.capstan.registry.domain;

import static dev.capstan.registry.domain.Moves.T0;
import static dev.capstan.registry.domain.Moves.aHistory;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AliasTimelineTest {

    /** v1 at T0, v2 at T0+60s, removed at T0+120s, v3 at T0+180s. */
    static final List<AliasMove> HISTORY = aHistory().set(1).set(2).remove().set(3).build();

    record Case(String name, Instant at, Integer wantVersion) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("before the first move: nothing", T0.minusNanos(1), null),
                new Case("exactly at the first move: the new version", T0, 1),
                new Case("between moves: the earlier one", T0.plusSeconds(59), 1),
                new Case("exactly at the second move: the new version", T0.plusSeconds(60), 2),
                new Case("one nanosecond before the removal", T0.plusSeconds(120).minusNanos(1), 2),
                new Case("at the removal: nothing", T0.plusSeconds(120), null),
                new Case("after the removal, before it is set again", T0.plusSeconds(179), null),
                new Case("set again", T0.plusSeconds(180), 3),
                new Case("long after", T0.plusSeconds(86_400), 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theVersionServedAtAnInstant(Case c) {
        assertThat(new AliasTimeline(HISTORY).versionAt(c.at())).isEqualTo(Optional.ofNullable(c.wantVersion()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void orderOfInputDoesNotMatter(Case c) {
        List<AliasMove> shuffled = new ArrayList<>(HISTORY);
        Collections.reverse(shuffled);
        assertThat(new AliasTimeline(shuffled).versionAt(c.at())).isEqualTo(Optional.ofNullable(c.wantVersion()));
    }

    @org.junit.jupiter.api.Test
    void twoMovesInTheSameInstantResolveInRecordingOrder() {
        List<AliasMove> sameInstant = aHistory().set(1).at(T0.plusSeconds(60)).set(2).at(T0.plusSeconds(60)).set(3)
                .build();
        assertThat(new AliasTimeline(sameInstant).versionAt(T0.plusSeconds(60))).contains(3);
        assertThat(new AliasTimeline(sameInstant).versionAt(T0.plusSeconds(59))).contains(1);
    }
}

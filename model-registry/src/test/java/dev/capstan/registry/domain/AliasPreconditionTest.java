package dev.capstan.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AliasPreconditionTest {

    record Case(String ifMatch, Long revision, boolean wantHolds) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(null, 3L, true),
                new Case(null, null, true),
                new Case("", 3L, true),
                new Case("\"3\"", 3L, true),
                new Case("\"2\"", 3L, false),
                new Case("\"1\", \"3\"", 3L, true),
                new Case("W/\"3\"", 3L, false),
                new Case("3", 3L, false),
                new Case("*", 3L, true),
                new Case("*", null, false),
                new Case("\"3\"", null, false));
    }

    @ParameterizedTest(name = "If-Match {0} on revision {1}: {2}")
    @MethodSource("cases")
    void strongComparisonAsRfc9110Says(Case c) {
        assertThat(AliasPrecondition.holds(c.ifMatch(), c.revision())).isEqualTo(c.wantHolds());
    }
}

package dev.capstan.autoscaler.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KpaPolicyTest {

    static ScalingSettings settings() {
        return ScalingSettings.of("svc", 1.0, 0, 100, Duration.ofSeconds(5));
    }

    static Stream<Scenario> cases() {
        return Stream.of(
                // 7 rps at 70 % of 1 rps per replica = 10 replicas, from the 60 s stable window.
                new Scenario("stable sizing", 10, 7, 60, 7, 60, 10, Reason.STABLE),
                // The 6 s panic window needs 40 replicas while 10 are ready (>= 200 %): panic, sized from it.
                new Scenario("panic entry at 200 % of ready", 10, 7, 60, 28, 6, 40, Reason.PANIC),
                // 9 rps for 6 s: the panic window needs 13 of 10 ready (< 200 %): no panic; the stable window needs 11.
                new Scenario("below the panic threshold", 10, 7, 60, 9, 6, 11, Reason.STABLE),
                // Idle for the 60 s stable window plus the 30 s grace: the last replica goes.
                new Scenario("to zero after window and grace", 1, 0.5, 60, 0, 92, 0, Reason.TO_ZERO),
                // Idle for 70 s: the window is empty but the grace is not over yet.
                new Scenario("last replica kept in grace", 1, 0.5, 60, 0, 70, 1, Reason.KEEP_WARM),
                // 3 rps arrives at zero replicas: the panic window needs 2.
                new Scenario("from zero", 0, 0, 60, 3, 2, 2, Reason.FROM_ZERO));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decides(Scenario c) {
        c.check(settings(), PolicyKind.KPA);
    }

    @org.junit.jupiter.api.Test
    void panicHoldsItsHighestCountAndEndsAStableWindowAfterTheLastCrossing() {
        Feed feed = new Feed(settings(), PolicyKind.KPA, 10);
        feed.run(60, 7);
        assertThat(feed.run(6, 28).desiredReplicas()).isEqualTo(40);
        // Demand falls back: in panic there is no scale-down.
        ScaleDecision during = feed.run(30, 7);
        assertThat(during.reason()).isEqualTo(Reason.PANIC);
        assertThat(during.desiredReplicas()).isEqualTo(40);
        // 60 s after the last crossing panic ends and the stable window takes over again (halving steps).
        ScaleDecision after = feed.run(40, 7);
        assertThat(after.reason()).isNotEqualTo(Reason.PANIC);
        assertThat(after.desiredReplicas()).isLessThan(40);
    }
}

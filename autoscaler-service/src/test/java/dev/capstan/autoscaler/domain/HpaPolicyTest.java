package dev.capstan.autoscaler.domain;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HpaPolicyTest {

    static Stream<Scenario> cases() {
        return Stream.of(
                // 10 replicas at 0.7 rps each is exactly the target; 7.5 rps is within 10 %: no change.
                new Scenario("within tolerance", 10, 7, 60, 7.5, 30, 10, Reason.TOLERANCE),
                // 14 rps wants 20: allowed, since 100 % of 10 is more than 4 pods.
                new Scenario("scale-up by 100 %", 10, 7, 60, 14, 30, 20, Reason.STABLE),
                // 2 replicas, 14 rps wants 20: at most max(2 + 4, 2 × 2) = 6 per 15 s period.
                new Scenario("scale-up by 4 pods", 2, 1.4, 60, 14, 15, 6, Reason.RATE_LIMITED),
                // Demand halves: the highest recommendation of the last 300 s (10) still holds.
                new Scenario("down stabilisation holds", 10, 7, 60, 3.5, 120, 10, Reason.STABILISED),
                // After 300 s of lower demand it follows.
                new Scenario("down after 300 s", 10, 7, 60, 3.5, 330, 5, Reason.TOLERANCE),
                // No scale to zero: the HPA keeps one replica when idle.
                new Scenario("never to zero", 1, 0.5, 60, 0, 400, 1, Reason.STABLE));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decides(Scenario c) {
        c.check(ScalingSettings.of("svc", 1.0, 0, 100, Duration.ofSeconds(5)).withRates(1000, 1000), PolicyKind.HPA);
    }
}

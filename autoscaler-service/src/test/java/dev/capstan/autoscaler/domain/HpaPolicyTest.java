package dev.capstan.autoscaler.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HpaPolicyTest {

    record Case(String name, int startReplicas, double warmRps, int warmSeconds, double rps, int seconds,
            int wantReplicas, Reason wantReason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // 10 replicas at 0.7 rps each is exactly the target; 7.5 rps is within 10 %: no change.
                new Case("within tolerance", 10, 7, 60, 7.5, 30, 10, Reason.TOLERANCE),
                // 14 rps wants 20: allowed, since 100 % of 10 is more than 4 pods.
                new Case("scale-up by 100 %", 10, 7, 60, 14, 30, 20, Reason.STABLE),
                // 2 replicas, 14 rps wants 20: at most max(2 + 4, 2 × 2) = 6 per 15 s period.
                new Case("scale-up by 4 pods", 2, 1.4, 60, 14, 15, 6, Reason.RATE_LIMITED),
                // Demand halves: the highest recommendation of the last 300 s (10) still holds.
                new Case("down stabilisation holds", 10, 7, 60, 3.5, 120, 10, Reason.STABILISED),
                // After 300 s of lower demand it follows.
                new Case("down after 300 s", 10, 7, 60, 3.5, 330, 5, Reason.TOLERANCE),
                // No scale to zero: the HPA keeps one replica when idle.
                new Case("never to zero", 1, 0.5, 60, 0, 400, 1, Reason.STABLE));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decides(Case c) {
        ScalingSettings s = ScalingSettings.of("svc", 1.0, 0, 100, Duration.ofSeconds(5)).withRates(1000, 1000);
        Feed feed = new Feed(s, PolicyKind.HPA, c.startReplicas());
        feed.run(c.warmSeconds(), c.warmRps());
        feed.replicas = c.startReplicas();
        ScaleDecision d = feed.run(c.seconds(), c.rps());
        assertThat(d.desiredReplicas()).as(c.name()).isEqualTo(c.wantReplicas());
        assertThat(d.reason()).as(c.name()).isEqualTo(c.wantReason());
    }
}

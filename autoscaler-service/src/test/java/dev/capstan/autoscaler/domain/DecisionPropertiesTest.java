package dev.capstan.autoscaler.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Whatever the demand and the settings, decisions stay within bounds and within the rate limits. */
class DecisionPropertiesTest {

    @Property(tries = 300)
    void decisionsStayWithinBoundsAndRateLimits(@ForAll("policies") PolicyKind kind,
            @ForAll @IntRange(min = 0, max = 5) int min, @ForAll @IntRange(min = 1, max = 60) int span,
            @ForAll boolean toZero, @ForAll @IntRange(min = 0, max = 120) int coldStart,
            @ForAll("rates") double upRate, @ForAll("rates") double downRate,
            @ForAll @IntRange(min = 0, max = 70) int startReplicas, @ForAll @IntRange(min = 0, max = 5) int queue,
            @ForAll("sampleLengths") int sampleSeconds,
            @ForAll @Size(min = 1, max = 400) List<@IntRange(min = -1, max = 200) Integer> demand) {
        int max = min + span;
        ScalingSettings s = ScalingSettings.of("svc", 2.0, min, max, Duration.ofSeconds(coldStart))
                .withScaleToZero(toZero, Duration.ofSeconds(30)).withRates(upRate, downRate)
                .withQueueTimeout(Duration.ofSeconds(queue));
        ServiceAutoscaler a = new ServiceAutoscaler(s, kind);
        int tick = (int) a.policy().tickInterval().toSeconds();
        int replicas = startReplicas;
        for (int t = 0; t < demand.size(); t++) {
            int d = demand.get(t);
            // One sample per sampleSeconds (the gateway's window); -1 = the gateway reported nothing this time.
            if (d >= 0 && (t + 1) % sampleSeconds == 0) {
                a.observe(new RateSample(Instant.ofEpochSecond(t + 1 - sampleSeconds), sampleSeconds,
                        d * (double) sampleSeconds, 0));
            }
            if ((t + 1) % tick != 0) {
                continue;
            }
            ScaleDecision decision = a.decide(Instant.ofEpochSecond(t + 1), replicas, replicas);
            int want = decision.desiredReplicas();
            assertThat(want).isBetween(s.effectiveMin(), max);
            boolean inBounds = replicas >= s.effectiveMin() && replicas <= max;
            if (inBounds) {
                assertThat(want).isLessThanOrEqualTo((int) Math.ceil(Math.max(replicas, 1) * upRate));
                assertThat(want).isGreaterThanOrEqualTo((int) Math.floor(replicas / downRate));
            }
            if (decision.reason() == Reason.HOLD_NO_DATA || decision.reason() == Reason.NO_DATA_SAFE) {
                assertThat(want).as("missing data never scales down").isGreaterThanOrEqualTo(Math.min(replicas, max));
            }
            replicas = want;
        }
    }

    @Provide
    Arbitrary<PolicyKind> policies() {
        return Arbitraries.of(PolicyKind.values());
    }

    @Provide
    Arbitrary<Integer> sampleLengths() {
        return Arbitraries.of(1, 2, 5);
    }

    @Provide
    Arbitrary<Double> rates() {
        return Arbitraries.of(1.5, 2.0, 4.0, 1000.0);
    }
}

package dev.capstan.autoscaler.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine's own rules: missing data, rate limits, bounds, from/to zero; independent of the policy. */
class ServiceAutoscalerTest {


    record Case(String name, int min, int max, boolean toZero, int current, int proposed, int want, Reason wantReason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("within everything", 0, 100, true, 10, 12, 12, Reason.STABLE),
                new Case("scale-down halves at most", 0, 100, true, 40, 1, 20, Reason.RATE_LIMITED),
                new Case("max bound", 0, 8, true, 6, 12, 8, Reason.BOUND),
                new Case("min bound", 3, 8, true, 4, 1, 3, Reason.BOUND),
                new Case("no zero without scale to zero", 0, 8, false, 1, 0, 1, Reason.BOUND),
                new Case("to zero", 0, 8, true, 1, 0, 0, Reason.TO_ZERO),
                new Case("from zero", 0, 8, true, 0, 3, 3, Reason.FROM_ZERO),
                new Case("current above a lowered max", 0, 4, true, 20, 20, 4, Reason.BOUND));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void appliesLimitsAndBounds(Case c) {
        ScalingSettings s = ScalingSettings.of("svc", 1, c.min(), c.max(), Duration.ofSeconds(5))
                .withScaleToZero(c.toZero(), Duration.ofSeconds(30));
        ServiceAutoscaler a = new ServiceAutoscaler(s, new FixedPolicy(c.proposed()), Duration.ofSeconds(10),
                Duration.ofSeconds(60));
        a.observe(new RateSample(Instant.ofEpochSecond(0), 1, 5, 0));
        ScaleDecision d = a.decide(Instant.ofEpochSecond(2), c.current(), c.current());
        assertThat(d.desiredReplicas()).as(c.name()).isEqualTo(c.want());
        assertThat(d.reason()).as(c.name()).isEqualTo(c.wantReason());
    }

    @Test
    void missingMetricsHoldThenKeepASafeCountAndNeverGoToZero() {
        ScalingSettings s = ScalingSettings.of("svc", 1, 0, 10, Duration.ofSeconds(5));
        Feed feed = new Feed(s, PolicyKind.KPA, 3);
        feed.run(60, 2);
        assertThat(feed.replicas).isEqualTo(3);
        // The gateway falls silent: KPA alone would see no requests and go to zero; the engine holds instead.
        ScaleDecision held = feed.silence(30);
        assertThat(held.reason()).isEqualTo(Reason.HOLD_NO_DATA);
        assertThat(held.desiredReplicas()).isEqualTo(3);
        ScaleDecision safe = feed.silence(300);
        assertThat(safe.reason()).isEqualTo(Reason.NO_DATA_SAFE);
        assertThat(safe.desiredReplicas()).isEqualTo(3);
        assertThat(feed.decisions).allSatisfy(d -> assertThat(d.desiredReplicas()).isPositive());
        // Data returns: decisions come from the policy again.
        assertThat(feed.run(4, 2).reason()).isNotIn(Reason.HOLD_NO_DATA, Reason.NO_DATA_SAFE);
    }

    @Test
    void aServiceThatNeverReportedGetsOneReplicaAfterTheHold() {
        ScalingSettings s = ScalingSettings.of("svc", 1, 0, 10, Duration.ofSeconds(5));
        ServiceAutoscaler a = new ServiceAutoscaler(s, PolicyKind.CAPSTAN);
        assertThat(a.decide(Instant.ofEpochSecond(0), 0, 0).reason()).isEqualTo(Reason.HOLD_NO_DATA);
        ScaleDecision later = a.decide(Instant.ofEpochSecond(61), 0, 0);
        assertThat(later.reason()).isEqualTo(Reason.NO_DATA_SAFE);
        assertThat(later.desiredReplicas()).isEqualTo(1);
    }

    @Test
    void redeliveredAndOutOfOrderSamplesAreNotCountedTwice() {
        RequestWindows w = new RequestWindows(120);
        RateSample s1 = new RateSample(Instant.ofEpochSecond(0), 10, 100, 0);
        assertThat(w.add(s1)).isTrue();
        assertThat(w.add(s1)).isFalse();
        assertThat(w.add(new RateSample(Instant.ofEpochSecond(5), 1, 7, 0))).isFalse();
        assertThat(w.add(new RateSample(Instant.ofEpochSecond(10), 10, 50, 0))).isTrue();
        assertThat(w.rate(Instant.ofEpochSecond(20).toEpochMilli(), 20)).isEqualTo(7.5);
        assertThat(w.rate(Instant.ofEpochSecond(20).toEpochMilli(), 10)).isEqualTo(5.0);
    }

    @Test
    void samplesOfAWindowComeWithTheirRatesAndTheirPartInsideIt() {
        RequestWindows w = new RequestWindows(120);
        w.add(new RateSample(Instant.ofEpochSecond(0), 10, 100, 0)); // 10 rps over [0, 10)
        w.add(new RateSample(Instant.ofEpochSecond(10), 2, 6, 0)); // 3 rps over [10, 12)
        double[] rates = new double[w.capacityHint()];
        double[] secs = new double[w.capacityHint()];
        int n = w.samplesBetween(Instant.ofEpochSecond(6).toEpochMilli(), Instant.ofEpochSecond(12).toEpochMilli(),
                rates, secs);
        assertThat(n).isEqualTo(2);
        assertThat(rates[0]).isEqualTo(3.0); // newest first
        assertThat(secs[0]).isEqualTo(2.0);
        assertThat(rates[1]).isEqualTo(10.0);
        assertThat(secs[1]).isEqualTo(4.0); // only (6, 10] is inside
    }
}

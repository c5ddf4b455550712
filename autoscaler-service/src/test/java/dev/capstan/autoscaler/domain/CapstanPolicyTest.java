package dev.capstan.autoscaler.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CapstanPolicyTest {

    static ScalingSettings settings(int coldStartSeconds) {
        return ScalingSettings.of("svc", 1.0, 0, 100, Duration.ofSeconds(coldStartSeconds));
    }

    @Test
    void aSingleRequestAtZeroBringsOneReplica() {
        Feed feed = new Feed(settings(5), PolicyKind.CAPSTAN, 0);
        feed.run(60, 0);
        ScaleDecision d = feed.run(2, 0.5);
        assertThat(d.desiredReplicas()).isEqualTo(1);
        assertThat(d.reason()).isEqualTo(Reason.FROM_ZERO);
    }

    @Test
    void aRisingTrendIsProvisionedAheadOfTheColdStart() {
        // Demand climbs 0.5 rps every second; the forecast sizes for where it will be when a replica is ready.
        Feed forecast = new Feed(settings(30), PolicyKind.CAPSTAN, 5);
        forecast.run(60, 3);
        ScaleDecision d = null;
        for (int i = 0; i < 20; i++) {
            d = forecast.run(1, 3 + 0.5 * i);
        }
        double observedNeed = Math.ceil((3 + 0.5 * 19) / 0.7);
        assertThat(d.desiredReplicas()).isGreaterThan((int) observedNeed);
        assertThat(forecast.decisions).anySatisfy(x -> assertThat(x.reason()).isEqualTo(Reason.FORECAST));
    }

    @Test
    void noisySteadyDemandDoesNotFlap() {
        Feed feed = new Feed(settings(5), PolicyKind.CAPSTAN, 8);
        java.util.Random random = new java.util.Random(7);
        feed.run(60, 5);
        int changes = 0;
        int last = feed.replicas;
        for (int i = 0; i < 600; i++) {
            feed.run(1, 4 + random.nextInt(3)); // 4..6 rps
            if (feed.replicas != last) {
                changes++;
                last = feed.replicas;
            }
        }
        assertThat(changes).isLessThanOrEqualTo(20); // one change per 30 s at most on average, over 10 minutes
    }

    @Test
    void withoutHistoryTheLastReplicaIsKeptAtLeastAsLongAsKpaKeepsIt() {
        Feed feed = new Feed(settings(5), PolicyKind.CAPSTAN, 1);
        feed.run(60, 0.5);
        assertThat(feed.run(80, 0).reason()).isEqualTo(Reason.KEEP_WARM);
        assertThat(feed.run(12, 0).desiredReplicas()).isZero();
    }

    @Test
    void aLongColdStartKeepsTheLastReplicaLonger() {
        Feed feed = new Feed(settings(120), PolicyKind.CAPSTAN, 1);
        feed.run(60, 0.5);
        ScaleDecision d = feed.run(200, 0);
        assertThat(d.desiredReplicas()).isEqualTo(1);
        assertThat(d.reason()).isEqualTo(Reason.KEEP_WARM);
    }

    @Test
    void learnedLongGapsReleaseAtOnceAndPrewarmBeforeTheNextArrival() {
        // A timer-like service: 10 s of requests every 300 s.
        Feed feed = new Feed(settings(5), PolicyKind.CAPSTAN, 1);
        for (int i = 0; i < 6; i++) {
            feed.run(10, 2);
            feed.run(290, 0);
        }
        feed.run(10, 2);
        // Shortly after the burst the replica goes, although KPA would keep it for 90 s.
        ScaleDecision released = feed.run(30, 0);
        assertThat(released.desiredReplicas()).isZero();
        // It comes back a cold start (plus margin) before the next burst is due.
        feed.run(240, 0);
        ScaleDecision prewarmed = feed.run(14, 0);
        assertThat(prewarmed.desiredReplicas()).isEqualTo(1);
        assertThat(feed.decisions).anySatisfy(x -> assertThat(x.reason()).isEqualTo(Reason.PREWARM));
    }
}

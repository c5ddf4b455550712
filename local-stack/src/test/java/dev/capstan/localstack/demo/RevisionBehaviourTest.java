package dev.capstan.localstack.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RevisionBehaviourTest {

    @Test
    void aVersionsTagsMakeItBadAndWhatTheyLeaveOutOrGetWrongIsHealthy() {
        assertThat(RevisionBehaviour.of(Map.of(RevisionBehaviour.ERROR_RATE, "0.08")))
                .isEqualTo(new RevisionBehaviour(0.08, 40));
        assertThat(RevisionBehaviour.of(Map.of())).isEqualTo(RevisionBehaviour.HEALTHY);
        assertThat(RevisionBehaviour.of(Map.of(RevisionBehaviour.ERROR_RATE, "lots", RevisionBehaviour.LATENCY_MS,
                "-3"))).isEqualTo(RevisionBehaviour.HEALTHY);
    }

    @Test
    void servedRequestsFailAtTheErrorRateAndWhatNoReplicaCanTakeFails() {
        RevisionBehaviour bad = new RevisionBehaviour(0.08, 40);
        Random random = new Random(7);
        long requests = 0;
        long errors = 0;
        for (int s = 0; s < 200; s++) {
            RevisionBehaviour.Second second = bad.serve(100, 1_000, random);
            requests += second.requests();
            errors += second.errors();
        }
        assertThat((double) errors / requests).isCloseTo(0.08, within(0.01));

        RevisionBehaviour.Second overloaded = RevisionBehaviour.HEALTHY.serve(100, 60, new Random(1));
        assertThat(overloaded.served()).isEqualTo(60);
        assertThat(overloaded.errors()).isGreaterThanOrEqualTo(40);
        // Those 40 were refused for want of capacity; the rest of the errors are the replicas' own.
        assertThat(overloaded.refused()).isEqualTo(40);
        assertThat(RevisionBehaviour.HEALTHY.serve(100, 1_000, new Random(1)).refused()).isZero();
    }

    @Test
    void latencyGrowsWithUtilisationAndTheTailIsAboveTheMedian() {
        RevisionBehaviour r = new RevisionBehaviour(0, 40);
        RevisionBehaviour.Second idle = r.serve(10, 100, new Random(1));
        RevisionBehaviour.Second busy = r.serve(95, 100, new Random(1));

        assertThat(idle.p50LatencyMs()).isLessThan(busy.p50LatencyMs());
        assertThat(busy.p99LatencyMs()).isGreaterThan(busy.p50LatencyMs());
        assertThat(r.serve(0, 100, new Random(1)).p99LatencyMs()).isZero();
    }
}

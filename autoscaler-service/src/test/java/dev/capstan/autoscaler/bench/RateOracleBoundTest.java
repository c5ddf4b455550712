package dev.capstan.autoscaler.bench;

import dev.capstan.traces.Trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.capstan.autoscaler.domain.PolicyInput;
import dev.capstan.autoscaler.domain.RequestWindows;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The clairvoyant-rate policy that bounds what a rate-driven autoscaler can do. */
class RateOracleBoundTest {

    @Test
    void theOracleCoversEverySecondUntilItsNextReplicasCouldBeReady() {
        double[] rate = new double[200];
        for (int t = 0; t < rate.length; t++) {
            rate[t] = t < 100 ? 9 : t < 150 ? 1 : 16;
        }
        // Cold start 5, tick 2: a decision covers now .. now + 7. Square-root headroom with β = 1.
        RateOracleBound.Oracle oracle = new RateOracleBound.Oracle(rate, 5, l -> l + Math.sqrt(l));
        assertThat(ask(oracle, 50)).isEqualTo(12); // 9 + 3
        assertThat(ask(oracle, 96)).isEqualTo(12); // the fall at 100 is inside the horizon: no release yet
        assertThat(ask(oracle, 101)).isEqualTo(2); // 1 + 1
        assertThat(ask(oracle, 144)).isEqualTo(20); // the rise to 16 at 150 is ready in time: 16 + 4
        assertThat(ask(oracle, 50, 2.0)).isEqualTo(6); // 12 rps of need at 2 rps a replica
    }

    @Test
    void onAFlatRateItLosesOnlyTheFirstColdStart() {
        double[] perSec = new double[1200];
        Arrays.fill(perSec, 5);
        Trace trace = new Trace("flat", perSec);
        double[] rate = Resampler.smoothed(perSec, 60);
        ReplaySimulator.Result r = ReplaySimulator.replay(trace, ReplaySimulator.settings("flat", 1, 5, 2),
                new RateOracleBound.Oracle(rate, 5, l -> l), 2);
        // Exactly 5 rps, and 5 replicas asked for at the first tick (t = 2), ready at t = 7: seconds 0..6 are lost (35
        // requests; the ready replicas are full, so nothing queued is caught up), nothing after.
        assertThat(r.demand() - r.served()).isCloseTo(35, within(1e-9));
        assertThat(r.replicaSeconds()).isEqualTo(5L * (1200 - 2));
    }

    private static int ask(RateOracleBound.Oracle oracle, int nowSeconds) {
        return ask(oracle, nowSeconds, 1.0);
    }

    private static int ask(RateOracleBound.Oracle oracle, int nowSeconds, double targetRps) {
        PolicyInput in = new PolicyInput(ReplaySimulator.settings("t", targetRps, 5, 2), new RequestWindows(60),
                nowSeconds * 1000L, 0, 0);
        return oracle.propose(in).replicas();
    }
}

package dev.capstan.autoscaler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.autoscaler.domain.ScalingSettings;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecisionTimingTest {

    private static double[] bursty(int seconds, long seed) {
        Random random = new Random(seed);
        double[] demand = new double[seconds];
        for (int t = 0; t < seconds; t++) {
            // Quiet minutes and busy ones, Poisson within each: the policy scales up and down many times.
            double mean = (t / 60) % 2 == 0 ? 0.5 : 6;
            demand[t] = DecisionTiming.poisson(mean, random);
        }
        return demand;
    }

    @Test
    void lateReplicasCostLessAndLateReleasesGiveItBack() {
        ScalingSettings settings = ReplaySimulator.settings("s", 2, 10, 2);
        double[] demand = bursty(600, 5);
        long onTime = DecisionTiming.replicaSeconds(demand, settings, ReplaySimulator.Timing.OFFLINE);
        long late = DecisionTiming.replicaSeconds(demand, settings, new ReplaySimulator.Timing(false, 0, 1, 0));
        long bothLate = DecisionTiming.replicaSeconds(demand, settings,
                new ReplaySimulator.Timing(false, 0, 1, 1));

        assertThat(late).isLessThan(onTime);
        assertThat(Math.abs(bothLate - onTime)).isLessThan(onTime - late);
    }

    @Test
    void poissonDrawsHaveTheirMean() {
        Random random = new Random(1);
        double sum = 0;
        for (int i = 0; i < 100_000; i++) {
            sum += DecisionTiming.poisson(2.5, random);
        }
        assertThat(sum / 100_000).isBetween(2.47, 2.53);
    }
}

package dev.capstan.tuning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TuningBenchmarkTest {

    @Test
    void seedsComeAsARangeOrAList() {
        assertThat(TuningBenchmark.seeds("1-5")).containsExactly(1, 2, 3, 4, 5);
        assertThat(TuningBenchmark.seeds("7, 3")).containsExactly(7, 3);
    }

    @Test
    void theMedianIsNeverWhenMostSeedsNeverReachTheTarget() {
        double never = Double.POSITIVE_INFINITY;
        assertThat(TuningBenchmark.median(new double[] {3, never, 1})).isEqualTo(3);
        assertThat(TuningBenchmark.median(new double[] {never, never, 1})).isEqualTo(never);
    }
}

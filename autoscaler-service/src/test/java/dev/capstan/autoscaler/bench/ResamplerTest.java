package dev.capstan.autoscaler.bench;

import dev.capstan.traces.Trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Poisson realisations of a trace. */
class ResamplerTest {

    @Test
    void smoothingIsACentredMeanThatKeepsItsWidthAtTheEnds() {
        double[] s = Resampler.smoothed(new double[] {0, 0, 6, 0, 0, 0}, 3);
        // t = 0: seconds 0..2 (shifted in at the start); t = 1: 0..2; t = 2: 1..3; t = 3: 2..4; t = 4, 5: 3..5.
        assertThat(s).containsExactly(new double[] {2, 2, 2, 2, 0, 0}, within(1e-12));
    }

    @Test
    void poissonDrawsHaveTheMeanAndTheVarianceOfTheRate() {
        SplittableRandom random = new SplittableRandom(7);
        for (double mean : new double[] {0.3, 6, 80}) {
            int n = 200_000;
            double sum = 0;
            double sq = 0;
            for (int k = 0; k < n; k++) {
                int x = Resampler.poisson(random, mean);
                sum += x;
                sq += (double) x * x;
            }
            double m = sum / n;
            assertThat(m).isCloseTo(mean, within(0.02 * mean + 0.01));
            assertThat(sq / n - m * m).isCloseTo(mean, within(0.05 * mean + 0.01));
        }
        assertThat(Resampler.poisson(random, 0)).isZero();
    }

    @Test
    void realisationsKeepTheRateAndDifferOnlyInTheirArrivals() {
        double[] perSec = new double[3600];
        for (int t = 0; t < perSec.length; t++) {
            perSec[t] = t < 1800 ? 4 : 8;
        }
        Trace trace = new Trace("steps", perSec);
        List<Trace> a = Resampler.resample(trace, 3, 60);
        List<Trace> b = Resampler.resample(trace, 3, 60);
        assertThat(a).extracting(Trace::name).containsExactly("steps~s1", "steps~s2", "steps~s3");
        for (int k = 0; k < 3; k++) {
            assertThat(a.get(k).requestsPerSec()).containsExactly(b.get(k).requestsPerSec()); // seeded: replayable
            assertThat(a.get(k).total()).isCloseTo(trace.total(), within(0.03 * trace.total()));
        }
        assertThat(a.get(0).requestsPerSec()).isNotEqualTo(a.get(1).requestsPerSec());
        // The first half keeps its rate of 4: the arrivals' mean and variance there are both about 4.
        double[] firstHalf = Arrays.copyOfRange(a.get(0).requestsPerSec(), 0, 1700);
        double mean = Arrays.stream(firstHalf).average().orElseThrow();
        double var = Arrays.stream(firstHalf).map(x -> (x - mean) * (x - mean)).average().orElseThrow();
        assertThat(mean).isCloseTo(4, within(0.2));
        assertThat(var).isCloseTo(4, within(0.6));
        assertThatThrownBy(() -> Resampler.resample(trace, 0, 60)).isInstanceOf(IllegalArgumentException.class);
    }
}

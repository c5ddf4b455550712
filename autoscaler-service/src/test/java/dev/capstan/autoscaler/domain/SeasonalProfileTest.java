package dev.capstan.autoscaler.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class SeasonalProfileTest {

    /** Feeds {@code seconds} of 1 s samples and lets the profile catch up every 2 s, as the policy does. */
    static SeasonalProfile feed(int seconds, IntToDoubleFunction rps) {
        RequestWindows w = new RequestWindows(700);
        SeasonalProfile p = new SeasonalProfile();
        for (int t = 0; t < seconds; t++) {
            w.add(new RateSample(Instant.ofEpochSecond(t), 1, rps.applyAsDouble(t), 0));
            if ((t + 1) % 2 == 0) {
                p.catchUp(w, (t + 1) * 1000L);
            }
        }
        return p;
    }

    @Test
    void aTimerIsFoundWithItsPeriod() {
        // 30 s of requests every 5 minutes, for 40 minutes.
        SeasonalProfile p = feed(2400, t -> t % 300 < 30 ? 2 : 0);
        assertThat(p.periodSeconds()).isEqualTo(300.0);
        assertThat(p.score()).isGreaterThan(SeasonalProfile.MIN_SCORE);
    }

    @Test
    void theExpectedRatesAreWhatTheLastTwoPeriodsSaw() {
        SeasonalProfile p = feed(2400, t -> t % 300 < 30 ? 2 : 0);
        double[] out = new double[16];
        // The next burst starts at 2400 s: its first 30 s are expected at 2 rps, the time before it at 0.
        int n = p.expectedRates(2370_000L, 2430_000L, out);
        assertThat(n).isEqualTo(6);
        assertThat(out).startsWith(0, 0, 0, 2, 2, 2);
    }

    @Test
    void aSlowlyChangingRateIsNotAPeriod() {
        // A random walk around 5 rps: each minute is like the one before, but nothing comes back.
        Random random = new Random(3);
        double[] level = new double[120];
        level[0] = 5;
        for (int m = 1; m < level.length; m++) {
            level[m] = Math.max(0.5, level[m - 1] + random.nextGaussian() * 0.5);
        }
        SeasonalProfile p = feed(7200, t -> level[t / 60]);
        assertThat(p.periodSeconds()).isZero();
    }

    @Test
    void steadyOrNoDemandIsNotAPeriod() {
        assertThat(feed(3600, t -> 3).periodSeconds()).isZero();
        assertThat(feed(3600, t -> 0).periodSeconds()).isZero();
        double[] out = new double[8];
        assertThat(feed(3600, t -> 3).expectedRates(3600_000L, 3660_000L, out)).isZero();
    }

    @Test
    void nothingIsForecastBeforeTwoPeriodsWereSeen() {
        SeasonalProfile p = feed(500, t -> t % 300 < 30 ? 2 : 0);
        double[] out = new double[8];
        assertThat(p.expectedRates(600_000L, 630_000L, out)).isZero();
    }
}

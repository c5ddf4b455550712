package dev.capstan.autoscaler.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.autoscaler.rollout.CanaryAnalysis.Outcome;
import dev.capstan.autoscaler.rollout.CanaryAnalysis.Stats;
import dev.capstan.events.RolloutPolicy;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CanaryAnalysisTest {

    /** 100 requests at least, +1 point of errors, 1.5 × p99. */
    static final RolloutPolicy POLICY = new RolloutPolicy(1, List.of(10, 50, 100), 30, 100, 1.0, 1.5);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            too few canary requests to judge          | 10000 | 40  | 40 |   99 |  50 | 40 | WAIT
            a clearly worse error rate                | 10000 | 40  | 40 | 1204 |  95 | 40 | FAIL
            as good as stable                         | 10000 | 40  | 40 | 1204 |   5 | 41 | PASS
            worse, within the allowance for sure      | 10000 | 40  | 40 | 4000 |  40 | 40 | PASS
            within the allowance, not shown yet       | 10000 | 40  | 40 | 1204 |  14 | 40 | WAIT
            above the allowance but not significant   | 10000 | 40  | 40 |  120 |   4 | 40 | WAIT
            5 in 100: a 1.6 % version could show it   | 10000 | 40  | 40 |  100 |   5 | 40 | WAIT
            6 in 100: beyond 1.6 % (a z-test needs 8) | 10000 | 40  | 40 |  100 |   6 | 40 | FAIL
            stable's own errors raise the bar         |   500 | 5   | 40 |  100 |   6 | 40 | WAIT
            no errors yet, too few to be sure         | 10000 | 40  | 40 |  100 |   0 | 40 | WAIT
            no errors in enough requests              | 10000 | 40  | 40 |  300 |   0 | 40 | PASS
            stable served nothing, canary clearly bad | 0     | 0   |  0 |  500 |  60 | 40 | FAIL
            stable served nothing, canary fine        | 0     | 0   |  0 |  500 |   2 | 40 | PASS
            slower than 1.5 × stable's p99            | 10000 | 40  | 40 | 1204 |   5 | 70 | FAIL
            """)
    void judgesAWindow(String name, long stableN, long stableErrors, double stableP99, long canaryN,
            long canaryErrors, double canaryP99, Outcome expected) {
        var v = CanaryAnalysis.judge(new Stats(stableN, stableErrors, stableP99),
                new Stats(canaryN, canaryErrors, canaryP99), POLICY);

        assertThat(v.outcome()).as(v.text()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            within the allowance, not shown          | 1204 | 14 | PASS
            above the allowance, not significant     |  120 |  4 | FAIL
            """)
    void atTheLastChanceTheObservedRatesDecide(String name, long canaryN, long canaryErrors, Outcome expected) {
        var v = CanaryAnalysis.judge(new Stats(10_000, 40, 40), new Stats(canaryN, canaryErrors, 40), POLICY, true);

        assertThat(v.outcome()).as(v.text()).isEqualTo(expected);
    }

    @Test
    void theVerdictSaysWhatWasCompared() {
        var v = CanaryAnalysis.judge(new Stats(10_000, 40, 40), new Stats(1_204, 95, 42), POLICY);

        assertThat(v.text()).isEqualTo("canary failed: errors 7.9 % vs 0.4 %, p99 42 ms vs 40 ms, n=1,204");
    }

    @Test
    void aGoodVersionIsRarelyRolledBackAndAnEightPercentOneAlmostAlways() {
        // Binomial draws: the false rollback rate of an equal version stays near α, and 8 % errors against 0.4 %
        // is caught at n=200 in about 19 windows of 20 (the canary's own errors vary: 16 ± 4 of 200).
        SplittableRandom random = new SplittableRandom(7);
        int falseFails = 0;
        int caught = 0;
        for (int i = 0; i < 2_000; i++) {
            Stats stable = new Stats(2_000, binomial(random, 2_000, 0.004), 40);
            if (CanaryAnalysis.judge(stable, new Stats(200, binomial(random, 200, 0.004), 40), POLICY)
                    .outcome() == Outcome.FAIL) {
                falseFails++;
            }
            if (CanaryAnalysis.judge(stable, new Stats(200, binomial(random, 200, 0.08), 40), POLICY)
                    .outcome() == Outcome.FAIL) {
                caught++;
            }
        }
        assertThat(falseFails).isLessThan(20); // < 1 %
        assertThat(caught).isGreaterThan(1_800); // > 90 %
    }

    @Test
    void judgedAtEveryLookABadVersionIsCaughtWithinTheFirstStepsDemandAndAGoodOneIsNot() {
        // The planner judges the canary's running totals at every decision from minRequests (100) on; at the
        // rollout benchmark's 5.6 canary requests per second that is a look about every 6 requests, for at most
        // four windows (4 × 168 requests). The benchmark's bound for a bad version is one window: 168 requests.
        SplittableRandom random = new SplittableRandom(11);
        int runs = 2_000;
        int[] caughtAt = new int[runs];
        int goodFailed = 0;
        int borderlineFailed = 0;
        for (int i = 0; i < runs; i++) {
            caughtAt[i] = firstFailure(random, 0.08);
            goodFailed += firstFailure(random, 0.004) > 0 ? 1 : 0;
            borderlineFailed += firstFailure(random, 0.014) > 0 ? 1 : 0; // the stable rate plus the allowance
        }
        int[] sorted = java.util.Arrays.stream(caughtAt).map(n -> n < 0 ? Integer.MAX_VALUE : n).sorted().toArray();
        // The figures the autoscaler README quotes (bad versions' requests to failure, wrong failures).
        System.out.printf(java.util.Locale.ROOT, "sequential looks over %d rollouts: 8 %% version failed after "
                + "median %d, p95 %d, p99 %d requests; good versions failed %d, versions at the allowance failed %d%n",
                runs, sorted[runs / 2], sorted[runs * 95 / 100], sorted[runs * 99 / 100], goodFailed, borderlineFailed);
        assertThat(sorted[runs / 2]).as("median requests to an 8 %% version").isLessThanOrEqualTo(110);
        assertThat(sorted[runs * 95 / 100]).as("95th percentile").isLessThanOrEqualTo(168);
        assertThat(goodFailed).as("good versions failed").isLessThanOrEqualTo(runs / 1_000);
        assertThat(borderlineFailed).as("versions exactly at the allowance failed").isLessThan(runs * 3 / 100);
    }

    /** The canary's request count at its first failed look, or -1 when four windows never failed it. */
    private static int firstFailure(SplittableRandom random, double errorRate) {
        Stats stable = new Stats(3_000, binomial(random, 3_000, 0.004), 40);
        long errors = 0;
        for (int n = 1; n <= 4 * 168; n++) {
            errors += random.nextDouble() < errorRate ? 1 : 0;
            if (n >= 100 && n % 6 == 0 && CanaryAnalysis.errorsWorse(stable, new Stats(n, errors, 40), 0.01)) {
                return n;
            }
        }
        return -1;
    }

    static long binomial(SplittableRandom random, int n, double p) {
        long k = 0;
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }

    @Test
    void aFewSlowSecondsOfASmallCanaryAreNotSlownessButAConsistentlySlowerOneIs() {
        double[] stable = {100, 110, 95, 105, 120, 98, 102, 99, 111, 104};
        // Mostly quick, with two busy seconds: its median is what counts.
        double[] bursty = {60, 70, 65, 900, 62, 1200, 58, 66, 61, 64};
        double[] slow = {260, 280, 240, 300, 255, 270, 290, 250, 265, 275};

        var quick = CanaryAnalysis.judge(new Stats(5_000, 10, 104, stable), new Stats(200, 0, 64, bursty), POLICY);
        var slower = CanaryAnalysis.judge(new Stats(5_000, 10, 104, stable), new Stats(200, 0, 267, slow), POLICY);
        // Slower than 1.5 × the reference in median, but the seconds do not differ beyond chance: not judged slow.
        var notSure = CanaryAnalysis.judge(new Stats(5_000, 10, 100, new double[] {100, 400, 90, 350, 95, 420}),
                new Stats(200, 0, 160, new double[] {160, 150, 170, 80, 90, 500}), POLICY);

        assertThat(quick.outcome()).isEqualTo(Outcome.PASS);
        assertThat(slower.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(slower.text()).startsWith("canary failed on latency:");
        assertThat(notSure.outcome()).isEqualTo(Outcome.PASS);
        // Three slow seconds are too few to call a canary slow.
        assertThat(CanaryAnalysis.judge(new Stats(5_000, 10, 104, stable), new Stats(200, 0, 500,
                new double[] {500, 520, 480}), POLICY).outcome()).isEqualTo(Outcome.PASS);
    }
}

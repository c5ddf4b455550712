package dev.capstan.tuning.domain;

import static dev.capstan.tuning.domain.TrialBuilder.aTrial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TpeSuggesterTest {

    private static final Objective ACCURACY = Objective.of("acc", Direction.MAXIMIZE);

    private static TpeSuggester tpe(SearchSpace space, long seed) {
        return new TpeSuggester(space, seed, TpeSuggester.Settings.OPTUNA_DEFAULTS, TrialRanking.finalValues(ACCURACY));
    }

    @Test
    void theGoodSetIsTheBestTenthAtMost25() {
        TpeSuggester tpe = tpe(SearchSpace.of(new FloatParameter("x", 0, 1)), 1);
        record Row(int n, int wantGood) {
        }
        for (Row row : List.of(new Row(10, 1), new Row(11, 2), new Row(20, 2), new Row(95, 10), new Row(250, 25),
                new Row(1000, 25))) {
            assertThat(tpe.goodCount(row.n())).as("n=%d", row.n()).isEqualTo(row.wantGood());
        }
    }

    @Test
    void untilTenTrialsAreRankedItProposesAtRandom() {
        SearchSpace space = RandomSuggesterTest.SPACE;
        List<Trial> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            nine.add(Trial.of(i, new RandomSuggester(space, 5).propose(nine).orElseThrow(), 0, TrialState.COMPLETED,
                    List.of(new Report(1, 1, i / 10.0))));
        }
        assertThat(tpe(space, 5).propose(nine)).isEqualTo(new RandomSuggester(space, 5).propose(nine));
    }

    /** 60 finished trials spread over x ∈ [0, 1] (unit scale), the closer to 0.8 the better. */
    private static List<Trial> goodNearPointEight(String parameter) {
        SplittableRandom random = new SplittableRandom(42);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double x = random.nextDouble();
            double acc = 1 - Math.abs(x - 0.8);
            trials.add(aTrial(i).value(parameter, x).state(TrialState.COMPLETED).reports(acc).build());
        }
        return trials;
    }

    @Test
    void proposalsConcentrateWhereTheGoodTrialsAre() {
        SearchSpace space = SearchSpace.of(new FloatParameter("x", 0, 1));
        List<Trial> trials = goodNearPointEight("x");
        int near = 0;
        int proposals = 200;
        for (long seed = 0; seed < proposals; seed++) {
            double x = tpe(space, seed).propose(trials).orElseThrow().get("x").number();
            if (Math.abs(x - 0.8) < 0.1) {
                near++;
            }
        }
        // uniform proposals would land within 0.1 of 0.8 a fifth of the time
        assertThat(near).isGreaterThan(proposals / 2);
    }

    @Test
    void onALogScaleTheyConcentrateInTheGoodDecade() {
        SearchSpace space = SearchSpace.of(new LogFloatParameter("lr", 1e-5, 1e0));
        LogFloatParameter lr = (LogFloatParameter) space.parameters().get(0);
        List<Trial> trials = new ArrayList<>();
        for (Trial t : goodNearPointEight("lr")) {
            double unit = t.configuration().get("lr").number();
            trials.add(aTrial(t.number()).value("lr", lr.fromUnit(unit)).state(TrialState.COMPLETED)
                    .reports(t.lastReport().value()).build());
        }
        int inGoodDecade = 0;
        for (long seed = 0; seed < 200; seed++) {
            double x = tpe(space, seed).propose(trials).orElseThrow().get("lr").number();
            // unit 0.8 on [1e-5, 1] is 1e-1
            if (x >= 10e-3 && x < 1e0) {
                inGoodDecade++;
            }
        }
        // uniform on a log scale: a fifth of the time
        assertThat(inGoodDecade).isGreaterThan(100);
    }

    @Test
    void aCategoricalChoiceIsWeightedByItsCountAmongTheGoodTrials() {
        SearchSpace space = SearchSpace.of(new CategoricalParameter("opt", List.of("sgd", "adam", "lamb")));
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String choice = i < 3 ? "adam" : (i % 2 == 0 ? "sgd" : "lamb");
            trials.add(aTrial(i).choice("opt", choice).state(TrialState.COMPLETED).reports(i < 3 ? 0.9 : 0.2).build());
        }
        int adam = 0;
        for (long seed = 0; seed < 100; seed++) {
            if (tpe(space, seed).propose(trials).orElseThrow().get("opt").text().equals("adam")) {
                adam++;
            }
        }
        // l(adam) = (3 + 1/3) / 4, g(adam) = (1/3) / 28: adam wins whenever one of the 24 candidates draws it
        assertThat(adam).isEqualTo(100);
    }

    @Test
    void failedTrialsCountAsTheWorstAndRunningOnesNotAtAll() {
        List<Trial> trials = List.of(
                aTrial(0).state(TrialState.COMPLETED).reports(0.5).build(),
                aTrial(1).state(TrialState.FAILED).reports(0.99).build(),
                aTrial(2).state(TrialState.STOPPED).reports(0.1, 0.2).build(),
                aTrial(3).state(TrialState.RUNNING).reports(0.95).build(),
                aTrial(4).state(TrialState.COMPLETED).reports(0.7).build(),
                aTrial(5).state(TrialState.STOPPED).reports(0.8).build());
        assertThat(TrialRanking.finalValues(ACCURACY).rank(trials)).extracting(Trial::number)
                .containsExactly(4, 0, 2, 5, 1);
    }

    @Test
    void byRungsRanksTheHigherRungFirstThenTheValueThere() {
        Rungs rungs = new Rungs(Resource.STEP, 1, 3, 10); // rungs at steps 1, 3, 9
        List<Trial> trials = List.of(
                aTrial(0).state(TrialState.PAUSED).reports(0.6).build(),           // rung 0 at 0.6
                aTrial(1).state(TrialState.RUNNING).reports(0.2, 0.3, 0.4).build(), // rung 1 at 0.4
                aTrial(2).state(TrialState.RUNNING).reports(0.7).build(),          // rung 0 at 0.7
                aTrial(3).state(TrialState.FAILED).reports(0.9).build(),
                aTrial(4).state(TrialState.COMPLETED).reports(0.1, 0.1).build(),   // its end: above every rung
                aTrial(5).state(TrialState.RUNNING).build());                      // no rung yet: left out
        assertThat(TrialRanking.byRungs(ACCURACY, rungs).rank(trials)).extracting(Trial::number)
                .containsExactly(4, 1, 2, 0, 3);
    }

    @Test
    void theParzenEstimatorIsADensityOnTheUnitInterval() {
        ParzenEstimator e = ParzenEstimator.fit(new double[] {0.1, 0.12, 0.5, 0.95}, 1.0);
        double integral = 0;
        int steps = 10_000;
        for (int i = 0; i < steps; i++) {
            integral += Math.exp(e.logDensity((i + 0.5) / steps)) / steps;
        }
        assertThat(integral).isCloseTo(1.0, offset(1e-3));
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(e.sample(random)).isBetween(0.0, 1.0);
        }
    }

    @Test
    void theNormalCdfIsAccurate() {
        assertThat(Gaussian.cdf(0)).isCloseTo(0.5, offset(1e-7));
        assertThat(Gaussian.cdf(1.959964)).isCloseTo(0.975, offset(1e-6));
        assertThat(Gaussian.cdf(-1)).isCloseTo(0.158655, offset(1e-6));
    }
}

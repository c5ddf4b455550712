package dev.capstan.tuning.domain;

import static dev.capstan.tuning.domain.TrialBuilder.aTrial;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressHalvingTest {

    private static final Objective ACCURACY = Objective.of("acc", Direction.MAXIMIZE);

    /** A trial planned for 27 steps that reported {@code value} at step 1: 1/27 of its way, the first rung. */
    private static Trial atFirstRung(int number, double value) {
        return aTrial(number).planned(27).report(1, value).build();
    }

    @Test
    void aTrialGoesThroughARungAtOnceWhenAmongTheBestThirdSoFarAndOtherwisePauses() {
        ProgressHalving rule = new ProgressHalving(ACCURACY, ProgressHalving.DEFAULT_RUNGS, 1);
        record Row(double value, Decision want) {
        }
        List<Row> arrivals = List.of(
                new Row(0.50, Decision.CONTINUE), // alone at the rung: the best of one
                new Row(0.40, Decision.PAUSE),    // two there, the best one (max(1, ⌊2/3⌋)) is 0.50
                new Row(0.60, Decision.CONTINUE), // the best of three
                new Row(0.55, Decision.PAUSE),    // four: the best one is 0.60
                new Row(0.30, Decision.PAUSE),
                new Row(0.58, Decision.CONTINUE)); // six: the best two are 0.60 and 0.58
        List<Trial> trials = new ArrayList<>();
        for (Row row : arrivals) {
            Trial t = atFirstRung(trials.size(), row.value());
            trials.add(t);
            assertThat(rule.afterReport(t, trials)).as("%.2f after %d others", row.value(), trials.size() - 1)
                    .isEqualTo(row.want());
        }
    }

    @Test
    void rungsAreAtTheSameShareOfEachTrialsOwnLength() {
        ProgressHalving rule = new ProgressHalving(ACCURACY, ProgressHalving.DEFAULT_RUNGS, 1);
        Trial longRun = aTrial(0).planned(90).report(1, 0.1).report(2, 0.1).build(); // 2/90 < 1/27
        Trial shortRun = aTrial(1).planned(27).report(1, 0.9).build();               // 1/27: its first rung
        assertThat(rule.afterReport(shortRun, List.of(shortRun))).isEqualTo(Decision.CONTINUE);
        List<Trial> both = List.of(longRun, shortRun);
        assertThat(rule.afterReport(longRun, both)).isEqualTo(Decision.CONTINUE);
        // at 4/90 the long run reaches its first rung, where it compares with the short run's 0.9 at 1/27
        Trial longAtRung = longRun.withReport(new Report(3, 3, 0.2)).withReport(new Report(4, 4, 0.3));
        assertThat(rule.afterReport(longAtRung, List.of(longAtRung, shortRun))).isEqualTo(Decision.PAUSE);
    }

    @Test
    void aPausedTrialResumesWhenLaterArrivalsPutItInTheBestThird() {
        ProgressHalving rule = new ProgressHalving(ACCURACY, ProgressHalving.DEFAULT_RUNGS, 1);
        List<Trial> trials = new ArrayList<>(List.of(
                atFirstRung(0, 0.9).withState(TrialState.RUNNING).withReport(new Report(2, 2, 0.9)),
                atFirstRung(1, 0.5).withState(TrialState.PAUSED)));
        assertThat(rule.promotion(trials)).isEmpty();
        trials.add(atFirstRung(2, 0.2).withState(TrialState.PAUSED));
        trials.add(atFirstRung(3, 0.1).withState(TrialState.PAUSED));
        trials.add(atFirstRung(4, 0.3).withState(TrialState.PAUSED));
        trials.add(atFirstRung(5, 0.4).withState(TrialState.PAUSED));
        // six at the rung: the best two are trial 0 (running on) and trial 1, which waited
        assertThat(rule.promotion(trials)).map(Trial::number).hasValue(1);
    }

    @Test
    void onlyProbingManyTrialsMayBeBelowTheFirstRungAtOnce() {
        ProgressHalving rule = new ProgressHalving(ACCURACY, ProgressHalving.DEFAULT_RUNGS, 2);
        Trial fresh = aTrial(0).planned(27).build();
        Trial belowRung = aTrial(1).planned(90).report(1, 0.3).build();
        Trial pastRung = aTrial(2).planned(27).report(1, 0.3).report(2, 0.4).build();
        Trial pausedBelow = aTrial(3).planned(90).report(1, 0.3).state(TrialState.PAUSED).build();
        assertThat(rule.admitsNewTrial(List.of(fresh, pastRung, pausedBelow))).isTrue();
        assertThat(rule.admitsNewTrial(List.of(fresh, belowRung, pastRung))).isFalse();
    }

    @Test
    void theDefaultAllowsOneProbingTrialPer16Gpus() {
        record Row(int parallelism, int wantProbing) {
        }
        for (Row row : List.of(new Row(1, 1), new Row(8, 1), new Row(16, 1), new Row(24, 2), new Row(32, 2),
                new Row(64, 4))) {
            assertThat(ProgressHalving.defaultProbing(row.parallelism())).as("parallelism %d", row.parallelism())
                    .isEqualTo(row.wantProbing());
        }
    }
}

package dev.capstan.tuning.domain;

import static dev.capstan.tuning.domain.TrialBuilder.aTrial;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AshaRuleTest {

    private static final Objective ACCURACY = Objective.of("acc", Direction.MAXIMIZE);
    /** Rungs at steps 1, 3, 9 (27 is not below the most any trial runs, 20). */
    private static final Rungs RUNGS = new Rungs(Resource.STEP, 1, 3, 20);

    @Test
    void rungsSitAtRTimesEtaToTheKBelowTheMaximum() {
        assertThat(new Rungs(Resource.STEP, 1, 3, 100).milestones(0)).containsExactly(1.0, 3.0, 9.0, 27.0, 81.0);
        assertThat(new Rungs(Resource.STEP, 1, 3, 100).milestones(1)).containsExactly(3.0, 9.0, 27.0, 81.0);
        assertThat(new Rungs(Resource.STEP, 1, 3, 81).milestones(0)).containsExactly(1.0, 3.0, 9.0, 27.0);
        assertThat(ProgressHalving.DEFAULT_RUNGS.milestones(0)).hasSize(3)
                .containsExactly(1.0 / 27, 1.0 / 9, Math.pow(3, -1));
    }

    @Test
    void aTrialPausesWhenAReportReachesARung() {
        AshaRule asha = new AshaRule(ACCURACY, RUNGS);
        record Row(Trial trial, Decision want) {
        }
        List<Row> table = List.of(
                new Row(aTrial(0).report(1, 0.1).build(), Decision.PAUSE),
                new Row(aTrial(0).report(1, 0.1).report(2, 0.2).build(), Decision.CONTINUE),
                new Row(aTrial(0).report(1, 0.1).report(2, 0.2).report(3, 0.3).build(), Decision.PAUSE),
                new Row(aTrial(0).report(2, 0.1).report(10, 0.2).build(), Decision.PAUSE),
                new Row(aTrial(0).report(10, 0.1).report(15, 0.2).build(), Decision.CONTINUE));
        for (Row row : table) {
            assertThat(asha.afterReport(row.trial(), List.of(row.trial()))).as(row.trial().reports().toString())
                    .isEqualTo(row.want());
        }
    }

    /** A trial reports {@code value} at {@code step} and pauses at that rung; a free worker asks whom to resume. */
    record Step(int trial, long step, double value, Integer wantPromoted) {
    }

    @Test
    void promotionsTakeTheBestThirdOfARungOnceItHasThreeTrials() {
        List<Step> table = List.of(
                new Step(0, 1, 0.10, null),  // rung at step 1: {0}; ⌊1/3⌋ = 0 promotable
                new Step(1, 1, 0.50, null),  // {0, 1}: still none
                new Step(2, 1, 0.30, 1),     // {0, 1, 2}: the best third is trial 1, which resumes
                new Step(3, 1, 0.90, 3),     // four trials, best one: 3
                new Step(4, 1, 0.20, null),  // five, best one: 3, already resumed
                new Step(5, 1, 0.40, null),  // six, best two: 3 and 1, both resumed
                new Step(1, 3, 0.60, null),  // rung at step 3: {1}
                new Step(3, 3, 0.95, null),  // {1, 3}
                new Step(6, 1, 0.45, null),  // step-1 rung: seven, best two (3, 1) are past it
                new Step(7, 1, 0.05, null),  // eight, best two again
                new Step(8, 1, 0.70, 8),     // nine, best three: 3, 8, 1; 8 waits there: it resumes
                new Step(8, 3, 0.65, 3));    // step-3 rung: {1, 3, 8}: best third is 3
        AshaRule asha = new AshaRule(ACCURACY, RUNGS);
        List<Trial> trials = new ArrayList<>();
        for (Step s : table) {
            while (trials.size() <= s.trial()) {
                trials.add(aTrial(trials.size()).build());
            }
            Trial t = trials.get(s.trial()).withReport(new Report(s.step(), s.step(), s.value()));
            assertThat(asha.afterReport(t, trials)).isEqualTo(Decision.PAUSE);
            trials.set(s.trial(), t.withState(TrialState.PAUSED));
            Optional<Trial> promoted = asha.promotion(trials);
            assertThat(promoted.map(Trial::number).orElse(null))
                    .as("after trial %d reports %.2f at step %d", s.trial(), s.value(), s.step())
                    .isEqualTo(s.wantPromoted());
            promoted.ifPresent(p -> trials.set(p.number(), p.withState(TrialState.RUNNING)));
        }
    }

    @Test
    void theHighestRungPromotesFirst() {
        List<Trial> trials = new ArrayList<>(List.of(
                // three at the step-3 rung: trial 0 is its best, paused there
                aTrial(0).state(TrialState.PAUSED).report(1, 0.9).report(3, 0.9).build(),
                aTrial(1).state(TrialState.RUNNING).report(1, 0.8).report(3, 0.5).report(4, 0.5).build(),
                aTrial(2).state(TrialState.STOPPED).report(1, 0.7).report(3, 0.4).build(),
                // three more at the step-1 rung: six there, best two are 0 and 3 (paused at step 1)
                aTrial(3).state(TrialState.PAUSED).report(1, 0.85).build(),
                aTrial(4).state(TrialState.PAUSED).report(1, 0.1).build(),
                aTrial(5).state(TrialState.PAUSED).report(1, 0.2).build()));
        AshaRule asha = new AshaRule(ACCURACY, RUNGS);
        assertThat(asha.promotion(trials)).map(Trial::number).hasValue(0);
        trials.set(0, trials.get(0).withState(TrialState.RUNNING));
        assertThat(asha.promotion(trials)).map(Trial::number).hasValue(3);
        trials.set(3, trials.get(3).withState(TrialState.RUNNING));
        assertThat(asha.promotion(trials)).isEmpty();
    }

    @Test
    void hyperbandBracketsStartTheirRungsLaterAndPromoteWithinTheBracket() {
        AshaRule hyperband = new AshaRule(ACCURACY, RUNGS, 2);
        Trial inBracket1 = aTrial(1).report(1, 0.5).build();
        assertThat(hyperband.afterReport(inBracket1, List.of(inBracket1))).isEqualTo(Decision.CONTINUE);
        Trial atItsFirstRung = inBracket1.withReport(new Report(3, 3, 0.6));
        assertThat(hyperband.afterReport(atItsFirstRung, List.of(atItsFirstRung))).isEqualTo(Decision.PAUSE);
        // trials 0, 2, 4 (bracket 0) at step 1 promote among themselves; bracket 1's trial 1 and 3 do not count
        List<Trial> trials = List.of(
                aTrial(0).state(TrialState.PAUSED).report(1, 0.3).build(),
                aTrial(1).state(TrialState.PAUSED).report(1, 0.9).report(3, 0.9).build(),
                aTrial(2).state(TrialState.PAUSED).report(1, 0.2).build(),
                aTrial(3).state(TrialState.PAUSED).report(1, 0.95).report(3, 0.8).build(),
                aTrial(4).state(TrialState.PAUSED).report(1, 0.1).build());
        assertThat(hyperband.promotion(trials)).map(Trial::number).hasValue(0);
    }
}

package dev.capstan.tuning.domain;

import static dev.capstan.tuning.domain.TrialBuilder.aTrial;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MedianStoppingRuleTest {

    private static final Objective ACCURACY = Objective.of("acc", Direction.MAXIMIZE);
    private static final Objective LOSS = Objective.of("loss", Direction.MINIMIZE);

    record Case(String name, Objective objective, Trial trial, List<Trial> others, Decision want) {
    }

    private static Trial others(int number, double... values) {
        return aTrial(number).reports(values).build();
    }

    @Test
    void stopsATrialWhoseBestIsBelowTheMedianOfTheOthersRunningAverages() {
        Trial lagging = aTrial(0).reports(0.1, 0.1, 0.1, 0.1).build();
        List<Case> table = List.of(
                new Case("within the grace period of 4 reports", ACCURACY, aTrial(0).reports(0.1, 0.1, 0.1).build(),
                        List.of(others(1, 0.9, 0.9, 0.9, 0.9), others(2, 0.9, 0.9, 0.9, 0.9),
                                others(3, 0.9, 0.9, 0.9, 0.9)), Decision.CONTINUE),
                new Case("fewer than 3 other trials", ACCURACY, lagging,
                        List.of(others(1, 0.9, 0.9, 0.9, 0.9), others(2, 0.9, 0.9, 0.9, 0.9)), Decision.CONTINUE),
                new Case("below the median", ACCURACY, lagging,
                        List.of(others(1, 0.5, 0.5, 0.5, 0.5), others(2, 0.6, 0.6, 0.6, 0.6),
                                others(3, 0.7, 0.7, 0.7, 0.7)), Decision.STOP),
                new Case("its best so far counts, not its last value", ACCURACY,
                        aTrial(0).reports(0.1, 0.7, 0.1, 0.1).build(),
                        List.of(others(1, 0.5, 0.5, 0.5, 0.5), others(2, 0.6, 0.6, 0.6, 0.6),
                                others(3, 0.7, 0.7, 0.7, 0.7)), Decision.CONTINUE),
                new Case("equal to the median is not worse", ACCURACY, aTrial(0).reports(0.1, 0.1, 0.1, 0.6).build(),
                        List.of(others(1, 0.5, 0.5, 0.5, 0.5), others(2, 0.6, 0.6, 0.6, 0.6),
                                others(3, 0.7, 0.7, 0.7, 0.7)), Decision.CONTINUE),
                new Case("the others' running averages count, not their best values", ACCURACY,
                        aTrial(0).reports(0.4, 0.4, 0.4, 0.4).build(),
                        List.of(others(1, 0.1, 0.1, 0.1, 0.9), others(2, 0.1, 0.1, 0.1, 0.9),
                                others(3, 0.1, 0.1, 0.1, 0.9)), Decision.CONTINUE),
                new Case("others' reports after the step do not count", ACCURACY, lagging,
                        List.of(others(1, 0.05, 0.05, 0.05, 0.05, 0.9, 0.9, 0.9, 0.9),
                                others(2, 0.05, 0.05, 0.05, 0.05, 0.9), others(3, 0.05, 0.05, 0.05, 0.05, 0.9)),
                        Decision.CONTINUE),
                new Case("a running trial that has not reached the step does not count", ACCURACY, lagging,
                        List.of(others(1, 0.9, 0.9, 0.9, 0.9), others(2, 0.9, 0.9, 0.9, 0.9), others(3, 0.9, 0.9)),
                        Decision.CONTINUE),
                new Case("a completed shorter trial counts with all its reports", ACCURACY, lagging,
                        List.of(others(1, 0.9, 0.9, 0.9, 0.9), others(2, 0.9, 0.9, 0.9, 0.9),
                                aTrial(3).reports(0.9, 0.9).state(TrialState.COMPLETED).build()), Decision.STOP),
                new Case("a stopped trial that has not reached the step does not count", ACCURACY, lagging,
                        List.of(others(1, 0.9, 0.9, 0.9, 0.9), others(2, 0.9, 0.9, 0.9, 0.9),
                                aTrial(3).reports(0.9, 0.9).state(TrialState.STOPPED).build()), Decision.CONTINUE),
                new Case("minimising: a loss above the median stops", LOSS, aTrial(0).reports(2, 1.8, 1.7, 1.6).build(),
                        List.of(others(1, 1, 0.8, 0.7, 0.6), others(2, 1, 0.9, 0.8, 0.7), others(3, 3, 3, 3, 3)),
                        Decision.STOP));
        for (Case c : table) {
            List<Trial> all = new ArrayList<>(c.others());
            all.add(c.trial());
            Decision got = new MedianStoppingRule(c.objective(), 4, 3).afterReport(c.trial(), all);
            assertThat(got).as(c.name()).isEqualTo(c.want());
        }
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(MedianStoppingRule.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(MedianStoppingRule.median(new double[] {5, 1, 3})).isEqualTo(3);
    }
}

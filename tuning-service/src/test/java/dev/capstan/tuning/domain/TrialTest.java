package dev.capstan.tuning.domain;

import static dev.capstan.tuning.domain.TrialBuilder.aTrial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class TrialTest {

    private static final Objective MAX = Objective.of("acc", Direction.MAXIMIZE);
    private static final Objective MIN = Objective.of("loss", Direction.MINIMIZE);

    @Test
    void runningAveragesAndBestValuesUpToAStep() {
        Trial t = aTrial(0).report(1, 0.2).report(3, 0.6).report(5, 0.4).build();
        assertThat(t.runningAverageUpTo(0)).isEmpty();
        assertThat(t.runningAverageUpTo(1)).hasValue(0.2);
        assertThat(t.runningAverageUpTo(4).getAsDouble()).isCloseTo(0.4, offset(1e-12));
        assertThat(t.runningAverageUpTo(99).getAsDouble()).isCloseTo(0.4, offset(1e-12));
        assertThat(t.bestScoreUpTo(5, MAX)).hasValue(0.6);
        assertThat(t.bestScoreUpTo(5, MIN)).hasValue(-0.2);
    }

    @Test
    void stepsMustIncrease() {
        Trial t = aTrial(0).report(2, 0.2).build();
        assertThatThrownBy(() -> t.withReport(new Report(2, 2, 0.3))).hasMessageContaining("does not follow step 2");
        assertThatThrownBy(() -> aTrial(0).report(2, 0.2).report(1, 0.1).build())
                .hasMessageContaining("steps must increase");
    }

    @Test
    void progressIsTheShareOfThePlannedSteps() {
        Trial planned = aTrial(0).planned(20).report(5, 0.1).build();
        Trial unknown = aTrial(1).report(5, 0.1).build();
        assertThat(Resource.PROGRESS.of(planned, planned.lastReport())).isEqualTo(0.25);
        assertThat(Resource.PROGRESS.of(unknown, unknown.lastReport())).isEqualTo(5);
        assertThat(planned.firstReaching(Resource.PROGRESS, 0.25)).isEqualTo(planned.lastReport());
        assertThat(planned.firstReaching(Resource.PROGRESS, 0.3)).isNull();
    }
}

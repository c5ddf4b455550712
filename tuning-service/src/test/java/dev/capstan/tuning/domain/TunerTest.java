package dev.capstan.tuning.domain;

import static dev.capstan.tuning.domain.TrialBuilder.aTrial;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TunerTest {

    private static final Objective ACCURACY = Objective.of("acc", Direction.MAXIMIZE);
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Configuration PROPOSAL = new Configuration(Map.of());
    private static final Suggester ALWAYS = trials -> Optional.of(PROPOSAL);

    /** A rule that wants trial 0 resumed whenever it is paused. */
    private static final StoppingRule RESUMES_TRIAL_0 = new StoppingRule() {
        @Override
        public Decision afterReport(Trial trial, List<Trial> trials) {
            return Decision.CONTINUE;
        }

        @Override
        public Optional<Trial> promotion(List<Trial> trials) {
            return trials.stream().filter(t -> t.number() == 0 && t.state() == TrialState.PAUSED).findFirst();
        }
    };

    private static final List<Trial> ONE_PAUSED = List.of(aTrial(0).reports(0.5).state(TrialState.PAUSED).build());

    @Test
    void aPromotionComesBeforeANewTrial() {
        Tuner tuner = new Tuner(ACCURACY, ALWAYS, RESUMES_TRIAL_0, 2, Budget.UNLIMITED);
        assertThat(tuner.next(ONE_PAUSED, 0, NOW)).get().isInstanceOf(Tuner.Work.Resume.class);
        assertThat(tuner.next(List.of(), 0, NOW)).contains(new Tuner.Work.Start(PROPOSAL));
    }

    @Test
    void nothingStartsAtTheParallelism() {
        Tuner tuner = new Tuner(ACCURACY, ALWAYS, StoppingRule.NONE, 2, Budget.UNLIMITED);
        List<Trial> twoRunning = List.of(aTrial(0).build(), aTrial(1).build());
        assertThat(tuner.next(twoRunning, 0, NOW)).isEmpty();
        assertThat(tuner.next(twoRunning.subList(0, 1), 0, NOW)).isPresent();
    }

    @Test
    void theTrialLimitStopsNewTrialsButNotResumes() {
        Tuner tuner = new Tuner(ACCURACY, ALWAYS, RESUMES_TRIAL_0, 4, new Budget(1, null, null));
        assertThat(tuner.next(ONE_PAUSED, 0, NOW)).get().isInstanceOf(Tuner.Work.Resume.class);
        List<Trial> oneDone = List.of(aTrial(0).reports(0.5).state(TrialState.COMPLETED).build());
        assertThat(tuner.next(oneDone, 0, NOW)).isEmpty();
    }

    @Test
    void gpuHoursAndTheDeadlineStopEverything() {
        Tuner byHours = new Tuner(ACCURACY, ALWAYS, RESUMES_TRIAL_0, 4, new Budget(null, 10.0, null));
        assertThat(byHours.next(ONE_PAUSED, 9.9, NOW)).isPresent();
        assertThat(byHours.next(ONE_PAUSED, 10.0, NOW)).isEmpty();
        Tuner byDeadline = new Tuner(ACCURACY, ALWAYS, RESUMES_TRIAL_0, 4, new Budget(null, null, NOW));
        assertThat(byDeadline.next(ONE_PAUSED, 0, NOW.minusSeconds(1))).isPresent();
        assertThat(byDeadline.next(ONE_PAUSED, 0, NOW)).isEmpty();
    }

    @Test
    void nothingStartsOnceATrialHasReachedTheTarget() {
        Tuner tuner = new Tuner(new Objective("acc", Direction.MAXIMIZE, 0.9), ALWAYS, StoppingRule.NONE, 4,
                Budget.UNLIMITED);
        assertThat(tuner.next(List.of(aTrial(0).reports(0.85).build()), 0, NOW)).isPresent();
        assertThat(tuner.next(List.of(aTrial(0).reports(0.95, 0.9).build()), 0, NOW)).isEmpty();
        // a failed trial's value is no model to keep
        assertThat(tuner.next(List.of(aTrial(0).reports(0.95).state(TrialState.FAILED).build()), 0, NOW)).isPresent();
    }

    @Test
    void anExhaustedGridHasNothingMore() {
        GridSuggester twoPoints = new GridSuggester(SearchSpace.of(new IntParameter("x", 1, 2)), 2);
        Tuner tuner = new Tuner(ACCURACY, twoPoints, StoppingRule.NONE, 4, Budget.UNLIMITED);
        List<Trial> both = List.of(aTrial(0).reports(1).state(TrialState.COMPLETED).build(),
                aTrial(1).reports(1).state(TrialState.COMPLETED).build());
        assertThat(tuner.next(both, 0, NOW)).isEmpty();
    }
}

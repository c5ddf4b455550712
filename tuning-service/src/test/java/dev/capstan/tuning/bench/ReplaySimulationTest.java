package dev.capstan.tuning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.tuning.domain.AshaRule;
import dev.capstan.tuning.domain.Budget;
import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.Decision;
import dev.capstan.tuning.domain.Direction;
import dev.capstan.tuning.domain.FloatParameter;
import dev.capstan.tuning.domain.Objective;
import dev.capstan.tuning.domain.ParameterValue;
import dev.capstan.tuning.domain.Report;
import dev.capstan.tuning.domain.Resource;
import dev.capstan.tuning.domain.Rungs;
import dev.capstan.tuning.domain.SearchSpace;
import dev.capstan.tuning.domain.StoppingRule;
import dev.capstan.tuning.domain.Suggester;
import dev.capstan.tuning.domain.Trial;
import dev.capstan.tuning.domain.TrialState;
import dev.capstan.tuning.domain.Tuner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The replay's accounting, on hand-made curves whose every number can be checked by hand. */
class ReplaySimulationTest {

    private static final Objective ACCURACY = Objective.of("acc", Direction.MAXIMIZE);
    private static final SearchSpace SPACE = SearchSpace.of(new FloatParameter("x", 0, 1));

    private static Configuration at(double x) {
        return new Configuration(Map.of("x", new ParameterValue.FloatValue(x)));
    }

    /** A run at x whose report k costs costs[k] and shows values[k]; planned for as many steps as it has. */
    private static RecordedRun run(double x, double[] costs, double[] values) {
        long[] steps = new long[costs.length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i + 1;
        }
        return new RecordedRun(0, at(x), steps.length, steps, costs, values, false, 0);
    }

    private static CurveFile file(RecordedRun... runs) {
        return new CurveFile("synthetic", ACCURACY, SPACE, List.of(runs), "s", 1, "units");
    }

    /** Proposes the given points in order, one per trial. */
    private static Suggester inOrder(double... xs) {
        return trials -> trials.size() < xs.length ? Optional.of(at(xs[trials.size()])) : Optional.empty();
    }

    private static double[] d(double... values) {
        return values;
    }

    @Test
    void gpuCostIsTheSumOfTheReportsRunAndTheTargetIsReadWhenReached() {
        CurveFile file = file(
                run(0.0, d(1, 1, 1), d(0.1, 0.2, 0.3)),
                run(0.5, d(2, 2), d(0.5, 0.9)),
                run(1.0, d(1, 1), d(0.4, 0.6)));
        Tuner tuner = new Tuner(ACCURACY, inOrder(0.0, 0.5, 1.0), StoppingRule.NONE, 2, Budget.UNLIMITED);
        ReplaySimulation sim = new ReplaySimulation(file, tuner, 2, 100, 0.9);
        Outcome o = sim.run();
        // runs 0 and 1 start at 0; run 0 ends at 3, when run 2 starts; run 1 reports 0.9 at 4: 2 GPUs busy for 4
        assertThat(o.wallToTarget()).isEqualTo(4);
        assertThat(o.costToTarget()).isEqualTo(8);
        // the budget of 100 is never used up: the replay runs on to its end, every report run once
        assertThat(o.totalCost()).isEqualTo(3 + 4 + 2);
        assertThat(o.bestAtBudget()).isEqualTo(0.9);
        assertThat(sim.trials()).extracting(Trial::state).containsOnly(TrialState.COMPLETED);
    }

    @Test
    void theBestValueAtTheBudgetIsTheOneBeforeTheCostCrossesIt() {
        CurveFile file = file(run(0.0, d(1, 1, 1), d(0.1, 0.2, 0.3)), run(0.5, d(2, 2), d(0.5, 0.9)));
        Tuner tuner = new Tuner(ACCURACY, inOrder(0.0, 0.5), StoppingRule.NONE, 2, Budget.UNLIMITED);
        // 2 GPUs: a cost of 5 is used at 2.5; by then run 1 has shown 0.5, run 0 0.2
        Outcome o = new ReplaySimulation(file, tuner, 2, 5, 0.9).run();
        assertThat(o.bestAtBudget()).isEqualTo(0.5);
        assertThat(o.trialsAtBudget()).isEqualTo(2);
    }

    @Test
    void aStoppedTrialFreesItsGpuAtOnceAndCostsNoMore() {
        CurveFile file = file(run(0.0, d(5, 5, 5), d(0.1, 0.2, 0.3)), run(1.0, d(1), d(0.9)));
        StoppingRule stopFirstTrial = (trial, trials) -> trial.number() == 0 ? Decision.STOP : Decision.CONTINUE;
        ReplaySimulation sim = new ReplaySimulation(file, new Tuner(ACCURACY, inOrder(0.0, 1.0), stopFirstTrial, 1,
                Budget.UNLIMITED), 1, 100, 0.9);
        Outcome o = sim.run();
        // trial 0 is stopped at 5 and trial 1 starts at that instant on the same GPU: its 0.9 comes at 6
        assertThat(o.wallToTarget()).isEqualTo(6);
        assertThat(o.costToTarget()).isEqualTo(6);
        assertThat(o.totalCost()).isEqualTo(6);
        assertThat(sim.trials()).extracting(Trial::state).containsExactly(TrialState.STOPPED, TrialState.COMPLETED);
        assertThat(o.stoppedAtBudget()).isEqualTo(1);
    }

    @Test
    void aPromotedAshaTrialResumesFromItsCheckpoint() {
        CurveFile file = file(
                run(0.0, d(1, 1, 1), d(0.5, 0.6, 0.7)),
                run(0.5, d(1, 1, 1), d(0.4, 0.5, 0.6)),
                run(1.0, d(1, 1, 1), d(0.3, 0.4, 0.5)));
        // one rung at step 1: each trial pauses there; with three there, the best third (trial 0) resumes
        AshaRule asha = new AshaRule(ACCURACY, new Rungs(Resource.STEP, 1, 3, 3));
        ReplaySimulation sim = new ReplaySimulation(file, new Tuner(ACCURACY, inOrder(0.0, 0.5, 1.0), asha, 1,
                Budget.UNLIMITED), 1, 100, 0.7);
        Outcome o = sim.run();
        Trial resumed = sim.trials().get(0);
        assertThat(resumed.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(resumed.reports()).containsExactly(new Report(1, 1, 0.5), new Report(2, 2, 0.6),
                new Report(3, 3, 0.7));
        // 1 + 1 + 1 for the three first steps, then steps 2 and 3 of trial 0 only: nothing run twice
        assertThat(o.totalCost()).isEqualTo(5);
        assertThat(o.costToTarget()).isEqualTo(5);
        assertThat(sim.trials()).extracting(Trial::state)
                .containsExactly(TrialState.COMPLETED, TrialState.PAUSED, TrialState.PAUSED);
    }

    @Test
    void aDivergedRunFailsAfterItsLastEpochAndAnEmptyOneAfterOneMedianEpoch() {
        RecordedRun diverged = new RecordedRun(1, at(0.0), 10, new long[] {1, 2}, d(2, 2), d(0.3, 0.35), true, 3);
        RecordedRun empty = new RecordedRun(2, at(1.0), 10, new long[0], d(), d(), true, 3);
        ReplaySimulation sim = new ReplaySimulation(file(diverged, empty), new Tuner(ACCURACY, inOrder(0.0, 1.0),
                StoppingRule.NONE, 1, Budget.UNLIMITED), 1, 100, 0.9);
        Outcome o = sim.run();
        assertThat(sim.trials()).extracting(Trial::state).containsExactly(TrialState.FAILED, TrialState.FAILED);
        assertThat(o.totalCost()).isEqualTo(2 + 2 + 3);
        assertThat(o.reachedTarget()).isFalse();
        // a diverged run leaves no model: its 0.35 is not the experiment's best
        assertThat(o.bestAtBudget()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void aProposalRunsAsTheNearestUnusedRecordedConfiguration() {
        CurveFile file = file(run(0.1, d(1), d(0.2)), run(0.2, d(1), d(0.3)), run(0.9, d(1), d(0.4)));
        Tuner alwaysZero = new Tuner(ACCURACY, inOrder(0.0, 0.0, 0.0), StoppingRule.NONE, 1, Budget.UNLIMITED);
        ReplaySimulation sim = new ReplaySimulation(file, alwaysZero, 1, 100, 1.0);
        sim.run();
        List<Double> ran = new ArrayList<>();
        sim.trials().forEach(t -> ran.add(t.configuration().get("x").number()));
        assertThat(ran).containsExactly(0.1, 0.2, 0.9);
    }
}

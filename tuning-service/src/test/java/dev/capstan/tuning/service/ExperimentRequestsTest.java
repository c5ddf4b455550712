package dev.capstan.tuning.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.tuning.domain.Algorithm;
import dev.capstan.tuning.domain.Direction;
import dev.capstan.tuning.domain.FieldProblem;
import dev.capstan.tuning.domain.LogFloatParameter;
import dev.capstan.events.TuningExperimentSpec;
import dev.capstan.events.TuningExperimentSpec.BudgetBody;
import dev.capstan.events.TuningExperimentSpec.ObjectiveBody;
import dev.capstan.events.TuningExperimentSpec.ParameterBody;
import dev.capstan.events.TuningExperimentSpec.SearchSpaceBody;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentRequestsTest {

    static TuningExperimentSpec valid() {
        return new TuningExperimentSpec("sweep", new ObjectiveBody("top_1", "maximize", null),
                new SearchSpaceBody(List.of(new ParameterBody("lr", "log-float", 1e-4, 1.0, null),
                        new ParameterBody("epochs", "int", 5.0, 30.0, null),
                        new ParameterBody("batch", "categorical", null, null, List.of("256", "512")))),
                null, null, null, new BudgetBody(10, null, null), null, "epochs", TrialJobsTest.TEMPLATE, null);
    }

    @Test
    void aValidRequestIsTheDomainsSpecWithDefaults() {
        ExperimentRequests.Mapped m = ExperimentRequests.toSpec(valid());

        assertThat(m.problems()).isEmpty();
        assertThat(m.spec().objective().direction()).isEqualTo(Direction.MAXIMIZE);
        assertThat(m.spec().searchSpace().parameters().get(0)).isEqualTo(new LogFloatParameter("lr", 1e-4, 1.0));
        assertThat(m.spec().algorithm().kind()).isEqualTo(Algorithm.Kind.PROGRESS_HALVING);
        assertThat(m.spec().parallelism()).isEqualTo(ExperimentRequests.DEFAULT_PARALLELISM);
        assertThat(m.spec().seed()).isEqualTo(1);
    }

    @Test
    void everyBadFieldIsNamed() {
        TuningExperimentSpec bad = new TuningExperimentSpec("Bad Name", new ObjectiveBody("", "upwards", null),
                new SearchSpaceBody(List.of(new ParameterBody("lr", "float", 1.0, 0.1, null),
                        new ParameterBody("batch", "categorical", null, null, List.of()),
                        new ParameterBody("depth", "int", 2.5, 8.0, null),
                        new ParameterBody("x", "quantum", 0.0, 1.0, null))),
                new TuningExperimentSpec.AlgorithmBody("bayes", null, null, null, null, null), null, 0, null, null,
                "layers", null, new TuningExperimentSpec.ModelBody("m", "s3://m/fixed"));

        List<FieldProblem> problems = ExperimentRequests.toSpec(bad).problems();

        assertThat(problems).extracting(FieldProblem::field).contains("name", "objective.metric",
                "objective.direction", "searchSpace.parameters[0].max", "searchSpace.parameters[1].choices",
                "searchSpace.parameters[2].min", "searchSpace.parameters[3].type", "algorithm.name", "parallelism",
                "trialTemplate", "trialSteps", "model.artifactUri");
    }

    @Test
    void onlyAGridMayGoWithoutABudget() {
        TuningExperimentSpec r = valid();
        TuningExperimentSpec unbounded = new TuningExperimentSpec(r.name(), r.objective(), r.searchSpace(), null, null,
                null, null, null, null, r.trialTemplate(), null);
        TuningExperimentSpec grid = new TuningExperimentSpec(r.name(), r.objective(), r.searchSpace(),
                new TuningExperimentSpec.AlgorithmBody("grid", null, 2, null, null, null), null, null, null, null,
                null, r.trialTemplate(), null);

        assertThat(ExperimentRequests.toSpec(unbounded).problems()).extracting(FieldProblem::field).containsExactly("budget");
        assertThat(ExperimentRequests.toSpec(grid).problems()).isEmpty();
    }
}

package dev.capstan.tuning.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** A spec is refused with every bad field named, as the service's 422 will list them. */
class ExperimentSpecTest {

    /** Test specs: {@code anExperiment().algorithm(Algorithm.tpe()).parallelism(4).build()}; valid by default. */
    static final class SpecBuilder {
        private Objective objective = Objective.of("val_accuracy", Direction.MAXIMIZE);
        private SearchSpace space = SearchSpace.of(new LogFloatParameter("lr", 1e-5, 1e-1),
                new IntParameter("layers", 1, 4), new CategoricalParameter("optimizer", List.of("sgd", "adam")));
        private Algorithm algorithm = Algorithm.progressHalving();
        private EarlyStopping earlyStopping = EarlyStopping.NONE;
        private int parallelism = 4;
        private Budget budget = Budget.UNLIMITED;

        SpecBuilder objective(Objective o) {
            objective = o;
            return this;
        }

        SpecBuilder parameters(Parameter... parameters) {
            space = SearchSpace.of(parameters);
            return this;
        }

        SpecBuilder algorithm(Algorithm a) {
            algorithm = a;
            return this;
        }

        SpecBuilder earlyStopping(EarlyStopping e) {
            earlyStopping = e;
            return this;
        }

        SpecBuilder parallelism(int p) {
            parallelism = p;
            return this;
        }

        SpecBuilder budget(Budget b) {
            budget = b;
            return this;
        }

        ExperimentSpec build() {
            return new ExperimentSpec(objective, space, algorithm, earlyStopping, parallelism, budget, 1);
        }
    }

    static SpecBuilder anExperiment() {
        return new SpecBuilder();
    }

    record Case(String name, UnaryOperator<SpecBuilder> change, List<String> wantFields) {
    }

    private static final Rungs RUNGS = new Rungs(Resource.STEP, 1, 3, 100);

    @Test
    void everyBadFieldIsNamed() {
        List<Case> table = List.of(
                new Case("blank metric", b -> b.objective(Objective.of(" ", Direction.MAXIMIZE)),
                        List.of("objective.metric")),
                new Case("no direction", b -> b.objective(new Objective("acc", null, null)),
                        List.of("objective.direction")),
                new Case("NaN target", b -> b.objective(new Objective("acc", Direction.MAXIMIZE, Double.NaN)),
                        List.of("objective.target")),
                new Case("inverted and empty ranges, an empty categorical, a zero log bound",
                        b -> b.parameters(new IntParameter("layers", 5, 2), new FloatParameter("dropout", 0.3, 0.3),
                                new CategoricalParameter("optimizer", List.of()), new LogFloatParameter("lr", 0, 1)),
                        List.of("searchSpace.parameters[0].max", "searchSpace.parameters[1].max",
                                "searchSpace.parameters[2].choices", "searchSpace.parameters[3].min")),
                new Case("grid of one point", b -> b.algorithm(Algorithm.grid(1)), List.of("algorithm.gridPoints")),
                new Case("asha without rungs or sampler", b -> b.algorithm(Algorithm.asha(null, null)),
                        List.of("algorithm.sampler", "algorithm.rungs")),
                new Case("asha with bad rungs", b -> b.algorithm(Algorithm.asha(Algorithm.Sampler.RANDOM,
                        new Rungs(null, 0, 1, 0))), List.of("algorithm.rungs.resource", "algorithm.rungs.minResource",
                        "algorithm.rungs.reductionFactor", "algorithm.rungs.maxResource")),
                new Case("hyperband without brackets", b -> b.algorithm(Algorithm.hyperband(Algorithm.Sampler.TPE,
                        RUNGS, 0)), List.of("algorithm.brackets")),
                new Case("asha with median stopping on top", b -> b.algorithm(Algorithm.asha(Algorithm.Sampler.RANDOM,
                        RUNGS)).earlyStopping(EarlyStopping.median()), List.of("earlyStopping.kind")),
                new Case("negative probing", b -> b.algorithm(Algorithm.progressHalving(-1)),
                        List.of("algorithm.probing")),
                new Case("median rule without grace or trials", b -> b.algorithm(Algorithm.random())
                        .earlyStopping(EarlyStopping.median(0, 0)),
                        List.of("earlyStopping.gracePeriod", "earlyStopping.minTrials")),
                new Case("asha stopping without rungs", b -> b.algorithm(Algorithm.random())
                        .earlyStopping(EarlyStopping.asha(null)), List.of("earlyStopping.rungs")),
                new Case("no parallelism", b -> b.parallelism(0), List.of("parallelism")),
                new Case("zero trials and negative GPU-hours", b -> b.budget(new Budget(0, -1.0, null)),
                        List.of("budget.maxTrials", "budget.gpuHours")),
                new Case("missing parts", b -> b.algorithm(null).earlyStopping(null).budget(null),
                        List.of("algorithm", "earlyStopping", "budget")));
        for (Case c : table) {
            assertThat(c.change().apply(anExperiment()).build().problems()).extracting(FieldProblem::field)
                    .as(c.name()).containsExactlyInAnyOrderElementsOf(c.wantFields());
        }
    }

    @Test
    void validSpecsOfEveryAlgorithmHaveNoProblemsAndBuildATuner() {
        List<SpecBuilder> valid = List.of(
                anExperiment(),
                anExperiment().algorithm(Algorithm.grid(3)),
                anExperiment().algorithm(Algorithm.random()).earlyStopping(EarlyStopping.median()),
                anExperiment().algorithm(Algorithm.tpe()).earlyStopping(EarlyStopping.asha(RUNGS)),
                anExperiment().algorithm(Algorithm.asha(Algorithm.Sampler.TPE, RUNGS)),
                anExperiment().algorithm(Algorithm.hyperband(Algorithm.Sampler.RANDOM, RUNGS, 3))
                        .budget(new Budget(100, 50.0, null)));
        for (SpecBuilder b : valid) {
            ExperimentSpec spec = b.build();
            assertThat(spec.problems()).as(spec.algorithm().name()).isEmpty();
            assertThat(Tuners.of(spec).next(List.of(), 0, Instant.EPOCH)).isPresent();
        }
    }

    @Test
    void anInvalidSpecBuildsNoTunerAndSaysWhy() {
        assertThatThrownBy(() -> Tuners.of(anExperiment().parallelism(0).build()))
                .hasMessageContaining("parallelism: must be at least 1");
    }
}

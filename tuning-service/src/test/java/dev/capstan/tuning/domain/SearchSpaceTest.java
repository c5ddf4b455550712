package dev.capstan.tuning.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Parameter definitions: what is refused (each field named), and how values map onto the unit interval. */
class SearchSpaceTest {

    record Case(String name, Parameter parameter, List<String> wantFields) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> badParameters() {
        return List.of(
                new Case("inverted int range", new IntParameter("layers", 4, 1), List.of("p.max")),
                new Case("empty int range", new IntParameter("layers", 3, 3), List.of("p.max")),
                new Case("inverted float range", new FloatParameter("dropout", 0.5, 0.1), List.of("p.max")),
                new Case("empty float range", new FloatParameter("dropout", 0.2, 0.2), List.of("p.max")),
                new Case("infinite float bound", new FloatParameter("dropout", 0, Double.POSITIVE_INFINITY),
                        List.of("p.max")),
                new Case("NaN float bound", new FloatParameter("dropout", Double.NaN, 1), List.of("p.min")),
                new Case("zero log bound", new LogFloatParameter("lr", 0, 0.1), List.of("p.min")),
                new Case("negative log bounds", new LogFloatParameter("lr", -1, -0.5), List.of("p.min", "p.max")),
                new Case("inverted log range", new LogFloatParameter("lr", 0.1, 0.001), List.of("p.max")),
                new Case("blank name", new FloatParameter(" ", 0, 1), List.of("p.name")),
                new Case("empty categorical", new CategoricalParameter("optimizer", List.of()), List.of("p.choices")),
                new Case("missing choices", new CategoricalParameter("optimizer", null), List.of("p.choices")),
                new Case("repeated choice", new CategoricalParameter("optimizer", List.of("sgd", "adam", "sgd")),
                        List.of("p.choices[2]")),
                new Case("blank choice", new CategoricalParameter("optimizer", Arrays.asList("sgd", null)),
                        List.of("p.choices[1]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badParameters")
    void aBadParameterNamesEachBadField(Case c) {
        assertThat(c.parameter().problems("p")).extracting(FieldProblem::field)
                .containsExactlyInAnyOrderElementsOf(c.wantFields());
    }

    @Test
    void problemsSayWhatIsWrong() {
        assertThat(new IntParameter("layers", 4, 1).problems("p"))
                .containsExactly(new FieldProblem("p.max", "must be greater than min (4): the range is inverted"));
        assertThat(new FloatParameter("dropout", 0.2, 0.2).problems("p"))
                .containsExactly(new FieldProblem("p.max", "must be greater than min (0.2): the range is empty"));
    }

    @Test
    void validParametersHaveNoProblems() {
        assertThat(List.of(new IntParameter("layers", 1, 4), new FloatParameter("dropout", 0, 0.5),
                new LogFloatParameter("lr", 1e-5, 1e-1), new CategoricalParameter("optimizer", List.of("sgd"))))
                .allSatisfy(p -> assertThat(p.problems("p")).isEmpty());
    }

    @Test
    void aSpaceNamesTheParameterByIndexAndRefusesRepeatedNames() {
        SearchSpace space = SearchSpace.of(new FloatParameter("lr", 0, 1), new IntParameter("lr", 1, 2),
                new LogFloatParameter("wd", 0, 1));
        assertThat(space.problems("searchSpace")).extracting(FieldProblem::field)
                .containsExactly("searchSpace.parameters[1].name", "searchSpace.parameters[2].min");
        assertThat(new SearchSpace(List.of()).problems("searchSpace")).extracting(FieldProblem::field)
                .containsExactly("searchSpace.parameters");
    }

    @Test
    void integersOwnEqualSlicesOfTheUnitInterval() {
        IntParameter p = new IntParameter("layers", 1, 4);
        assertThat(List.of(0.0, 0.24, 0.25, 0.5, 0.99, 1.0)).extracting(p::fromUnit)
                .containsExactly(1.0, 1.0, 2.0, 3.0, 4.0, 4.0);
        assertThat(p.toUnit(1)).isEqualTo(0.125);
        assertThat(p.toUnit(4)).isEqualTo(0.875);
    }

    @Test
    void logParametersMapDecadesEvenly() {
        LogFloatParameter p = new LogFloatParameter("lr", 1e-4, 1e-1);
        assertThat(p.toUnit(1e-3)).isCloseTo(1.0 / 3, offset(1e-12));
        assertThat(p.fromUnit(2.0 / 3)).isCloseTo(1e-2, offset(1e-12));
    }

    @Test
    void aConfigurationGivesEachValueAsTextForTemplates() {
        Configuration c = SearchSpace.of(new IntParameter("layers", 1, 4), new CategoricalParameter("opt",
                List.of("sgd", "adam"))).fromUnit(new double[] {0.6, 0.9});
        assertThat(c.get("layers").text()).isEqualTo("3");
        assertThat(c.get("opt").text()).isEqualTo("adam");
        assertThatThrownBy(() -> c.get("depth")).hasMessageContaining("depth");
    }
}

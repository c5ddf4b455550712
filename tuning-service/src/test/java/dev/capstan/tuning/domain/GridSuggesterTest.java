package dev.capstan.tuning.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class GridSuggesterTest {

    private static List<String> proposalsUntilExhausted(GridSuggester grid) {
        List<Trial> trials = new ArrayList<>();
        List<String> proposed = new ArrayList<>();
        while (true) {
            var next = grid.propose(trials);
            if (next.isEmpty()) {
                return proposed;
            }
            proposed.add(next.get().toString());
            trials.add(Trial.started(trials.size(), next.get()));
        }
    }

    @Test
    void pointsComeInOdometerOrderTheLastParameterFastest() {
        GridSuggester grid = new GridSuggester(SearchSpace.of(new IntParameter("layers", 1, 3),
                new CategoricalParameter("opt", List.of("sgd", "adam"))), 3);
        assertThat(proposalsUntilExhausted(grid)).containsExactly(
                "{layers=1, opt=sgd}", "{layers=1, opt=adam}",
                "{layers=2, opt=sgd}", "{layers=2, opt=adam}",
                "{layers=3, opt=sgd}", "{layers=3, opt=adam}");
        assertThat(grid.size()).isEqualTo(6);
    }

    record Axis(Parameter parameter, int points, List<String> want) {
    }

    @Test
    void eachRangeIsCutIntoEvenlySpacedPoints() {
        List<Axis> table = List.of(
                new Axis(new FloatParameter("dropout", 0, 0.5), 3, List.of("0.0", "0.25", "0.5")),
                new Axis(new LogFloatParameter("lr", 1e-4, 1e-2), 3, List.of("1.0E-4", "0.001", "0.01")),
                new Axis(new IntParameter("batch", 16, 64), 4, List.of("16", "32", "48", "64")),
                // a narrow integer range has fewer points than asked: repeats are dropped
                new Axis(new IntParameter("epochs", 1, 2), 3, List.of("1", "2")),
                new Axis(new CategoricalParameter("opt", List.of("sgd", "adam", "lamb")), 2,
                        List.of("sgd", "adam", "lamb")));
        for (Axis row : table) {
            GridSuggester grid = new GridSuggester(SearchSpace.of(row.parameter()), row.points());
            List<String> got = grid.axis(row.parameter().name()).stream().map(v -> {
                String text = v.text();
                // the log axis is computed through exp/log: compare at 12 significant digits
                return v instanceof ParameterValue.FloatValue f ? String.valueOf(Double.parseDouble(
                        String.format(Locale.ROOT, "%.12g", f.value()))) : text;
            }).toList();
            assertThat(got).as(row.parameter().name()).isEqualTo(row.want());
        }
    }

    @Test
    void theGridIsTheSameWhateverTheTrialsReported() {
        SearchSpace space = SearchSpace.of(new FloatParameter("x", 0, 1));
        GridSuggester grid = new GridSuggester(space, 5);
        Trial good = Trial.started(0, grid.propose(List.of()).orElseThrow()).withReport(new Report(1, 1, 0.9));
        Trial bad = good.withState(TrialState.FAILED);
        assertThat(grid.propose(List.of(good))).isEqualTo(grid.propose(List.of(bad)));
    }

    @Test
    void aGridNeedsTwoPointsPerRange() {
        assertThatThrownBy(() -> new GridSuggester(SearchSpace.of(new FloatParameter("x", 0, 1)), 1))
                .hasMessageContaining("at least 2 points");
    }
}

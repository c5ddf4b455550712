package dev.capstan.tuning.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RandomSuggesterTest {

    static final SearchSpace SPACE = SearchSpace.of(
            new LogFloatParameter("lr", 1e-4, 1e-1),
            new IntParameter("layers", 1, 4),
            new FloatParameter("dropout", 0.1, 0.5),
            new CategoricalParameter("opt", List.of("sgd", "adam", "lamb")));

    /** The first {@code n} proposals, each trial created from the one before. */
    static List<Configuration> sequence(Suggester suggester, int n) {
        List<Trial> trials = new ArrayList<>();
        List<Configuration> proposed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Configuration c = suggester.propose(trials).orElseThrow();
            proposed.add(c);
            trials.add(Trial.started(i, c));
        }
        return proposed;
    }

    @Test
    void theSameSeedGivesTheSameSequenceDifferentSeedsDiffer() {
        List<Configuration> seven = sequence(new RandomSuggester(SPACE, 7), 20);
        assertThat(sequence(new RandomSuggester(SPACE, 7), 20)).isEqualTo(seven);
        assertThat(sequence(new RandomSuggester(SPACE, 8), 20)).isNotEqualTo(seven);
    }

    @Test
    void aProposalDependsOnTheTrialCountOnlyNotOnWhatWasReported() {
        RandomSuggester random = new RandomSuggester(SPACE, 3);
        Configuration first = random.propose(List.of()).orElseThrow();
        Trial reported = Trial.started(0, first).withReport(new Report(1, 1, 0.5));
        Trial failed = Trial.started(0, first).withState(TrialState.FAILED);
        assertThat(random.propose(List.of(reported))).isEqualTo(random.propose(List.of(failed)));
        assertThat(random.propose(List.of(reported))).isNotEqualTo(Optional.of(first));
    }

    @Property(tries = 200)
    void valuesStayInsideTheirBounds(@ForAll long seed) {
        for (Configuration c : sequence(new RandomSuggester(SPACE, seed), 5)) {
            assertThat(c.get("lr").number()).isBetween(1e-4, 1e-1);
            assertThat(c.get("layers")).isInstanceOf(ParameterValue.IntValue.class);
            assertThat(c.get("layers").number()).isBetween(1.0, 4.0);
            assertThat(c.get("dropout").number()).isBetween(0.1, 0.5);
            assertThat(c.get("opt").text()).isIn("sgd", "adam", "lamb");
        }
    }

    @Test
    void logParametersSpreadEvenlyOverDecadesAndChoicesEvenlyOverChoices() {
        List<Configuration> draws = sequence(new RandomSuggester(SPACE, 11), 3000);
        Map<Integer, Integer> perDecade = new HashMap<>();
        Map<String, Integer> perLayers = new HashMap<>();
        Map<String, Integer> perChoice = new HashMap<>();
        for (Configuration c : draws) {
            perDecade.merge((int) Math.floor(Math.log10(c.get("lr").number())), 1, Integer::sum);
            perLayers.merge(c.get("layers").text(), 1, Integer::sum);
            perChoice.merge(c.get("opt").text(), 1, Integer::sum);
        }
        // 1e-4..1e-1 is three decades: about 1,000 draws each (binomial sd ≈ 26, so ±100 is ~4 sd)
        assertThat(perDecade).containsOnlyKeys(-4, -3, -2);
        assertThat(perDecade.values()).allSatisfy(n -> assertThat(n).isBetween(900, 1100));
        assertThat(perLayers).containsOnlyKeys("1", "2", "3", "4");
        assertThat(perLayers.values()).allSatisfy(n -> assertThat(n).isBetween(650, 850));
        assertThat(perChoice.values()).allSatisfy(n -> assertThat(n).isBetween(900, 1100));
    }
}

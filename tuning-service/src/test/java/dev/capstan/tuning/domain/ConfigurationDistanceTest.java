package dev.capstan.tuning.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationDistanceTest {

    private static final SearchSpace SPACE = SearchSpace.of(new LogFloatParameter("lr", 1e-4, 1e-2),
            new FloatParameter("dropout", 0, 0.5), new CategoricalParameter("opt", List.of("sgd", "adam")));

    private static Configuration config(Map<String, ParameterValue> values) {
        return new Configuration(new LinkedHashMap<>(values));
    }

    private static ParameterValue num(double v) {
        return new ParameterValue.FloatValue(v);
    }

    private static ParameterValue choice(String c) {
        return new ParameterValue.Choice(c);
    }

    record Case(String name, Map<String, ParameterValue> a, Map<String, ParameterValue> b, double wantSquared) {
    }

    @Test
    void distanceOnTheUnitCubeOverTheParametersBothSet() {
        List<Case> cases = List.of(
                new Case("one decade of two on the log range is half the cube",
                        Map.of("lr", num(1e-4)), Map.of("lr", num(1e-3)), 0.25),
                new Case("linear parameters linearly", Map.of("dropout", num(0.1)), Map.of("dropout", num(0.35)), 0.25),
                new Case("another choice counts 1", Map.of("opt", choice("sgd")), Map.of("opt", choice("adam")), 1),
                new Case("a value that is no choice differs from every choice",
                        Map.of("opt", choice("lion")), Map.of("opt", choice("adam")), 1),
                new Case("dimensions add up",
                        Map.of("lr", num(1e-4), "dropout", num(0.0), "opt", choice("sgd")),
                        Map.of("lr", num(1e-2), "dropout", num(0.5), "opt", choice("adam")), 3),
                new Case("a parameter one side leaves out is not counted",
                        Map.of("lr", num(1e-4), "opt", choice("sgd")),
                        Map.of("lr", num(1e-3), "dropout", num(0.5), "opt", choice("adam")), 1.25),
                new Case("nothing in common is no distance", Map.of(), Map.of("lr", num(1e-2)), 0));
        ConfigurationDistance distance = new ConfigurationDistance(SPACE);
        for (Case c : cases) {
            assertThat(distance.squared(config(c.a()), config(c.b()))).as(c.name())
                    .isCloseTo(c.wantSquared(), within(1e-12));
        }
    }
}

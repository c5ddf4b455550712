package dev.capstan.localstack.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.tuning.domain.CategoricalParameter;
import dev.capstan.tuning.domain.LogFloatParameter;
import dev.capstan.tuning.domain.SearchSpace;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrialParametersTest {

    private static final SearchSpace SPACE = SearchSpace.of(new LogFloatParameter("lr", 1e-3, 1),
            new CategoricalParameter("batch_size", List.of("128", "256")));

    record Case(String json, String wantConfiguration) {
    }

    @Test
    void theSpacesParametersAreReadFromTheJsonObject() {
        List<Case> cases = List.of(
                new Case("{\"lr\": 0.01, \"batch_size\": 256}", "{lr=0.01, batch_size=256}"),
                new Case("{\"batch_size\": 256.0, \"lr\": \"1e-2\"}", "{lr=0.01, batch_size=256}"),
                new Case("{\"batch_size\": \"128\", \"momentum\": 0.9}", "{batch_size=128}"),
                new Case("{\"lr\": null}", "{}"),
                new Case("{}", "{}"),
                new Case("", "{}"),
                new Case(null, "{}"));
        for (Case c : cases) {
            assertThat(TrialParameters.parse(c.json(), SPACE)).as(String.valueOf(c.json())).hasToString(
                    c.wantConfiguration());
        }
    }

    record Refused(String json, String wantMessage) {
    }

    @Test
    void whatIsNoParameterObjectIsRefusedWithTheReason() {
        List<Refused> cases = List.of(
                new Refused("{\"lr\": ", "not valid JSON"),
                new Refused("{\"lr\": 0.1} {}", "not valid JSON"),
                new Refused("[0.1, 256]", "not a JSON object of parameter name → value: [0.1, 256]"),
                new Refused("{\"lr\": \"fast\"}", "parameter lr must be a number, was \"fast\""),
                new Refused("{\"batch_size\": [256]}", "parameter batch_size must be a string or a number, was [256]"));
        for (Refused c : cases) {
            assertThatThrownBy(() -> TrialParameters.parse(c.json(), SPACE)).as(c.json())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.wantMessage());
        }
    }
}

package dev.capstan.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonProblemsTest {

    enum Framework { PYTORCH, NONE }

    record Resources(int gpus) {
    }

    record Job(String name, Framework framework, Resources resources, List<String> command) {
    }

    private final ObjectMapper json = new ObjectMapper();

    private JsonMappingException refusal(String body) {
        return catchThrowableOfType(JsonMappingException.class, () -> json.readValue(body, Job.class));
    }

    @Test
    void theFieldIsNamedByItsPathAndTheExpectationInJsonTerms() {
        var wrongType = refusal("{\"resources\":{\"gpus\":\"x\"}}");
        assertThat(JsonProblems.field(wrongType)).isEqualTo("resources.gpus");
        assertThat(JsonProblems.why(wrongType)).isEqualTo("expected a number");

        var unknownEnum = refusal("{\"framework\":\"caffe\"}");
        assertThat(JsonProblems.field(unknownEnum)).isEqualTo("framework");
        assertThat(JsonProblems.why(unknownEnum)).isEqualTo("expected one of [PYTORCH, NONE]");

        var inArray = refusal("{\"command\":[\"a\",{}]}");
        assertThat(JsonProblems.field(inArray)).isEqualTo("command[1]");
        assertThat(JsonProblems.why(inArray)).isEqualTo("expected a string");

        var scalarBody = refusal("42");
        assertThat(JsonProblems.field(scalarBody)).isEqualTo("body");
        assertThat(JsonProblems.why(scalarBody)).isEqualTo("expected an object");
    }

    @Test
    void unreadableJsonGivesTheParsersFirstLineOnly() {
        var e = catchThrowableOfType(JsonProcessingException.class, () -> json.readTree("{\"name\": "));
        assertThat(JsonProblems.unreadable(e)).doesNotContain("\n").isNotBlank();
    }

    @Test
    void expectationsOfOtherTypes() {
        assertThat(JsonProblems.expected(boolean.class)).isEqualTo("true or false");
        assertThat(JsonProblems.expected(String[].class)).isEqualTo("an array");
    }
}

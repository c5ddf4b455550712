package dev.capstan.localstack.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.tuning.domain.CategoricalParameter;
import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.NumericParameter;
import dev.capstan.tuning.domain.Parameter;
import dev.capstan.tuning.domain.ParameterValue;
import dev.capstan.tuning.domain.SearchSpace;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trial's hyperparameters as the trainer receives them: a JSON object, parameter name → value, read against the
 * search space of a curve file.
 */
public final class TrialParameters {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TrialParameters() {
    }

    /**
     * The configuration {@code json} gives in {@code space}: numeric parameters from JSON numbers (or numeric
     * strings), categorical ones from strings or numbers ({@code 256} is the choice "256"). Names the space does not
     * have and null values are left out, and so is everything when {@code json} is null or blank: a partial
     * configuration is compared on what it sets.
     *
     * @throws IllegalArgumentException when {@code json} is not a JSON object, or a numeric parameter's value is not a
     *                                  number; the message says which
     */
    public static Configuration parse(String json, SearchSpace space) {
        if (json == null || json.isBlank()) {
            return new Configuration(Map.of());
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object of parameter name → value: " + abbreviate(json));
        }
        var values = new LinkedHashMap<String, ParameterValue>();
        for (Parameter p : space.parameters()) {
            JsonNode v = root.get(p.name());
            if (v != null && !v.isNull()) {
                values.put(p.name(), p instanceof CategoricalParameter ? choice(p.name(), v)
                        : number((NumericParameter) p, v));
            }
        }
        return new Configuration(values);
    }

    private static ParameterValue number(NumericParameter p, JsonNode v) {
        if (v.isNumber()) {
            return new ParameterValue.FloatValue(v.doubleValue());
        }
        if (v.isTextual()) {
            try {
                return new ParameterValue.FloatValue(Double.parseDouble(v.textValue().trim()));
            } catch (NumberFormatException e) {
                // falls through to the refusal
            }
        }
        throw new IllegalArgumentException("parameter " + p.name() + " must be a number, was "
                + abbreviate(v.toString()));
    }

    private static ParameterValue choice(String name, JsonNode v) {
        if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()) && Math.abs(v.doubleValue()) < 1e15) {
            // 256 and 256.0 are both the choice "256", as a batch size is written in the curve file
            return new ParameterValue.Choice(Long.toString(v.longValue()));
        }
        if (v.isValueNode()) {
            return new ParameterValue.Choice(v.asText());
        }
        throw new IllegalArgumentException("parameter " + name + " must be a string or a number, was "
                + abbreviate(v.toString()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}

package dev.capstan.tuning.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One point of a search space: a value for every parameter, in the space's order. */
public record Configuration(Map<String, ParameterValue> values) {

    public Configuration {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public ParameterValue get(String parameter) {
        ParameterValue v = values.get(parameter);
        if (v == null) {
            throw new IllegalArgumentException("no value for parameter " + parameter);
        }
        return v;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        values.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append(k).append('=').append(v.text()));
        return s.append('}').toString();
    }
}

package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/** The parameters a tuning experiment varies, in the order the user declared them. */
public record SearchSpace(List<Parameter> parameters) {

    public SearchSpace {
        parameters = parameters == null ? null : List.copyOf(parameters);
    }

    public static SearchSpace of(Parameter... parameters) {
        return new SearchSpace(List.of(parameters));
    }

    /** Problems with the space; {@code field} is its path in the spec. */
    public List<FieldProblem> problems(String field) {
        List<FieldProblem> problems = new ArrayList<>();
        if (parameters == null || parameters.isEmpty()) {
            problems.add(new FieldProblem(field + ".parameters", "must declare at least one parameter"));
            return problems;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            String path = field + ".parameters[" + i + "]";
            problems.addAll(p.problems(path));
            if (p.name() != null && !p.name().isBlank() && !names.add(p.name())) {
                problems.add(new FieldProblem(path + ".name", "repeats '" + p.name() + "'"));
            }
        }
        return problems;
    }

    /** The configuration at a point of the unit cube (see {@link Parameter#valueAt}). */
    public Configuration fromUnit(double[] unit) {
        var values = new LinkedHashMap<String, ParameterValue>();
        for (int i = 0; i < parameters.size(); i++) {
            values.put(parameters.get(i).name(), parameters.get(i).valueAt(unit[i]));
        }
        return new Configuration(values);
    }
}

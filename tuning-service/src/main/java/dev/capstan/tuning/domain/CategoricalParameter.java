package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One of a list of unordered choices. */
public record CategoricalParameter(String name, List<String> choices) implements Parameter {

    public CategoricalParameter {
        // not List.copyOf: a null choice must reach problems() and be named there, not throw here
        choices = choices == null ? null : Collections.unmodifiableList(new ArrayList<>(choices));
    }

    @Override
    public ParameterValue valueAt(double unit) {
        int i = (int) Math.min(choices.size() - 1, Math.floor(unit * choices.size()));
        return new ParameterValue.Choice(choices.get(Math.max(0, i)));
    }

    /** The position of {@code choice} in {@link #choices()}, -1 when it is not one. */
    public int indexOf(String choice) {
        return choices.indexOf(choice);
    }

    @Override
    public List<FieldProblem> problems(String field) {
        List<FieldProblem> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add(new FieldProblem(field + ".name", "must not be blank"));
        }
        if (choices == null || choices.isEmpty()) {
            problems.add(new FieldProblem(field + ".choices", "must list at least one choice"));
            return problems;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < choices.size(); i++) {
            String c = choices.get(i);
            if (c == null || c.isBlank()) {
                problems.add(new FieldProblem(field + ".choices[" + i + "]", "must not be blank"));
            } else if (!seen.add(c)) {
                problems.add(new FieldProblem(field + ".choices[" + i + "]", "repeats '" + c + "'"));
            }
        }
        return problems;
    }
}

package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Grid search. Each numeric range is cut into {@code pointsPerRange} evenly spaced values from min to max (evenly in
 * log space for log parameters; integers rounded, repeats dropped, so a narrow integer range has fewer), each
 * categorical parameter contributes all its choices. Points come in odometer order: the last declared parameter
 * changes fastest. Trial n gets point n; past the last point the grid proposes nothing.
 */
public final class GridSuggester implements Suggester {

    private final SearchSpace space;
    private final List<List<ParameterValue>> axes;

    public GridSuggester(SearchSpace space, int pointsPerRange) {
        if (pointsPerRange < 2) {
            throw new IllegalArgumentException("a grid needs at least 2 points per range, got " + pointsPerRange);
        }
        this.space = space;
        this.axes = space.parameters().stream().map(p -> axis(p, pointsPerRange)).toList();
    }

    /** How many points the grid has (saturates at {@link Long#MAX_VALUE}). */
    public long size() {
        long n = 1;
        for (List<ParameterValue> axis : axes) {
            n = n > Long.MAX_VALUE / axis.size() ? Long.MAX_VALUE : n * axis.size();
        }
        return n;
    }

    /** The values one parameter takes on the grid, in increasing order (choices in declared order). */
    public List<ParameterValue> axis(String parameter) {
        for (int i = 0; i < axes.size(); i++) {
            if (space.parameters().get(i).name().equals(parameter)) {
                return axes.get(i);
            }
        }
        throw new IllegalArgumentException("no parameter " + parameter);
    }

    @Override
    public Optional<Configuration> propose(List<Trial> trials) {
        long index = trials.size();
        if (index >= size()) {
            return Optional.empty();
        }
        // mixed-radix digits of the index, the last parameter being the least significant
        ParameterValue[] chosen = new ParameterValue[axes.size()];
        for (int i = axes.size() - 1; i >= 0; i--) {
            List<ParameterValue> axis = axes.get(i);
            chosen[i] = axis.get((int) (index % axis.size()));
            index /= axis.size();
        }
        var values = new LinkedHashMap<String, ParameterValue>();
        for (int i = 0; i < chosen.length; i++) {
            values.put(space.parameters().get(i).name(), chosen[i]);
        }
        return Optional.of(new Configuration(values));
    }

    private static List<ParameterValue> axis(Parameter p, int points) {
        List<ParameterValue> values = new ArrayList<>();
        if (p instanceof CategoricalParameter c) {
            c.choices().forEach(choice -> values.add(new ParameterValue.Choice(choice)));
            return List.copyOf(values);
        }
        NumericParameter n = (NumericParameter) p;
        for (int i = 0; i < points; i++) {
            double value = n.interpolate((double) i / (points - 1));
            ParameterValue v = n instanceof IntParameter ? new ParameterValue.IntValue(Math.round(value))
                    : new ParameterValue.FloatValue(value);
            if (!values.contains(v)) {
                values.add(v);
            }
        }
        return List.copyOf(values);
    }
}

package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Test trials: {@code aTrial(3).planned(27).reports(0.1, 0.2).state(PAUSED).build()}. */
final class TrialBuilder {

    private final int number;
    private final LinkedHashMap<String, ParameterValue> values = new LinkedHashMap<>();
    private long plannedSteps;
    private TrialState state = TrialState.RUNNING;
    private final List<Report> reports = new ArrayList<>();

    private TrialBuilder(int number) {
        this.number = number;
    }

    static TrialBuilder aTrial(int number) {
        return new TrialBuilder(number);
    }

    TrialBuilder value(String parameter, double value) {
        values.put(parameter, new ParameterValue.FloatValue(value));
        return this;
    }

    TrialBuilder choice(String parameter, String choice) {
        values.put(parameter, new ParameterValue.Choice(choice));
        return this;
    }

    TrialBuilder planned(long steps) {
        plannedSteps = steps;
        return this;
    }

    TrialBuilder state(TrialState newState) {
        state = newState;
        return this;
    }

    /** Reports at steps 1, 2, 3… with these values; each step costs 1. */
    TrialBuilder reports(double... stepValues) {
        for (double v : stepValues) {
            long step = reports.size() + 1;
            reports.add(new Report(step, step, v));
        }
        return this;
    }

    TrialBuilder report(long step, double value) {
        reports.add(new Report(step, step, value));
        return this;
    }

    Trial build() {
        return Trial.of(number, new Configuration(values), plannedSteps, state, reports);
    }
}

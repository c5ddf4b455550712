package dev.capstan.tuning.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One configuration being tried, with what it has reported so far. Immutable: a new report or state gives a new
 * trial. Prefix sums of the values are kept so that running averages up to a step cost a binary search (the median
 * rule asks for every other trial's on every report).
 */
public final class Trial {

    private final int number;
    private final Configuration configuration;
    private final long plannedSteps;
    private final TrialState state;
    private final List<Report> reports;
    private final long[] steps;
    private final double[] prefixSums;

    private Trial(int number, Configuration configuration, long plannedSteps, TrialState state, List<Report> reports) {
        this.number = number;
        this.configuration = configuration;
        this.plannedSteps = plannedSteps;
        this.state = state;
        this.reports = Collections.unmodifiableList(reports);
        this.steps = new long[reports.size()];
        this.prefixSums = new double[reports.size() + 1];
        for (int i = 0; i < reports.size(); i++) {
            steps[i] = reports.get(i).step();
            prefixSums[i + 1] = prefixSums[i] + reports.get(i).value();
        }
    }

    /** A trial as it is created: running, nothing reported, its planned length unknown. */
    public static Trial started(int number, Configuration configuration) {
        return started(number, configuration, 0);
    }

    /**
     * A trial as it is created, with the number of steps its training is planned to run (its epochs, or a
     * trainer's max steps; 0 when unknown), which {@link Resource#PROGRESS} measures against.
     */
    public static Trial started(int number, Configuration configuration, long plannedSteps) {
        return new Trial(number, configuration, plannedSteps, TrialState.RUNNING, List.of());
    }

    /** A trial read back from storage. */
    public static Trial of(int number, Configuration configuration, long plannedSteps, TrialState state,
                           List<Report> reports) {
        for (int i = 1; i < reports.size(); i++) {
            if (reports.get(i).step() <= reports.get(i - 1).step()) {
                throw new IllegalArgumentException("trial " + number + ": steps must increase, got "
                        + reports.get(i - 1).step() + " then " + reports.get(i).step());
            }
        }
        return new Trial(number, configuration, plannedSteps, state, new ArrayList<>(reports));
    }

    /** This trial with one more report. */
    public Trial withReport(Report report) {
        if (!reports.isEmpty() && report.step() <= lastReport().step()) {
            throw new IllegalArgumentException("trial " + number + ": step " + report.step()
                    + " does not follow step " + lastReport().step());
        }
        List<Report> more = new ArrayList<>(reports.size() + 1);
        more.addAll(reports);
        more.add(report);
        return new Trial(number, configuration, plannedSteps, state, more);
    }

    public Trial withState(TrialState newState) {
        return new Trial(number, configuration, plannedSteps, newState, new ArrayList<>(reports));
    }

    /** The trial's position in the experiment, 0 for the first. */
    public int number() {
        return number;
    }

    public Configuration configuration() {
        return configuration;
    }

    /** The steps the training is planned to run; 0 when unknown. */
    public long plannedSteps() {
        return plannedSteps;
    }

    public TrialState state() {
        return state;
    }

    public List<Report> reports() {
        return reports;
    }

    public boolean hasReports() {
        return !reports.isEmpty();
    }

    public Report lastReport() {
        if (reports.isEmpty()) {
            throw new IllegalStateException("trial " + number + " has not reported");
        }
        return reports.get(reports.size() - 1);
    }

    /** How many reports have a step at or below {@code step}. */
    public int reportsUpTo(long step) {
        int i = Arrays.binarySearch(steps, step);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** The mean of the values reported at or before {@code step}; empty when there are none. */
    public OptionalDouble runningAverageUpTo(long step) {
        int n = reportsUpTo(step);
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(prefixSums[n] / n);
    }

    /** The best {@link Objective#score} reported at or before {@code step}; empty when there is none. */
    public OptionalDouble bestScoreUpTo(long step, Objective objective) {
        int n = reportsUpTo(step);
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            best = Math.max(best, objective.score(reports.get(i).value()));
        }
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(best);
    }

    /** The first report whose {@code resource} reaches {@code milestone}; null when none does yet. */
    public Report firstReaching(Resource resource, double milestone) {
        for (Report r : reports) {
            if (resource.of(this, r) >= milestone) {
                return r;
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Trial t && t.number == number && t.plannedSteps == plannedSteps
                && t.state == state && t.configuration.equals(configuration)
                && t.reports.equals(reports);
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(number) * 31 + reports.size();
    }

    @Override
    public String toString() {
        return "Trial[" + number + " " + state + " " + configuration + ", " + reports.size() + " reports]";
    }
}

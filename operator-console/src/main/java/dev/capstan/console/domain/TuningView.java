package dev.capstan.console.domain;

import dev.capstan.events.TrialEvent;
import dev.capstan.events.TuningEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tuning experiments as tuning-service's decisions tell them, and each trial's learning curve from the metrics it
 * reported. Not thread-safe: {@link ReadModel} guards it.
 */
public final class TuningView {

    /** Points kept per trial and metric. */
    static final int CURVE_POINTS = 1_000;
    /** Trials whose curves are kept (the oldest go first). */
    static final int CURVES = 5_000;

    private final Map<String, Experiment> experiments = new TreeMap<>();
    private final Map<String, Map<String, List<double[]>>> curves = new LinkedHashMap<>();

    private static final class Experiment {
        TuningEvent.ExperimentChanged last;
        final Map<String, TuningEvent.TrialChanged> trials = new LinkedHashMap<>();
    }

    void apply(TuningEvent e) {
        Experiment x = experiments.computeIfAbsent(e.experiment(), k -> new Experiment());
        if (e instanceof TuningEvent.ExperimentChanged c) {
            x.last = c;
        } else if (e instanceof TuningEvent.TrialChanged t) {
            x.trials.put(t.trialId(), t);
        }
    }

    void metric(TrialEvent.TrialMetricReported m) {
        if (m.value() == null) {
            return; // NaN or infinity: nothing to draw
        }
        Map<String, List<double[]>> byMetric = curves.computeIfAbsent(m.trialId(), k -> new TreeMap<>());
        while (curves.size() > CURVES) {
            curves.remove(curves.keySet().iterator().next());
        }
        List<double[]> points = byMetric.computeIfAbsent(m.metric(), k -> new ArrayList<>());
        if (points.size() < CURVE_POINTS) {
            points.add(new double[] {m.step(), m.value()});
        }
    }

    /** An experiment in the list. */
    public record ExperimentSummary(String name, String state, String reason, String bestTrialId, Double bestValue,
            int trials, Map<String, Integer> trialsByState, Instant at) {
    }

    /** A trial with its curve (step, value), per metric. */
    public record TrialView(String trialId, int number, String state, String reason, Map<String, String> params,
            Long step, Double value, Instant at, Map<String, List<double[]>> curves) {
    }

    public record ExperimentDetail(ExperimentSummary experiment, List<TrialView> trials) {
    }

    public List<ExperimentSummary> list() {
        List<ExperimentSummary> out = new ArrayList<>();
        experiments.forEach((name, x) -> out.add(summary(name, x)));
        return out;
    }

    private static ExperimentSummary summary(String name, Experiment x) {
        Map<String, Integer> byState = new TreeMap<>();
        x.trials.values().forEach(t -> byState.merge(t.state(), 1, Integer::sum));
        var c = x.last;
        return new ExperimentSummary(name, c == null ? null : c.state(), c == null ? null : c.reason(),
                c == null ? null : c.bestTrialId(), c == null ? null : c.bestValue(), x.trials.size(), byState,
                c == null ? null : c.at());
    }

    public ExperimentDetail detail(String name) {
        Experiment x = experiments.get(name);
        if (x == null) {
            return null;
        }
        List<TrialView> trials = new ArrayList<>();
        x.trials.values().stream().sorted(Comparator.comparingInt(TuningEvent.TrialChanged::number))
                .forEach(t -> trials.add(new TrialView(t.trialId(), t.number(), t.state(), t.reason(), t.params(),
                        t.step(), t.value(), t.at(), curves.getOrDefault(t.trialId(), Map.of()))));
        return new ExperimentDetail(summary(name, x), trials);
    }
}

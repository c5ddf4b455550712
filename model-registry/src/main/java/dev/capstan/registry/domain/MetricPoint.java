package dev.capstan.registry.domain;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One reported value of a run's metric, as MLflow has it: the value (any double, NaN and the infinities included), the
 * client's timestamp in epoch milliseconds, and the training step.
 */
public record MetricPoint(String key, double value, long timestamp, long step) {

    /**
     * Whether this point replaces {@code other} as the metric's latest value: MLflow's order, the higher step first,
     * then the later timestamp, then the greater value (NaN above every number), so that a point logged late for an
     * earlier step never hides the newest one.
     */
    public boolean supersedes(MetricPoint other) {
        if (step != other.step) {
            return step > other.step;
        }
        if (timestamp != other.timestamp) {
            return timestamp > other.timestamp;
        }
        return Double.compare(value, other.value) > 0;
    }

    /** The latest point of each key among {@code points}, keys in the order they first appear. */
    public static Map<String, MetricPoint> latestByKey(Collection<MetricPoint> points) {
        Map<String, MetricPoint> latest = new LinkedHashMap<>();
        for (MetricPoint p : points) {
            latest.merge(p.key(), p, (a, b) -> b.supersedes(a) ? b : a);
        }
        return latest;
    }
}

package dev.capstan.registry.rest.mlflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.capstan.registry.domain.KeyValue;
import dev.capstan.registry.domain.MetricPoint;
import dev.capstan.registry.service.TrackingViews.ExperimentView;
import dev.capstan.registry.service.TrackingViews.RunView;
import java.util.List;
import java.util.Map;

/**
 * MLflow 2.x's JSON shapes of the tracking API ({@code Experiment}, {@code Run}, {@code RunInfo}, {@code RunData},
 * {@code Metric}), field for field as MLflow's {@code service.proto} names them. Times are epoch milliseconds, ids
 * strings, a NaN or infinite metric value the JSON string {@code "NaN"} / {@code "Infinity"} as protobuf writes it.
 * Every experiment and run is in lifecycle stage {@code active}.
 */
final class TrackingShapes {

    static final String ACTIVE = "active";

    private TrackingShapes() {
    }

    /** MLflow's {@code Experiment}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Experiment(String experimentId, String name, String artifactLocation, String lifecycleStage,
            long lastUpdateTime, long creationTime, List<MlflowShapes.Tag> tags) {
    }

    /** MLflow's {@code RunInfo}; {@code run_uuid} repeats {@code run_id} for older clients, as MLflow does. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunInfo(String runId, String runUuid, String runName, String experimentId, String userId, String status,
            long startTime, Long endTime, String artifactUri, String lifecycleStage) {
    }

    /** MLflow's {@code Metric}. */
    record Metric(String key, double value, long timestamp, long step) {
    }

    /** MLflow's {@code RunData}: the latest point of each metric, params and tags. */
    record RunData(List<Metric> metrics, List<MlflowShapes.Tag> params, List<MlflowShapes.Tag> tags) {
    }

    /** MLflow's {@code Run}; {@code inputs} (datasets) is always empty here. */
    record Run(RunInfo info, RunData data, Map<String, Object> inputs) {
    }

    static Experiment experiment(ExperimentView e) {
        return new Experiment(String.valueOf(e.id()), e.name(), e.artifactLocation(), ACTIVE,
                e.updatedAt().toEpochMilli(), e.createdAt().toEpochMilli(), MlflowShapes.tags(e.tags()));
    }

    static RunInfo info(RunView r) {
        return new RunInfo(r.runId(), r.runId(), r.runName(), String.valueOf(r.experimentId()), r.userId(),
                r.status().name(), r.startTime(), r.endTime(), r.artifactUri(), ACTIVE);
    }

    static Run run(RunView r) {
        return new Run(info(r), new RunData(r.latestMetrics().stream().map(TrackingShapes::metric).toList(),
                MlflowShapes.tags(r.params()), MlflowShapes.tags(r.tags())), Map.of());
    }

    static Metric metric(MetricPoint p) {
        return new Metric(p.key(), p.value(), p.timestamp(), p.step());
    }

    /** MLflow's key/value list (tags, params) as Capstan's pairs; a missing element is refused by name. */
    static List<KeyValue> keyValues(String field, List<MlflowShapes.Tag> list) {
        if (list == null) {
            return List.of();
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new dev.capstan.registry.rest.BadParameterException(field + "[" + i + "]",
                        "must be an object with a key and a value");
            }
        }
        return list.stream().map(t -> new KeyValue(t.key(), t.value())).toList();
    }
}

package dev.capstan.registry.rest.mlflow;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.capstan.registry.domain.KeyValue;
import dev.capstan.registry.domain.MetricPoint;
import dev.capstan.registry.domain.RunStatus;
import dev.capstan.registry.domain.TrackingSearch;
import dev.capstan.registry.rest.BadParameterException;
import dev.capstan.registry.service.TrackingService;
import dev.capstan.registry.service.TrackingViews.Chunk;
import dev.capstan.registry.service.TrackingViews.RunView;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * MLflow 2.x's run API of the tracking server ({@code /api/2.0/mlflow/runs/...}) over the tracking use cases: create,
 * update and read runs, search them, and log metric points, params and tags into them. A run is named by
 * {@code run_id} (or {@code run_uuid}, as older clients send it); a missing run is RESOURCE_DOES_NOT_EXIST. Params
 * are immutable: logging a key again with another value is INVALID_PARAMETER_VALUE. A metric value may be NaN or
 * infinite and is stored as it is.
 */
@Path("/api/2.0/mlflow/runs")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "MLflow tracking: runs")
public class MlflowRunsResource {

    private final TrackingService tracking;

    MlflowRunsResource(TrackingService tracking) {
        this.tracking = tracking;
    }

    /** Body of create. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateBody(String experimentId, String userId, String runName, Long startTime,
            List<MlflowShapes.Tag> tags) {
    }

    /** Body of update. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpdateBody(String runId, String runUuid, String status, Long endTime, String runName) {
    }

    /** Body of search. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SearchBody(List<String> experimentIds, String filter, String runViewType, Long maxResults,
            List<String> orderBy, String pageToken) {
    }

    /** Body of log-metric. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LogMetricBody(String runId, String runUuid, String key, Double value, Long timestamp, Long step) {
    }

    /** One metric of a log-batch. */
    public record MetricBody(String key, Double value, Long timestamp, Long step) {
    }

    /** Body of log-batch. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LogBatchBody(String runId, List<MetricBody> metrics, List<MlflowShapes.Tag> params,
            List<MlflowShapes.Tag> tags) {
    }

    /** Body of log-parameter and set-tag. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KeyValueBody(String runId, String runUuid, String key, String value) {
        KeyValue pair() {
            return new KeyValue(MlflowParams.required("key", key), value);
        }
    }

    @POST
    @Path("/create")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(TrackingJson.class)
    @Operation(summary = "MLflow: create a run (RUNNING) in an experiment, the Default one (\"0\") without one")
    public Map<String, Object> create(CreateBody body, @HeaderParam(MlflowParams.USER) String user) {
        CreateBody b = body == null ? new CreateBody(null, null, null, null, null) : body;
        long experiment = b.experimentId() == null || b.experimentId().isEmpty() ? TrackingService.DEFAULT_EXPERIMENT
                : MlflowParams.experimentId("experiment_id", b.experimentId());
        RunView r = tracking.createRun(experiment, b.userId(), b.runName(), b.startTime(),
                TrackingShapes.keyValues("tags", b.tags()), MlflowParams.actor(user));
        return Map.of("run", TrackingShapes.run(r));
    }

    @POST
    @Path("/update")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(TrackingJson.class)
    @Operation(summary = "MLflow: change a run's status, end time or name")
    public Map<String, Object> update(UpdateBody body) {
        UpdateBody b = body == null ? new UpdateBody(null, null, null, null, null) : body;
        String runId = MlflowParams.runId(b.runId(), b.runUuid());
        RunStatus status = b.status() == null || b.status().isEmpty() ? null : RunStatus.of(b.status())
                .orElseThrow(() -> new BadParameterException("status", "must be one of "
                        + Arrays.toString(RunStatus.values())));
        return Map.of("run_info", TrackingShapes.info(tracking.updateRun(runId, status, b.endTime(), b.runName())));
    }

    @GET
    @Path("/get")
    @Operation(summary = "MLflow: a run with its latest metrics, params and tags")
    public Map<String, Object> get(@QueryParam("run_id") String runId, @QueryParam("run_uuid") String runUuid) {
        return Map.of("run", TrackingShapes.run(tracking.run(MlflowParams.runId(runId, runUuid))));
    }

    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(TrackingJson.class)
    @Operation(summary = "MLflow: search runs of experiments (filter on metrics, params, tags, attributes)")
    public Map<String, Object> search(SearchBody body) {
        SearchBody b = body == null ? new SearchBody(null, null, null, null, null, null) : body;
        int wanted = MlflowParams.maxResults(b.maxResults(), MlflowParams.TRACKING_SEARCH_DEFAULT,
                MlflowParams.TRACKING_SEARCH_MAX);
        long offset = MlflowParams.offset(b.pageToken());
        List<Long> experiments = new ArrayList<>();
        List<String> ids = b.experimentIds() == null ? List.of() : b.experimentIds();
        for (int i = 0; i < ids.size(); i++) {
            experiments.add(MlflowParams.experimentId("experiment_ids[" + i + "]", ids.get(i)));
        }
        List<TrackingSearch.Condition> conditions = MlflowParams.parsed("filter",
                () -> TrackingSearch.runFilter(b.filter()));
        List<TrackingSearch.OrderTerm> order = MlflowParams.parsed("order_by",
                () -> TrackingSearch.runOrder(b.orderBy()));
        if (!MlflowParams.findsActive("run_view_type", b.runViewType())) {
            return MlflowParams.pageAnswer("runs", List.of(), null);
        }
        Chunk<RunView> page = tracking.searchRuns(experiments, conditions, order, offset,
                Math.min(wanted, MlflowParams.TRACKING_PAGE_MAX));
        return MlflowParams.pageAnswer("runs", page.items().stream().map(TrackingShapes::run).toList(),
                page.nextOffset());
    }

    @POST
    @Path("/log-metric")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(TrackingJson.class)
    @Operation(summary = "MLflow: log one metric point (NaN and infinities are stored as they are)")
    public Map<String, Object> logMetric(LogMetricBody body) {
        LogMetricBody b = body == null ? new LogMetricBody(null, null, null, null, null, null) : body;
        String runId = MlflowParams.runId(b.runId(), b.runUuid());
        tracking.logBatch(runId, List.of(point("", new MetricBody(b.key(), b.value(), b.timestamp(), b.step()))),
                List.of(), List.of());
        return Map.of();
    }

    @POST
    @Path("/log-batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(TrackingJson.class)
    @Operation(summary = "MLflow: log metrics, params and tags at once (at most 1000 metrics, 100 params, 100 tags)")
    public Map<String, Object> logBatch(LogBatchBody body) {
        LogBatchBody b = body == null ? new LogBatchBody(null, null, null, null) : body;
        String runId = MlflowParams.required("run_id", b.runId());
        List<MetricPoint> points = new ArrayList<>();
        List<MetricBody> metrics = b.metrics() == null ? List.of() : b.metrics();
        for (int i = 0; i < metrics.size(); i++) {
            points.add(point("metrics[" + i + "].", metrics.get(i)));
        }
        tracking.logBatch(runId, points, TrackingShapes.keyValues("params", b.params()),
                TrackingShapes.keyValues("tags", b.tags()));
        return Map.of();
    }

    @POST
    @Path("/log-parameter")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(TrackingJson.class)
    @Operation(summary = "MLflow: log a param (the same value again is fine, another value is refused)")
    public Map<String, Object> logParam(KeyValueBody body) {
        KeyValueBody b = body == null ? new KeyValueBody(null, null, null, null) : body;
        tracking.logBatch(MlflowParams.runId(b.runId(), b.runUuid()), List.of(), List.of(b.pair()), List.of());
        return Map.of();
    }

    @POST
    @Path("/set-tag")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(TrackingJson.class)
    @Operation(summary = "MLflow: set a tag of a run (mlflow.runName renames the run)")
    public Map<String, Object> setTag(KeyValueBody body) {
        KeyValueBody b = body == null ? new KeyValueBody(null, null, null, null) : body;
        tracking.logBatch(MlflowParams.runId(b.runId(), b.runUuid()), List.of(), List.of(), List.of(b.pair()));
        return Map.of();
    }

    /** A metric point from a body; {@code at} prefixes the field names in refusals ({@code metrics[2].}). */
    private static MetricPoint point(String at, MetricBody m) {
        if (m == null) {
            throw new BadParameterException(at.isEmpty() ? "body" : at.substring(0, at.length() - 1),
                    "must be an object with key, value, timestamp and step");
        }
        MlflowParams.required(at + "key", m.key());
        if (m.value() == null) {
            throw new BadParameterException(at + "value", "missing value for required parameter '" + at + "value'");
        }
        if (m.timestamp() == null) {
            throw new BadParameterException(at + "timestamp", "missing value for required parameter '" + at
                    + "timestamp'");
        }
        return new MetricPoint(m.key(), m.value(), m.timestamp(), m.step() == null ? 0 : m.step());
    }
}

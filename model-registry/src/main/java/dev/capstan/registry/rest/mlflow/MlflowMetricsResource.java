package dev.capstan.registry.rest.mlflow;

import dev.capstan.registry.config.MlflowConfig;
import dev.capstan.registry.domain.MetricPoint;
import dev.capstan.registry.rest.Params;
import dev.capstan.registry.service.TrackingService;
import dev.capstan.registry.service.TrackingViews.Chunk;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * MLflow 2.x's metric history ({@code GET /api/2.0/mlflow/metrics/get-history}): every point of one metric of a run,
 * by step (then timestamp, then value). As on MLflow 2.x's server, one answer holds the whole history and
 * {@code max_results} is read but not applied: MLflow's clients send {@code max_results=25000}, and MLflow's Java
 * client 2.17.2 fails on a {@code next_page_token} (it appends to an unmodifiable list). Only a history longer than
 * {@link MlflowConfig#historyAnswerMax()} is split, behind {@code next_page_token}, which the Python client follows.
 */
@Path("/api/2.0/mlflow/metrics")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "MLflow tracking: metrics")
public class MlflowMetricsResource {

    private final TrackingService tracking;
    private final MlflowConfig config;

    MlflowMetricsResource(TrackingService tracking, MlflowConfig config) {
        this.tracking = tracking;
        this.config = config;
    }

    @GET
    @Path("/get-history")
    @Operation(summary = "MLflow: every point of a run's metric, by step")
    public Map<String, Object> history(@QueryParam("run_id") String runId, @QueryParam("run_uuid") String runUuid,
            @QueryParam("metric_key") String key, @QueryParam("max_results") String max,
            @QueryParam("page_token") String pageToken) {
        String run = MlflowParams.runId(runId, runUuid);
        String metric = MlflowParams.required("metric_key", key);
        Params.integer("max_results", max, 1, 1, Integer.MAX_VALUE); // checked, then ignored as MLflow 2.x does
        Chunk<MetricPoint> page = tracking.metricHistory(run, metric, MlflowParams.offset(pageToken),
                config.historyAnswerMax());
        return MlflowParams.pageAnswer("metrics", page.items().stream().map(TrackingShapes::metric).toList(),
                page.nextOffset());
    }
}

package dev.capstan.registry.rest.mlflow;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.capstan.registry.domain.MlflowFilter;
import dev.capstan.registry.domain.TrackingSearch;
import dev.capstan.registry.service.TrackingService;
import dev.capstan.registry.service.TrackingViews.Chunk;
import dev.capstan.registry.service.TrackingViews.ExperimentView;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * MLflow 2.x's experiment API of the tracking server ({@code /api/2.0/mlflow/experiments/...}) over the tracking use
 * cases. Experiment ids are whole numbers in strings; "0" is MLflow's Default experiment. Nothing is ever deleted, so
 * every experiment is active. Searches take the filter subset of the registry's searches (name =, LIKE, ILIKE and
 * tags.key =) and order by name, experiment_id, creation_time or last_update_time.
 */
@Path("/api/2.0/mlflow/experiments")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "MLflow tracking: experiments")
public class MlflowExperimentsResource {

    private final TrackingService tracking;

    MlflowExperimentsResource(TrackingService tracking) {
        this.tracking = tracking;
    }

    /** Body of create. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateBody(String name, String artifactLocation, List<MlflowShapes.Tag> tags) {
    }

    /** Body of search. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SearchBody(Long maxResults, String pageToken, String filter, List<String> orderBy,
            String viewType) {
    }

    @POST
    @Path("/create")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(TrackingJson.class)
    @Operation(summary = "MLflow: create an experiment")
    public Map<String, Object> create(CreateBody body) {
        CreateBody b = body == null ? new CreateBody(null, null, null) : body;
        ExperimentView e = tracking.createExperiment(b.name(), b.artifactLocation(),
                TrackingShapes.keyValues("tags", b.tags()));
        return Map.of("experiment_id", String.valueOf(e.id()));
    }

    @GET
    @Path("/get")
    @Operation(summary = "MLflow: an experiment by id")
    public Map<String, Object> get(@QueryParam("experiment_id") String id) {
        return Map.of("experiment", TrackingShapes.experiment(tracking.experiment(
                MlflowParams.experimentId("experiment_id", id))));
    }

    @GET
    @Path("/get-by-name")
    @Operation(summary = "MLflow: an experiment by name")
    public Map<String, Object> getByName(@QueryParam("experiment_name") String name) {
        return Map.of("experiment", TrackingShapes.experiment(tracking.experimentByName(
                MlflowParams.required("experiment_name", name))));
    }

    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(TrackingJson.class)
    @Operation(summary = "MLflow: search experiments (filter on name and tags)")
    public Map<String, Object> search(SearchBody body) {
        SearchBody b = body == null ? new SearchBody(null, null, null, null, null) : body;
        return search(MlflowParams.maxResults(b.maxResults(), MlflowParams.TRACKING_SEARCH_DEFAULT,
                MlflowParams.TRACKING_SEARCH_MAX), b.pageToken(), b.filter(), b.orderBy(), b.viewType());
    }

    @GET
    @Path("/search")
    @Operation(summary = "MLflow: search experiments, parameters in the query string")
    public Map<String, Object> searchGet(@QueryParam("max_results") String max,
            @QueryParam("page_token") String pageToken, @QueryParam("filter") String filter,
            @QueryParam("order_by") List<String> orderBy, @QueryParam("view_type") String viewType) {
        return search(MlflowParams.maxResults(max, MlflowParams.TRACKING_SEARCH_DEFAULT,
                MlflowParams.TRACKING_SEARCH_MAX), pageToken, filter, orderBy, viewType);
    }

    private Map<String, Object> search(int wanted, String pageToken, String filter, List<String> orderBy,
            String viewType) {
        long offset = MlflowParams.offset(pageToken);
        MlflowFilter.Criteria criteria = MlflowParams.parsed("filter",
                () -> MlflowFilter.parse(filter, MlflowFilter.Target.EXPERIMENTS));
        List<TrackingSearch.OrderTerm> order = MlflowParams.parsed("order_by",
                () -> TrackingSearch.experimentOrder(orderBy));
        if (!MlflowParams.findsActive("view_type", viewType)) {
            return MlflowParams.pageAnswer("experiments", List.of(), null);
        }
        Chunk<ExperimentView> page = tracking.searchExperiments(criteria, order, offset,
                Math.min(wanted, MlflowParams.TRACKING_PAGE_MAX));
        return MlflowParams.pageAnswer("experiments", page.items().stream().map(TrackingShapes::experiment).toList(),
                page.nextOffset());
    }
}

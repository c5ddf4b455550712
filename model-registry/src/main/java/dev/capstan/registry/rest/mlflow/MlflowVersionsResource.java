package dev.capstan.registry.rest.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.capstan.registry.domain.FieldError;
import dev.capstan.registry.domain.MlflowFilter;
import dev.capstan.registry.domain.RegistryRules;
import dev.capstan.registry.domain.VersionStatus;
import dev.capstan.registry.rest.BadParameterException;
import dev.capstan.registry.rest.mlflow.MlflowParams.DeleteParams;
import dev.capstan.registry.service.RegistryException;
import dev.capstan.registry.service.RegistryService;
import dev.capstan.registry.service.Views.Slice;
import dev.capstan.registry.service.Views.VersionView;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * MLflow 2.x's model-version API ({@code /api/2.0/mlflow/model-versions/...}) over the registry's use cases.
 * Versions are numbers in Capstan and strings in MLflow: a version that is not a positive whole number is
 * INVALID_PARAMETER_VALUE. A version's {@code source} is its artifact URI (absolute, with a scheme such as
 * {@code s3:} or {@code runs:}). <b>Stages are replaced by aliases:</b> every version is in stage "None", and
 * transition-stage is refused with INVALID_PARAMETER_VALUE pointing at {@code registered-models/alias}. A version
 * an alias serves cannot be deleted (INVALID_STATE): move the alias first.
 */
@Path("/api/2.0/mlflow/model-versions")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "MLflow model versions")
public class MlflowVersionsResource {

    /**
     * MLflow's own server default for {@code max_results} (its protocol default, 200,000, is the threshold below).
     */
    static final int SEARCH_DEFAULT = 10_000;
    /** MLflow's documented threshold: "Max threshold is 200K". */
    static final int SEARCH_MAX = 200_000;

    private final RegistryService registry;
    private final ObjectMapper json;

    MlflowVersionsResource(RegistryService registry, ObjectMapper json) {
        this.registry = registry;
        this.json = json;
    }

    /** Body of create. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateBody(String name, String source, String runId, List<MlflowShapes.Tag> tags, String runLink,
            String description) {
    }

    /** Body of update. */
    public record UpdateBody(String name, String version, String description) {
    }

    /** Body of set-tag. */
    public record SetTagBody(String name, String version, String key, String value) {
    }

    /** Body of transition-stage (refused). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TransitionBody(String name, String version, String stage, Boolean archiveExistingVersions) {
    }

    @POST
    @Path("/create")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: register the next version of an existing model")
    public Map<String, Object> create(CreateBody body, @HeaderParam(MlflowParams.USER) String user) {
        CreateBody b = body == null ? new CreateBody(null, null, null, null, null, null) : body;
        String name = MlflowParams.required("name", b.name());
        List<FieldError> errors = new ArrayList<>();
        // Checked here so that the error names MLflow's field, not Capstan's artifactUri.
        RegistryRules.artifactUri("source", MlflowParams.required("source", b.source()), errors);
        if (!errors.isEmpty()) {
            throw new RegistryException.Invalid(errors);
        }
        VersionView v = registry.registerVersion(name, new RegistryRules.NewVersion(b.source(), null, null, null,
                null, MlflowParams.tags(b.tags()), b.description(), null, null, emptyToNull(b.runId()), VersionStatus.READY,
                emptyToNull(b.runLink())), MlflowParams.actor(user), false, null);
        return Map.of("model_version", MlflowShapes.version(v));
    }

    @GET
    @Path("/get")
    @Operation(summary = "MLflow: one model version")
    public Map<String, Object> get(@QueryParam("name") String name, @QueryParam("version") String version) {
        return Map.of("model_version", MlflowShapes.version(registry.version(MlflowParams.required("name", name),
                MlflowParams.version(version))));
    }

    @GET
    @Path("/search")
    @Operation(summary = "MLflow: search model versions (filter on name, tags, run_id, source_path)")
    public Map<String, Object> search(@QueryParam("filter") String filter, @QueryParam("max_results") String max,
            @QueryParam("order_by") List<String> orderBy, @QueryParam("page_token") String pageToken) {
        int wanted = MlflowParams.maxResults(max, SEARCH_DEFAULT, SEARCH_MAX);
        boolean ascending = MlflowParams.ascending(orderBy, "creation_timestamp", false);
        long offset = MlflowParams.offset(pageToken);
        // One response holds at most the registry's largest page; the token fetches the rest, as MLflow's docs allow
        // ("backends may choose a lower ... maximum threshold").
        int limit = Math.min(wanted, RegistryService.MAX_PAGE);
        Slice<VersionView> slice = registry.searchVersionsFrom(MlflowParams.query(filter,
                MlflowFilter.Target.VERSIONS), offset, limit, ascending);
        return MlflowParams.searchAnswer("model_versions", slice, offset, MlflowShapes::version);
    }

    @PATCH
    @Path("/update")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: change a version's description")
    public Map<String, Object> update(UpdateBody body, @HeaderParam(MlflowParams.USER) String user) {
        UpdateBody b = body == null ? new UpdateBody(null, null, null) : body;
        VersionView v = registry.updateVersion(MlflowParams.required("name", b.name()),
                MlflowParams.version(b.version()), b.description(), null, MlflowParams.actor(user));
        return Map.of("model_version", MlflowShapes.version(v));
    }

    @DELETE
    @Path("/delete")
    @Operation(summary = "MLflow: delete a version no alias serves")
    public Map<String, Object> delete(String body, @Context UriInfo uri, @HeaderParam(MlflowParams.USER) String user)
            throws JsonProcessingException {
        DeleteParams p = new DeleteParams(json, body, uri);
        registry.deleteVersion(MlflowParams.required("name", p.get("name")), MlflowParams.version(p.get("version")),
                MlflowParams.actor(user));
        return Map.of();
    }

    @GET
    @Path("/get-download-uri")
    @Operation(summary = "MLflow: where a version's artifacts are")
    public Map<String, Object> downloadUri(@QueryParam("name") String name, @QueryParam("version") String version) {
        VersionView v = registry.version(MlflowParams.required("name", name), MlflowParams.version(version));
        return Map.of("artifact_uri", v.artifactUri());
    }

    @POST
    @Path("/set-tag")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: set a tag of a version")
    public Map<String, Object> setTag(SetTagBody body, @HeaderParam(MlflowParams.USER) String user) {
        SetTagBody b = body == null ? new SetTagBody(null, null, null, null) : body;
        registry.tagVersion(MlflowParams.required("name", b.name()), MlflowParams.version(b.version()),
                MlflowParams.required("key", b.key()), MlflowParams.required("value", b.value()),
                MlflowParams.actor(user));
        return Map.of();
    }

    @DELETE
    @Path("/delete-tag")
    @Operation(summary = "MLflow: remove a tag of a version")
    public Map<String, Object> deleteTag(String body, @Context UriInfo uri,
            @HeaderParam(MlflowParams.USER) String user) throws JsonProcessingException {
        DeleteParams p = new DeleteParams(json, body, uri);
        registry.tagVersion(MlflowParams.required("name", p.get("name")), MlflowParams.version(p.get("version")),
                MlflowParams.required("key", p.get("key")), null, MlflowParams.actor(user));
        return Map.of();
    }

    /**
     * Always refused with INVALID_PARAMETER_VALUE: Capstan replaces MLflow's stages with aliases, which keep a
     * history and can be rolled back. Set an alias instead ({@code POST registered-models/alias}).
     */
    @POST
    @Path("/transition-stage")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: refused; stages are replaced by aliases")
    public Map<String, Object> transitionStage(TransitionBody body) {
        throw new BadParameterException("stage", "model stages are replaced by aliases in Capstan: point an alias "
                + "at the version with POST /api/2.0/mlflow/registered-models/alias {name, alias, version}");
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}

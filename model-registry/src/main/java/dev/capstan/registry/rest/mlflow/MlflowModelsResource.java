package dev.capstan.registry.rest.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.capstan.registry.domain.MlflowFilter;
import dev.capstan.registry.domain.RegistryRules;
import dev.capstan.registry.rest.BadParameterException;
import dev.capstan.registry.rest.mlflow.MlflowParams.DeleteParams;
import dev.capstan.registry.rest.mlflow.MlflowShapes.RegisteredModel;
import dev.capstan.registry.service.RegistryException;
import dev.capstan.registry.service.RegistryService;
import dev.capstan.registry.service.Views.ModelView;
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
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * MLflow 2.x's registered-model API ({@code /api/2.0/mlflow/registered-models/...}), including aliases, over the
 * registry's use cases. GET parameters come from the query string, POST and PATCH from a JSON body, DELETE from
 * either. Aliases set here are Capstan alias moves (cause "mlflow"), recorded in the alias's history. There are no
 * stages: every version is in stage "None", so get-latest-versions answers the newest version for "None" (or no
 * stage) and nothing for Staging, Production or Archived.
 */
@Path("/api/2.0/mlflow/registered-models")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "MLflow registered models")
public class MlflowModelsResource {

    static final int SEARCH_DEFAULT = 100;
    static final int SEARCH_MAX = 1000;

    private final RegistryService registry;
    private final ObjectMapper json;

    MlflowModelsResource(RegistryService registry, ObjectMapper json) {
        this.registry = registry;
        this.json = json;
    }

    /** Body of create. */
    public record CreateBody(String name, List<MlflowShapes.Tag> tags, String description) {
    }

    /** Body of update. */
    public record UpdateBody(String name, String description) {
    }

    /** Body of rename. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RenameBody(String name, String newName) {
    }

    /** Body of get-latest-versions. */
    public record LatestBody(String name, List<String> stages) {
    }

    /** Body of set-tag. */
    public record SetTagBody(String name, String key, String value) {
    }

    /** Body of alias set. */
    public record AliasBody(String name, String alias, String version) {
    }

    @POST
    @Path("/create")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: create a registered model")
    public Map<String, Object> create(CreateBody body, @HeaderParam(MlflowParams.USER) String user) {
        CreateBody b = body == null ? new CreateBody(null, null, null) : body;
        MlflowParams.required("name", b.name());
        ModelView m = registry.createModel(new RegistryRules.NewModel(b.name(), b.description(), null,
                MlflowParams.tags(b.tags())), MlflowParams.actor(user));
        return Map.of("registered_model", shape(m));
    }

    @GET
    @Path("/get")
    @Operation(summary = "MLflow: a registered model with its newest version and aliases")
    public Map<String, Object> get(@QueryParam("name") String name) {
        return Map.of("registered_model", shape(registry.model(MlflowParams.required("name", name))));
    }

    @GET
    @Path("/search")
    @Operation(summary = "MLflow: search registered models (filter on name, tags; order by name)")
    public Map<String, Object> search(@QueryParam("filter") String filter, @QueryParam("max_results") String max,
            @QueryParam("order_by") List<String> orderBy, @QueryParam("page_token") String pageToken) {
        int limit = MlflowParams.maxResults(max, SEARCH_DEFAULT, SEARCH_MAX);
        if (!MlflowParams.ascending(orderBy, "name", true)) {
            throw new BadParameterException("order_by", "registered models are listed by name ASC only");
        }
        long offset = MlflowParams.offset(pageToken);
        Slice<ModelView> slice = registry.searchModelsFrom(MlflowParams.query(filter, MlflowFilter.Target.MODELS),
                offset, limit);
        return MlflowParams.searchAnswer("registered_models", slice, offset, this::shape);
    }

    @PATCH
    @Path("/update")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: change a registered model's description")
    public Map<String, Object> update(UpdateBody body, @HeaderParam(MlflowParams.USER) String user) {
        UpdateBody b = body == null ? new UpdateBody(null, null) : body;
        ModelView m = registry.updateModel(MlflowParams.required("name", b.name()), b.description(), null,
                MlflowParams.actor(user));
        return Map.of("registered_model", shape(m));
    }

    @POST
    @Path("/rename")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: rename a registered model (versions, aliases and history follow)")
    public Map<String, Object> rename(RenameBody body, @HeaderParam(MlflowParams.USER) String user) {
        RenameBody b = body == null ? new RenameBody(null, null) : body;
        ModelView m = registry.renameModel(MlflowParams.required("name", b.name()),
                MlflowParams.required("new_name", b.newName()), MlflowParams.actor(user));
        return Map.of("registered_model", shape(m));
    }

    @DELETE
    @Path("/delete")
    @Operation(summary = "MLflow: delete a registered model (its aliases are removed; history stays)")
    public Map<String, Object> delete(String body, @Context UriInfo uri, @HeaderParam(MlflowParams.USER) String user)
            throws JsonProcessingException {
        DeleteParams p = new DeleteParams(json, body, uri);
        registry.deleteModel(MlflowParams.required("name", p.get("name")), MlflowParams.actor(user));
        return Map.of();
    }

    @POST
    @Path("/get-latest-versions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: the newest version (stage None); other stages hold nothing")
    public Map<String, Object> latestVersions(LatestBody body) {
        LatestBody b = body == null ? new LatestBody(null, null) : body;
        return latest(b.name(), b.stages());
    }

    @GET
    @Path("/get-latest-versions")
    @Operation(summary = "MLflow: the newest version (stage None), parameters in the query string")
    public Map<String, Object> latestVersionsGet(@QueryParam("name") String name,
            @QueryParam("stages") List<String> stages) {
        return latest(name, stages);
    }

    @POST
    @Path("/set-tag")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: set a tag of a registered model")
    public Map<String, Object> setTag(SetTagBody body, @HeaderParam(MlflowParams.USER) String user) {
        SetTagBody b = body == null ? new SetTagBody(null, null, null) : body;
        registry.setModelTag(MlflowParams.required("name", b.name()), MlflowParams.required("key", b.key()),
                MlflowParams.required("value", b.value()), MlflowParams.actor(user));
        return Map.of();
    }

    @DELETE
    @Path("/delete-tag")
    @Operation(summary = "MLflow: remove a tag of a registered model")
    public Map<String, Object> deleteTag(String body, @Context UriInfo uri,
            @HeaderParam(MlflowParams.USER) String user) throws JsonProcessingException {
        DeleteParams p = new DeleteParams(json, body, uri);
        registry.deleteModelTag(MlflowParams.required("name", p.get("name")), MlflowParams.required("key",
                p.get("key")), MlflowParams.actor(user));
        return Map.of();
    }

    @POST
    @Path("/alias")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "MLflow: point an alias at a version (a Capstan alias move with cause mlflow)")
    public Map<String, Object> setAlias(AliasBody body, @HeaderParam(MlflowParams.USER) String user) {
        AliasBody b = body == null ? new AliasBody(null, null, null) : body;
        registry.moveAlias(MlflowParams.required("name", b.name()), MlflowParams.required("alias", b.alias()),
                MlflowParams.version(b.version()), null, MlflowParams.actor(user), null, "mlflow");
        return Map.of();
    }

    @DELETE
    @Path("/alias")
    @Operation(summary = "MLflow: remove an alias (recorded in its history)")
    public Map<String, Object> deleteAlias(String body, @Context UriInfo uri,
            @HeaderParam(MlflowParams.USER) String user) throws JsonProcessingException {
        DeleteParams p = new DeleteParams(json, body, uri);
        registry.removeAlias(MlflowParams.required("name", p.get("name")), MlflowParams.required("alias",
                p.get("alias")), null, MlflowParams.actor(user), "removed through the MLflow API");
        return Map.of();
    }

    @GET
    @Path("/alias")
    @Operation(summary = "MLflow: the version an alias serves")
    public Map<String, Object> getByAlias(@QueryParam("name") String name, @QueryParam("alias") String alias) {
        String model = MlflowParams.required("name", name);
        int version = registry.alias(model, MlflowParams.required("alias", alias)).version();
        return Map.of("model_version", MlflowShapes.version(registry.version(model, version)));
    }

    private Map<String, Object> latest(String name, List<String> stages) {
        MlflowParams.required("name", name);
        boolean none = MlflowParams.includesNone(stages);
        VersionView newest = newest(registry.model(name));
        return Map.of("model_versions", none && newest != null ? List.of(MlflowShapes.version(newest)) : List.of());
    }

    private RegisteredModel shape(ModelView m) {
        return MlflowShapes.model(m, newest(m));
    }

    private VersionView newest(ModelView m) {
        if (m.latestVersion() == null) {
            return null;
        }
        try {
            return registry.version(m.name(), m.latestVersion());
        } catch (RegistryException.NotFound deletedSinceRead) {
            return null;
        }
    }
}

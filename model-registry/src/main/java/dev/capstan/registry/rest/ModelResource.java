package dev.capstan.registry.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.capstan.events.EventCodec;
import dev.capstan.registry.domain.RegistryRules;
import dev.capstan.registry.domain.VersionStatus;
import dev.capstan.registry.service.ModelQuery;
import dev.capstan.registry.service.RegistryException;
import dev.capstan.registry.service.RegistryService;
import dev.capstan.registry.service.Views.AliasView;
import dev.capstan.registry.service.Views.AuditView;
import dev.capstan.registry.service.Views.ModelView;
import dev.capstan.registry.service.Views.MoveView;
import dev.capstan.registry.service.Views.Page;
import dev.capstan.registry.service.Views.VersionView;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Capstan's registry API: models, versions, aliases with history and rollback, audit. Who acts is the
 * {@code X-Capstan-User} header ({@code anonymous} without it). Alias responses carry an {@code ETag}; a move,
 * rollback or removal with {@code If-Match} succeeds only if nobody moved the alias since (412 otherwise).
 */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ModelResource {

    static final String USER = "X-Capstan-User";
    private static final int DEFAULT_PAGE_SIZE = 50;

    private final RegistryService registry;

    ModelResource(RegistryService registry) {
        this.registry = registry;
    }

    /** Body of a model creation. */
    public record CreateModel(String name, String description, String queue, Map<String, String> tags) {
    }

    /** Body of a model change; absent fields stay as they are. */
    public record UpdateModel(String description, Map<String, String> tags) {
    }

    /** The training workload that produced a version. */
    public record SourceBody(String workloadId, Integer attempt) {
    }

    /** Body of a version registration. */
    public record CreateVersion(String artifactUri, String sha256, String format, Map<String, String> params,
            Map<String, Double> metrics, Map<String, String> tags, String description, SourceBody source,
            String runId, VersionStatus status) {
    }

    /** Body of a version change. */
    public record UpdateVersion(String description, VersionStatus status) {
    }

    /** Body of an alias move. */
    public record MoveAlias(Integer version, String reason) {
    }

    /** Body of a rollback (optional). */
    public record RollbackBody(String reason) {
    }

    /** Where an alias pointed at an instant: {@code version} null when it pointed at nothing. */
    public record AliasAt(String model, String alias, Instant at, Integer version, MoveView since) {
    }

    @POST
    @Operation(summary = "Create a registered model")
    public Response create(CreateModel body, @HeaderParam(USER) String user) {
        if (body == null) {
            throw new RegistryException.Invalid("body", "is required");
        }
        ModelView m = registry.createModel(new RegistryRules.NewModel(body.name(), body.description(), body.queue(),
                body.tags()), actor(user));
        return Response.created(URI.create("/api/v1/models/" + m.name())).entity(m).build();
    }

    @GET
    @Operation(summary = "List models: q is a substring of the name, tag=key:value (repeatable) filters by tags")
    public Page<ModelView> list(@QueryParam("q") String q, @QueryParam("queue") String queue,
            @QueryParam("tag") List<String> tags, @QueryParam("page") String page, @QueryParam("size") String size) {
        Map<String, String> wanted = new HashMap<>();
        for (String t : tags == null ? List.<String>of() : tags) {
            int colon = t.indexOf(':');
            if (colon < 1) {
                throw new BadParameterException("tag", "must be key:value, not '" + Params.printable(t) + "'");
            }
            wanted.put(t.substring(0, colon), t.substring(colon + 1));
        }
        String pattern = q == null || q.isEmpty() ? null
                : "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return registry.searchModels(new ModelQuery(null, pattern, true, queue, wanted, null, null, null),
                page(page), size(size));
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "A model with its aliases and newest version")
    public ModelView get(@PathParam("name") String name) {
        return registry.model(name);
    }

    @PATCH
    @Path("/{name}")
    @Operation(summary = "Change a model's description or tags")
    public ModelView update(@PathParam("name") String name, UpdateModel body, @HeaderParam(USER) String user) {
        if (body == null) {
            throw new RegistryException.Invalid("body", "is required");
        }
        return registry.updateModel(name, body.description(), body.tags(), actor(user));
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Delete a model (its aliases are removed; history and audit stay)")
    public Response delete(@PathParam("name") String name, @HeaderParam(USER) String user) {
        registry.deleteModel(name, actor(user));
        return Response.noContent().build();
    }

    @POST
    @Path("/{name}/versions")
    @Operation(summary = "Register the next version of a model")
    public Response register(@PathParam("name") String name, CreateVersion body, @HeaderParam(USER) String user) {
        if (body == null) {
            throw new RegistryException.Invalid("body", "is required");
        }
        SourceBody source = body.source();
        VersionView v = registry.registerVersion(name, new RegistryRules.NewVersion(body.artifactUri(), body.sha256(),
                body.format(), body.params(), body.metrics(), body.tags(), body.description(),
                source == null ? null : source.workloadId(), source == null ? null : source.attempt(), body.runId(),
                body.status(), null), actor(user), false, null);
        return Response.created(URI.create("/api/v1/models/" + v.model() + "/versions/" + v.version())).entity(v)
                .build();
    }

    @GET
    @Path("/{name}/versions")
    @Operation(summary = "The versions of a model, newest first")
    public Page<VersionView> versions(@PathParam("name") String name, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return registry.versions(name, page(page), size(size));
    }

    @GET
    @Path("/{name}/versions/{version}")
    @Operation(summary = "One version, with its lineage")
    public VersionView version(@PathParam("name") String name, @PathParam("version") String version) {
        return registry.version(name, Params.version("version", version));
    }

    @PATCH
    @Path("/{name}/versions/{version}")
    @Operation(summary = "Change a version's description or status (READY, FAILED)")
    public VersionView updateVersion(@PathParam("name") String name, @PathParam("version") String version,
            UpdateVersion body, @HeaderParam(USER) String user) {
        if (body == null) {
            throw new RegistryException.Invalid("body", "is required");
        }
        return registry.updateVersion(name, Params.version("version", version), body.description(), body.status(),
                actor(user));
    }

    @DELETE
    @Path("/{name}/versions/{version}")
    @Operation(summary = "Delete a version no alias points at")
    public Response deleteVersion(@PathParam("name") String name, @PathParam("version") String version,
            @HeaderParam(USER) String user) {
        registry.deleteVersion(name, Params.version("version", version), actor(user));
        return Response.noContent().build();
    }

    @GET
    @Path("/{name}/aliases")
    @Operation(summary = "Where each alias of a model points now")
    public List<AliasView> aliases(@PathParam("name") String name) {
        return registry.aliases(name);
    }

    @GET
    @Path("/{name}/aliases/{alias}")
    @Operation(summary = "Where an alias points now (with its ETag), or with ?at=INSTANT where it pointed then")
    public Response alias(@PathParam("name") String name, @PathParam("alias") String alias,
            @QueryParam("at") String at) {
        if (at != null) {
            Instant instant = Params.instant("at", at);
            MoveView since = registry.aliasAt(name, alias, instant).orElse(null);
            return Response.ok(new AliasAt(name, alias, instant, since == null ? null : since.toVersion(), since))
                    .build();
        }
        AliasView a = registry.alias(name, alias);
        return Response.ok(a).header(HttpHeaders.ETAG, a.etag()).build();
    }

    @PUT
    @Path("/{name}/aliases/{alias}")
    @Operation(summary = "Point an alias at a version (promotion); If-Match makes it conditional")
    public Response move(@PathParam("name") String name, @PathParam("alias") String alias, MoveAlias body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, @HeaderParam(USER) String user) {
        if (body == null || body.version() == null) {
            throw new RegistryException.Invalid("version", "is required");
        }
        AliasView a = registry.moveAlias(name, alias, body.version(), ifMatch, actor(user), body.reason(), "rest");
        return Response.ok(a).header(HttpHeaders.ETAG, a.etag()).build();
    }

    @DELETE
    @Path("/{name}/aliases/{alias}")
    @Operation(summary = "Remove an alias; If-Match makes it conditional")
    public Response removeAlias(@PathParam("name") String name, @PathParam("alias") String alias,
            @QueryParam("reason") String reason, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @HeaderParam(USER) String user) {
        registry.removeAlias(name, alias, ifMatch, actor(user), reason);
        return Response.noContent().build();
    }

    @POST
    @Path("/{name}/aliases/{alias}/rollback")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Move an alias back to the version it served before (or ?to=N); body {reason} optional")
    public Response rollback(@PathParam("name") String name, @PathParam("alias") String alias,
            @QueryParam("to") String to, @QueryParam("reason") String reasonParam, String body,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, @HeaderParam(USER) String user)
            throws JsonProcessingException {
        // One call with no body at all is the common case (curl -X POST …/rollback), so any content type is taken.
        RollbackBody parsed = body == null || body.isBlank() ? null
                : EventCodec.mapper().readValue(body, RollbackBody.class);
        Integer target = to == null ? null : Params.version("to", to);
        String reason = parsed != null && parsed.reason() != null ? parsed.reason() : reasonParam;
        AliasView a = registry.rollback(name, alias, target, ifMatch, actor(user), reason);
        return Response.ok(a).header(HttpHeaders.ETAG, a.etag()).build();
    }

    @GET
    @Path("/{name}/aliases/{alias}/history")
    @Operation(summary = "Every move of an alias, newest first")
    public Page<MoveView> history(@PathParam("name") String name, @PathParam("alias") String alias,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        return registry.history(name, alias, page(page), size(size));
    }

    @GET
    @Path("/{name}/audit")
    @Operation(summary = "Every change to a model, its versions and aliases, newest first")
    public Page<AuditView> audit(@PathParam("name") String name, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        return registry.audit(name, page(page), size(size));
    }

    static String actor(String user) {
        return Params.actor(USER, user, "anonymous");
    }

    private static int page(String page) {
        return Params.integer("page", page, 0, 0, Integer.MAX_VALUE);
    }

    private static int size(String size) {
        return Params.integer("size", size, DEFAULT_PAGE_SIZE, 1, RegistryService.MAX_PAGE);
    }
}

package dev.capstan.console.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.console.config.ConsoleConfig;
import dev.capstan.console.domain.GpuMap;
import dev.capstan.console.domain.ModelsView;
import dev.capstan.console.domain.ReadModel;
import dev.capstan.console.domain.ServingView;
import dev.capstan.console.domain.TuningView;
import dev.capstan.console.domain.WorkloadsView;
import dev.capstan.console.service.ModelActions;
import dev.capstan.rest.Problems;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * What the console's pages read: one JSON document per page, a live stream that says which pages changed, and the
 * two actions an operator takes from the models page. Reads come from the read model; nothing here decides.
 */
@Path("/api/console")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleResource {

    /** The most workloads one search returns. */
    static final int MAX_LIMIT = 1_000;

    private final ReadModel model;
    private final ModelActions actions;
    private final ConsoleConfig config;
    private final Clock clock;

    ConsoleResource(ReadModel model, ModelActions actions, ConsoleConfig config, Clock clock) {
        this.model = model;
        this.actions = actions;
        this.config = config;
        this.clock = clock;
    }

    @GET
    @Path("status")
    @Operation(summary = "Events folded in, the change counter, workloads by status")
    public ReadModel.Status status() {
        return model.status();
    }

    @GET
    @Path("gpus")
    @Operation(summary = "The GPU map: nodes by rack and GPU model, each GPU's holders, fragmentation, stranded GPUs")
    public GpuMap gpus() {
        return model.gpuMap(clock.instant());
    }

    @GET
    @Path("queues")
    @Operation(summary = "Queues: GPUs in use, running, pending with reasons, admission rate and waits")
    public List<WorkloadsView.QueueView> queues() {
        return model.queues(clock.instant());
    }

    @GET
    @Path("workloads")
    @Operation(summary = "Workloads, newest first, filtered by text (id, name, queue, reason), status, queue, kind")
    public List<WorkloadsView.WorkloadSummary> workloads(@QueryParam("q") String text,
            @QueryParam("status") String status, @QueryParam("queue") String queue, @QueryParam("kind") String kind,
            @QueryParam("limit") Integer limit) {
        int n = limit == null ? 200 : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw new jakarta.ws.rs.WebApplicationException(Problems.response(400, "Bad request",
                    "limit must be between 1 and " + MAX_LIMIT, List.of(Map.of("field", "limit", "message",
                            "must be between 1 and " + MAX_LIMIT))).build());
        }
        return model.workloads(text, status, queue, kind, n);
    }

    @GET
    @Path("workloads/{id}")
    @Operation(summary = "A workload: status, pods and where they run, history")
    public WorkloadsView.WorkloadDetail workload(@PathParam("id") String id) {
        return found(model.workload(id), "workload " + id);
    }

    @GET
    @Path("services")
    public List<ServingView.ServiceSummary> services() {
        return model.services();
    }

    @GET
    @Path("services/{name}")
    @Operation(summary = "An inference service: plan, revisions, rollout steps and verdicts, decisions, request rate")
    public ServingView.ServiceDetail service(@PathParam("name") String name) {
        return found(model.service(name), "inference service " + name);
    }

    @GET
    @Path("models")
    public List<ModelsView.ModelSummary> models() {
        return model.models();
    }

    @GET
    @Path("models/{name}")
    @Operation(summary = "A model: versions, aliases, every alias move newest first")
    public ModelsView.ModelDetail model(@PathParam("name") String name) {
        return found(model.model(name), "model " + name);
    }

    @GET
    @Path("experiments")
    public List<TuningView.ExperimentSummary> experiments() {
        return model.experiments();
    }

    @GET
    @Path("experiments/{name}")
    @Operation(summary = "An experiment: its trials, their curves, which stopped and why")
    public TuningView.ExperimentDetail experiment(@PathParam("name") String name) {
        return found(model.experiment(name), "experiment " + name);
    }

    /** Which sections changed, pushed as they change: {@code {"version":N,"sections":["GPUS",…]}}. */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: the sections that changed, at most every capstan.console.push-every")
    public Multi<Change> stream() {
        long[] seen = {-1};
        return Multi.createFrom().ticks().every(config.pushEvery())
                .map(t -> model.version())
                .filter(v -> v != seen[0]) // the first tick always goes out: seen starts below any version
                .map(v -> {
                    long since = seen[0];
                    seen[0] = v;
                    return new Change(v, since < 0 ? List.of(ReadModel.Section.values())
                            : List.copyOf(model.changedSince(since)));
                });
    }

    /** One push of the live stream. */
    public record Change(long version, List<ReadModel.Section> sections) {
    }

    /** What the models page sends to move an alias: what the operator saw, and why. */
    public record AliasAction(Integer version, Integer expectedVersion, String reason) {
    }

    @POST
    @Path("models/{name}/aliases/{alias}/rollback")
    @Operation(summary = "Roll an alias back (to the version before, or ?to=N) if it still points at expectedVersion")
    public Response rollback(@PathParam("name") String name, @PathParam("alias") String alias,
            @QueryParam("to") Integer to, AliasAction body, @HeaderParam("X-Capstan-User") String user) {
        AliasAction a = body == null ? new AliasAction(null, null, null) : body;
        requireReason(a);
        return actions.rollback(name, alias, to, a.reason(), a.expectedVersion(), actor(user));
    }

    @PUT
    @Path("models/{name}/aliases/{alias}")
    @Operation(summary = "Promote: point an alias at a version if it still points at expectedVersion")
    public Response promote(@PathParam("name") String name, @PathParam("alias") String alias, AliasAction body,
            @HeaderParam("X-Capstan-User") String user) {
        if (body == null || body.version() == null) {
            throw new jakarta.ws.rs.WebApplicationException(Problems.response(400, "Bad request",
                    "the version to promote is missing", List.of(Map.of("field", "version", "message",
                            "required"))).build());
        }
        requireReason(body);
        return actions.promote(name, alias, body.version(), body.reason(), body.expectedVersion(), actor(user));
    }

    /** An alias move from the console says why: the registry's history is what the next operator reads. */
    private static void requireReason(AliasAction a) {
        if (a.reason() == null || a.reason().isBlank()) {
            throw new jakarta.ws.rs.WebApplicationException(Problems.response(400, "Bad request",
                    "say why the alias moves: the alias history shows it", List.of(Map.of("field", "reason",
                            "message", "required"))).build());
        }
    }

    private String actor(String user) {
        return user == null || user.isBlank() ? config.actor() : user.trim();
    }

    private static <T> T found(T value, String what) {
        if (value == null) {
            throw new NotFoundException(what + " is not known to the console");
        }
        return value;
    }
}

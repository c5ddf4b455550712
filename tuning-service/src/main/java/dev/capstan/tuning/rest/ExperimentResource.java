package dev.capstan.tuning.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.events.TuningExperimentSpec;
import dev.capstan.events.spec.DocumentKind;
import dev.capstan.events.spec.SpecDocuments;
import dev.capstan.tuning.domain.FieldProblem;
import dev.capstan.tuning.service.ExperimentView;
import dev.capstan.tuning.service.Experiments;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Tuning experiments over REST: create, read, list, stop; and trial metrics for trainers that post them. */
@Path("/api/v1/experiments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ExperimentResource {

    /** A template's env variable: a list entry in the document, so its name goes in the message. */
    private static final String ENV = "trialTemplate.env.";

    private final Experiments experiments;
    private final ObjectMapper mapper;

    ExperimentResource(Experiments experiments, ObjectMapper mapper) {
        this.experiments = experiments;
        this.mapper = mapper;
    }

    @POST
    @Operation(summary = "Create an experiment: 201, or 422 naming each field at fault, or 409 when the name is taken",
            description = "The flat format, or a Kubernetes-style document (apiVersion capstan.dev/v1, kind "
                    + "Experiment; 400 naming the JSON pointer of what cannot be read, and 422 naming each field at "
                    + "fault by its pointer in the document)")
    public Response create(JsonNode body) throws JsonProcessingException {
        ExperimentView v;
        if (SpecDocuments.isDocument(body)) {
            var request = (TuningExperimentSpec) SpecDocuments.read(body, DocumentKind.EXPERIMENT).spec();
            try {
                v = experiments.create(request);
            } catch (Experiments.Invalid e) {
                // what the user wrote is the document: name each field by its pointer there
                throw new Experiments.Invalid(e.problems.stream().map(p -> new FieldProblem(
                        SpecDocuments.pointer(DocumentKind.EXPERIMENT, p.field()), p.field().startsWith(ENV)
                                ? p.field().substring(ENV.length()) + ": " + p.message() : p.message())).toList());
            }
        } else {
            v = experiments.create(body == null || body.isNull() ? null
                    : mapper.treeToValue(body, TuningExperimentSpec.class));
        }
        return Response.created(URI.create("/api/v1/experiments/" + v.name())).entity(v).build();
    }

    @GET
    @Operation(summary = "Every experiment, newest first, without its trials")
    public List<ExperimentView> list() {
        return experiments.list();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "An experiment with its trials and best trial")
    public ExperimentView get(@PathParam("name") String name) {
        return experiments.find(name).orElseThrow(() -> new Experiments.NotFound("no experiment " + name));
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Stop an experiment: no new trials, running ones cancelled (it stays readable)")
    public ExperimentView stop(@PathParam("name") String name, @QueryParam("reason") String reason) {
        return experiments.stop(name, reason);
    }

    /**
     * A metric point of a trial.
     *
     * @param metric the metric's name (only the objective's counts)
     * @param step   the training step
     * @param value  its value ("NaN" in JSON text fails the trial)
     * @param at     when it was measured (default: now)
     */
    public record ReportBody(String metric, Long step, Double value, Instant at) {
    }

    @POST
    @Path("{name}/trials/{number}/reports")
    @Operation(summary = "Report a trial's metric (the MLflow tracking API and capstan.trial-metrics do the same)")
    public Response report(@PathParam("name") String name, @PathParam("number") int number, ReportBody body) {
        if (body == null || body.metric() == null || body.step() == null || body.value() == null) {
            throw new Experiments.Invalid(List.of(new dev.capstan.tuning.domain.FieldProblem(
                    body == null ? "body" : body.metric() == null ? "metric" : body.step() == null ? "step" : "value",
                    "is required")));
        }
        Experiments.Outcome o = experiments.report(dev.capstan.tuning.service.TrialJobs.trialId(name, number),
                body.metric(), body.step(), body.value(), body.at() == null ? Instant.now() : body.at());
        return Response.accepted(java.util.Map.of("outcome", o.name().toLowerCase(java.util.Locale.ROOT))).build();
    }
}

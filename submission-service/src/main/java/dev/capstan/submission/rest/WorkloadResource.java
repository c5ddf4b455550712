package dev.capstan.submission.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.spec.DocumentKind;
import dev.capstan.events.spec.SpecDocuments;
import dev.capstan.submission.service.InvalidWorkloadException;
import dev.capstan.submission.domain.WorkloadStatus;
import dev.capstan.submission.service.WorkloadNotFoundException;
import dev.capstan.submission.service.WorkloadService;
import dev.capstan.submission.service.WorkloadView;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Training jobs over REST: submit (flat or as a Kubernetes-style document), read, list, cancel. */
@Path("/api/v1/workloads")
@Produces(MediaType.APPLICATION_JSON)
public class WorkloadResource {

    private final WorkloadService workloads;
    private final ObjectMapper mapper;

    WorkloadResource(WorkloadService workloads, ObjectMapper mapper) {
        this.workloads = workloads;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a training job",
            description = "The flat format, or a Kubernetes-style document (apiVersion capstan.dev/v1, kind "
                    + "TrainingJob). 201 with the new workload; 200 with the earlier one when the Idempotency-Key was "
                    + "seen; 400 naming the JSON pointer of a document's problem; 422 naming every invalid field")
    public Response submit(JsonNode body, @HeaderParam("Idempotency-Key") String idempotencyKey,
            @jakarta.ws.rs.core.Context UriInfo uri) throws JsonProcessingException {
        TrainingJobSpec spec = SpecBodies.read(mapper, body, DocumentKind.TRAINING_JOB, TrainingJobSpec.class);
        String key = blankToNull(idempotencyKey);
        var result = SpecDocuments.isDocument(body)
                ? InvalidWorkloadException.inTermsOf(DocumentKind.TRAINING_JOB, () -> workloads.submit(spec, key,
                        "rest"))
                : workloads.submit(spec, key, "rest");
        if (!result.created()) {
            return Response.ok(result.workload()).build();
        }
        return Response.created(uri.getAbsolutePathBuilder().path(result.workload().id()).build())
                .entity(result.workload()).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A workload with status, reason, placement and history of transitions")
    public WorkloadView get(@PathParam("id") String id) {
        return workloads.find(id).orElseThrow(() -> new WorkloadNotFoundException(id));
    }

    @GET
    @Operation(summary = "Workloads, newest first, filtered by status and queue, one page at a time")
    public WorkloadService.WorkloadPage list(@QueryParam("status") String status, @QueryParam("queue") String queue,
            @QueryParam("page") @DefaultValue("0") String pageParam,
            @QueryParam("size") @DefaultValue("50") String sizeParam) {
        // Read as text: a typed int parameter that does not parse is a bare 404 from JAX-RS, not a 400 naming it.
        int page = intParam("page", pageParam, 0, Integer.MAX_VALUE);
        int size = intParam("size", sizeParam, 1, 500);
        WorkloadStatus s = null;
        if (status != null && !status.isBlank()) {
            try {
                s = WorkloadStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown status '" + status + "'");
            }
        }
        return workloads.list(s, queueParam(queue), page, size);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Cancel a workload that has not finished")
    public WorkloadView cancel(@PathParam("id") String id, @QueryParam("reason") String reason) {
        return workloads.cancel(id, reason);
    }

    /** The queue filter, null when absent. */
    static String queueParam(String queue) {
        if (queue != null && queue.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("queue must not contain control characters");
        }
        return blankToNull(queue);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static int intParam(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(name + " must be a whole number between " + min + " and " + max);
    }
}

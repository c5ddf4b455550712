package dev.capstan.submission.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.events.InferenceServiceSpec;
import dev.capstan.events.spec.DocumentKind;
import dev.capstan.events.spec.SpecDocuments;
import dev.capstan.submission.service.InvalidWorkloadException;
import dev.capstan.submission.service.InferenceServiceView;
import dev.capstan.submission.service.InferenceServices;
import dev.capstan.submission.service.WorkloadNotFoundException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Inference services over REST: create, read, list, change (a merge of the fields sent), delete. */
@Path("/api/v1/inference-services")
@Produces(MediaType.APPLICATION_JSON)
public class InferenceServiceResource {

    private final InferenceServices services;
    private final ObjectMapper mapper;

    InferenceServiceResource(InferenceServices services, ObjectMapper mapper) {
        this.services = services;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an inference service",
            description = "The flat format, or a Kubernetes-style document (apiVersion capstan.dev/v1, kind "
                    + "InferenceService). 201 with the service (defaults filled in, generation 1); 200 with the "
                    + "earlier one when the Idempotency-Key was seen; 409 when the name is taken; 400 naming the JSON "
                    + "pointer of a document's problem; 422 naming every invalid field")
    public Response create(JsonNode body, @HeaderParam("Idempotency-Key") String idempotencyKey,
            @Context UriInfo uri) throws JsonProcessingException {
        InferenceServiceSpec spec = SpecBodies.read(mapper, body, DocumentKind.INFERENCE_SERVICE,
                InferenceServiceSpec.class);
        String key = WorkloadResource.blankToNull(idempotencyKey);
        var result = SpecDocuments.isDocument(body)
                ? InvalidWorkloadException.inTermsOf(DocumentKind.INFERENCE_SERVICE, () -> services.create(spec, key,
                        "rest"))
                : services.create(spec, key, "rest");
        if (!result.created()) {
            return Response.ok(result.service()).build();
        }
        return Response.created(uri.getAbsolutePathBuilder().path(result.service().name()).build())
                .entity(result.service()).build();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "An inference service: its settings and generation")
    public InferenceServiceView get(@PathParam("name") String name) {
        return services.find(name).orElseThrow(() -> WorkloadNotFoundException.inferenceService(name));
    }

    @GET
    @Operation(summary = "Inference services by name, optionally of one queue, one page at a time")
    public InferenceServices.ServicePage list(@QueryParam("queue") String queue,
            @QueryParam("page") @DefaultValue("0") String page, @QueryParam("size") @DefaultValue("50") String size) {
        return services.list(WorkloadResource.queueParam(queue), WorkloadResource.intParam("page", page, 0,
                Integer.MAX_VALUE), WorkloadResource.intParam("size", size, 1, 500));
    }

    @PATCH
    @Path("{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @Operation(summary = "Change an inference service",
            description = "The fields sent replace the service's (a JSON merge); a new model starts a rollout. The "
                    + "generation goes up by one when anything changed.")
    public InferenceServiceView change(@PathParam("name") String name, InferenceServiceSpec change) {
        return services.change(name, change);
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Delete an inference service: its replicas go")
    public Response delete(@PathParam("name") String name, @QueryParam("reason") String reason) {
        services.delete(name, reason);
        return Response.noContent().build();
    }
}

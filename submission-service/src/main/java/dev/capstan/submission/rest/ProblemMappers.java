package dev.capstan.submission.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.capstan.rest.FallbackProblemMappers;
import dev.capstan.rest.JsonProblems;
import dev.capstan.events.spec.InvalidDocumentException;
import dev.capstan.submission.domain.FieldError;
import dev.capstan.submission.service.InvalidWorkloadException;
import dev.capstan.submission.service.ModelCheck;
import dev.capstan.submission.service.WorkloadConflictException;
import dev.capstan.submission.service.WorkloadNotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps errors to {@code application/problem+json}: 422 names the field, 400 unreadable JSON or an unreadable document
 * (each problem at its JSON pointer), 404, 409.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response invalid(InvalidWorkloadException e) {
        return Problem.response(422, "Invalid workload", e.getMessage(), e.errors());
    }

    /** A Kubernetes-style document that cannot be read: each problem at its JSON pointer, as the API server does. */
    @ServerExceptionMapper
    public Response invalidDocument(InvalidDocumentException e) {
        return Problem.response(400, "Invalid document", e.getMessage(), e.problems().stream()
                .map(p -> new FieldError(p.pointer(), p.message())).toList());
    }

    @ServerExceptionMapper
    public Response notFound(WorkloadNotFoundException e) {
        return Problem.response(404, "Not found", e.getMessage(), List.of());
    }

    @ServerExceptionMapper
    public Response conflict(WorkloadConflictException e) {
        return Problem.response(409, "Conflict", e.getMessage(), List.of());
    }

    /** The model registry cannot check a model now: the client tries again later. */
    @ServerExceptionMapper
    public Response registryUnavailable(ModelCheck.RegistryUnavailable e) {
        return Response.fromResponse(Problem.response(503, "Service unavailable", e.getMessage() + "; try again in "
                + FallbackProblemMappers.RETRY_AFTER_SECONDS + " s", List.of()))
                .header("Retry-After", Integer.toString(FallbackProblemMappers.RETRY_AFTER_SECONDS)).build();
    }

    @ServerExceptionMapper
    public Response badParameter(IllegalArgumentException e) {
        return Problem.response(400, "Bad request", e.getMessage(), List.of());
    }

    /** A body that is JSON but does not fit the schema: name the field by its path. */
    @ServerExceptionMapper(priority = 1)
    public Response mapping(JsonMappingException e) {
        String field = JsonProblems.field(e);
        String why = JsonProblems.why(e);
        return Problem.response(422, "Invalid workload", field + ": " + why, List.of(new FieldError(field, why)));
    }

    /**
     * Quarkus's Jackson support maps this subclass ({@code []} or {@code 42} as a body, a string where a number
     * belongs) to a bare 400 of its own; a mapper for the exact class takes precedence over it.
     */
    @ServerExceptionMapper(priority = 1)
    public Response mismatched(MismatchedInputException e) {
        return mapping(e);
    }

    @ServerExceptionMapper(priority = 2)
    public Response unreadable(JsonProcessingException e) {
        return Problem.response(400, "Malformed JSON", JsonProblems.unreadable(e), List.of());
    }

    /** The JSON reader reports bad bodies as a plain 400; give them the same problem shape. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonMappingException m) {
            return mapping(m);
        }
        if (cause instanceof JsonProcessingException p) {
            return unreadable(p);
        }
        return FallbackProblemMappers.refusal(e); // the same problem shape for every other refusal
    }
}

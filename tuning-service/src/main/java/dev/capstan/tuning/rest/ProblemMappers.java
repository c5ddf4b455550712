package dev.capstan.tuning.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.capstan.rest.FallbackProblemMappers;
import dev.capstan.rest.JsonProblems;
import dev.capstan.rest.Problems;
import dev.capstan.events.spec.InvalidDocumentException;
import dev.capstan.tuning.domain.FieldProblem;
import dev.capstan.tuning.service.Experiments;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Refusals as {@code application/problem+json}: 422 with one entry per field, 404, 409, malformed JSON. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response invalid(Experiments.Invalid e) {
        List<Map<String, String>> errors = e.problems.stream()
                .map((FieldProblem p) -> Map.of("field", p.field(), "message", p.message())).toList();
        return Problems.response(422, "Invalid request", e.getMessage(), errors).build();
    }

    /** A Kubernetes-style document that cannot be read: each problem at its JSON pointer. */
    @ServerExceptionMapper
    public Response invalidDocument(InvalidDocumentException e) {
        return Problems.response(400, "Invalid document", e.getMessage(), e.problems().stream()
                .map(p -> Map.of("field", p.pointer(), "message", p.message())).toList()).build();
    }

    @ServerExceptionMapper
    public Response notFound(Experiments.NotFound e) {
        return Problems.response(404, "Not found", e.getMessage(), List.of()).build();
    }

    @ServerExceptionMapper
    public Response exists(Experiments.Exists e) {
        return Problems.response(409, "Conflict", e.getMessage(), List.of()).build();
    }

    /** JSON that does not fit the schema: the field by its path. */
    @ServerExceptionMapper(priority = 1)
    public Response mapping(JsonMappingException e) {
        String where = JsonProblems.field(e);
        String why = JsonProblems.why(e);
        return Problems.response(422, "Invalid request", where + ": " + why,
                List.of(Map.of("field", where, "message", why))).build();
    }

    @ServerExceptionMapper(priority = 1)
    public Response mismatched(MismatchedInputException e) {
        return mapping(e);
    }

    @ServerExceptionMapper(priority = 2)
    public Response unreadable(JsonProcessingException e) {
        return Problems.response(400, "Malformed JSON", JsonProblems.unreadable(e), List.of()).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonMappingException m) {
            return mapping(m);
        }
        if (e.getCause() instanceof JsonProcessingException p) {
            return unreadable(p);
        }
        return FallbackProblemMappers.refusal(e);
    }
}

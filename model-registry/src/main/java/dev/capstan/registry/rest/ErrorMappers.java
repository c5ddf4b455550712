package dev.capstan.registry.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.capstan.registry.domain.FieldError;
import dev.capstan.rest.BodyLimitInterceptor;
import dev.capstan.rest.FallbackProblemMappers;
import dev.capstan.rest.JsonProblems;
import dev.capstan.registry.service.RegistryException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * One place that turns refusals into responses: {@code application/problem+json} on Capstan's own API, MLflow's
 * {@code {"error_code": …, "message": …}} under {@code /api/2.0/mlflow/}, so MLflow clients read our errors as
 * they read MLflow's.
 */
public class ErrorMappers {

    static final String MLFLOW_PREFIX = "api/2.0/mlflow";

    @ServerExceptionMapper
    public Response registry(RegistryException e, UriInfo uri) {
        if (e instanceof RegistryException.Invalid invalid) {
            return mlflow(uri) ? mlflowError(400, "INVALID_PARAMETER_VALUE", e.getMessage())
                    : Problem.response(422, "Invalid request", e.getMessage(), invalid.errors()).build();
        }
        if (e instanceof RegistryException.NotFound) {
            return mlflow(uri) ? mlflowError(404, "RESOURCE_DOES_NOT_EXIST", e.getMessage())
                    : Problem.response(404, "Not found", e.getMessage(), List.of()).build();
        }
        if (e instanceof RegistryException.AlreadyExists) {
            return mlflow(uri) ? mlflowError(400, "RESOURCE_ALREADY_EXISTS", e.getMessage())
                    : Problem.response(409, "Conflict", e.getMessage(), List.of()).build();
        }
        if (e instanceof RegistryException.PreconditionFailed p) {
            Response.ResponseBuilder r = Problem.response(412, "Precondition failed", e.getMessage(), List.of());
            if (p.currentEtag() != null) {
                r.header(HttpHeaders.ETAG, p.currentEtag());
            }
            return mlflow(uri) ? mlflowError(400, "INVALID_STATE", e.getMessage()) : r.build();
        }
        return mlflow(uri) ? mlflowError(400, "INVALID_STATE", e.getMessage())
                : Problem.response(409, "Conflict", e.getMessage(), List.of()).build();
    }

    @ServerExceptionMapper
    public Response badParameter(BadParameterException e, UriInfo uri) {
        return mlflow(uri) ? mlflowError(400, "INVALID_PARAMETER_VALUE", e.getMessage())
                : Problem.response(400, "Bad request", e.getMessage(),
                        List.of(new FieldError(e.parameter(), e.problem()))).build();
    }

    /** A body that is JSON but does not fit the schema: name the field by its path. */
    @ServerExceptionMapper(priority = 1)
    public Response mapping(JsonMappingException e, UriInfo uri) {
        String where = JsonProblems.field(e);
        String why = JsonProblems.why(e);
        return mlflow(uri) ? mlflowError(400, "INVALID_PARAMETER_VALUE", where + ": " + why)
                : Problem.response(422, "Invalid request", where + ": " + why, List.of(new FieldError(where, why)))
                        .build();
    }

    /**
     * Quarkus's Jackson support maps this subclass ({@code []} or {@code 42} as a body, a string where a number
     * belongs) to a bare 400 of its own; a mapper for the exact class takes precedence over it.
     */
    @ServerExceptionMapper(priority = 1)
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return mapping(e, uri);
    }

    @ServerExceptionMapper(priority = 2)
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        String why = JsonProblems.unreadable(e);
        return mlflow(uri) ? mlflowError(400, "MALFORMED_REQUEST", why)
                : Problem.response(400, "Malformed JSON", why, List.of()).build();
    }

    /** JAX-RS's own refusals (unknown path, wrong method, unreadable body) get the same shapes. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonMappingException m) {
            return mapping(m, uri);
        }
        if (cause instanceof JsonProcessingException p) {
            return unreadable(p, uri);
        }
        int status = e.getResponse().getStatus();
        if (mlflow(uri)) {
            return mlflowError(status, status == 404 || status == 405 ? "ENDPOINT_NOT_FOUND"
                    : status < 500 ? "BAD_REQUEST" : "INTERNAL_ERROR", e.getMessage());
        }
        return FallbackProblemMappers.refusal(e);
    }

    /**
     * Everything else (a database outage, a value PostgreSQL refuses, a body over the size limit, a bug): the shared
     * answer of every service ({@link FallbackProblemMappers}), in MLflow's shape under its API.
     */
    @ServerExceptionMapper(priority = Priorities.USER + 500)
    public Response unexpected(Throwable e, UriInfo uri) {
        Response problem = FallbackProblemMappers.failure(e);
        if (!mlflow(uri)) {
            return problem;
        }
        int status = problem.getStatus();
        @SuppressWarnings("unchecked")
        Object detail = problem.getEntity() instanceof Map<?, ?> m ? ((Map<String, Object>) m).get("detail") : null;
        Response error = mlflowError(status, switch (status) {
            case 400, 413 -> "INVALID_PARAMETER_VALUE";
            case 409 -> "RESOURCE_ALREADY_EXISTS";
            case 503 -> "TEMPORARILY_UNAVAILABLE";
            default -> "INTERNAL_ERROR";
        }, detail == null ? "error " + status : detail.toString());
        String retryAfter = problem.getHeaderString(HttpHeaders.RETRY_AFTER);
        return retryAfter == null ? error : Response.fromResponse(error).header(HttpHeaders.RETRY_AFTER, retryAfter)
                .build();
    }

    /** A body over the size limit: a more specific class than {@link #unexpected} catches. */
    @ServerExceptionMapper(priority = Priorities.USER + 500)
    public Response tooLarge(BodyLimitInterceptor.TooLarge e, UriInfo uri) {
        return unexpected(e, uri);
    }

    static boolean mlflow(UriInfo uri) {
        return uri != null && uri.getPath().replaceFirst("^/", "").startsWith(MLFLOW_PREFIX);
    }

    static Response mlflowError(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error_code", code, "message", message == null ? code : message)).build();
    }
}

package dev.capstan.rest;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * What every service answers when its own mappers have nothing more specific (theirs run at the default priority
 * and win): JAX-RS's refusals (unknown path or id, wrong method or media type) as problem+json instead of an empty
 * body; a dependency that is down as 503 with {@code Retry-After}; a value the database refuses as 400; anything
 * else as a 500 that names an error id
 * found in the log, never a stack trace or an HTML page.
 */
public class FallbackProblemMappers {

    /** Lower precedence than a service's own mappers (a larger number is a lower priority). */
    static final int FALLBACK = Priorities.USER + 1000;
    /** Seconds a client should wait before trying again while a dependency is down. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private static final Logger LOG = Logger.getLogger(FallbackProblemMappers.class);

    @ServerExceptionMapper(priority = FALLBACK)
    public Response refused(WebApplicationException e) {
        return refusal(e);
    }

    /** A body over the limit: a more specific class than {@link #unexpected} (IOException) would be mapped first. */
    @ServerExceptionMapper(priority = FALLBACK)
    public Response tooLarge(BodyLimitInterceptor.TooLarge e) {
        return failure(e);
    }

    @ServerExceptionMapper(priority = FALLBACK)
    public Response unexpected(Throwable e) {
        return failure(e);
    }

    /** JAX-RS's refusal as a problem, its headers (such as {@code Allow} on a 405) kept. */
    public static Response refusal(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return failure(e);
        }
        Response.ResponseBuilder r = Problems.response(status, Problems.title(status), e.getMessage(), List.of());
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE) && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                values.forEach(v -> r.header(name, v)); // e.g. Allow on a 405
            }
        });
        return r.build();
    }

    /**
     * Why a body was too large, when {@code e} says it was: our {@link BodyLimitInterceptor}'s detail, or the HTTP
     * layer's own refusal of a body read past {@code quarkus.http.limits.max-body-size}; null otherwise.
     */
    private static String tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyLimitInterceptor.TooLarge) {
                return t.getMessage();
            }
            if (t instanceof java.io.IOException && "Request too large".equals(t.getMessage())) {
                return "the request body is larger than this service accepts";
            }
        }
        return null;
    }

    /** 503 with Retry-After for an outage of a dependency, otherwise a 500 naming the error id in the log. */
    public static Response failure(Throwable e) {
        if (Outages.isOutage(e)) {
            LOG.warnf("answering 503, a dependency is unavailable: %s", e.toString());
            return Problems.response(503, "Service unavailable",
                    "a dependency of this service (its database) cannot be reached; try again in "
                            + RETRY_AFTER_SECONDS + " s", List.of())
                    .header(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS)).build();
        }
        if (Outages.isDataError(e)) {
            LOG.infof("answering 400, the database refused a value of the request: %s", e.toString());
            return Problems.response(400, "Bad request", "a value of the request cannot be stored (for example a NUL "
                    + "character or a number out of range)", List.of()).build();
        }
        if (Outages.isUniqueViolation(e)) {
            LOG.infof("answering 409, a concurrent request created the same thing first: %s", e.toString());
            return Problems.response(409, "Conflict", "it already exists: a concurrent request created it first; "
                    + "read it, or try again", List.of()).build();
        }
        String tooLarge = tooLarge(e);
        if (tooLarge != null) {
            return Problems.tooLarge(tooLarge).build();
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s", id);
        return Problems.response(500, "Internal error",
                "an unexpected error; the service's log has it under error id " + id, List.of()).build();
    }
}

package dev.capstan.registry.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.capstan.registry.domain.FieldError;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** An RFC 9457 problem detail; {@code errors} names each invalid field. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The response carrying a problem. */
    public static Response.ResponseBuilder response(int status, String title, String detail,
            List<FieldError> errors) {
        Problem p = new Problem("https://capstan.dev/problems/" + title.toLowerCase().replace(' ', '-'), title, status,
                detail, errors);
        return Response.status(status).type(MEDIA_TYPE).entity(p);
    }
}

package dev.capstan.submission.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.capstan.submission.domain.FieldError;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** An RFC 9457 problem detail; {@code errors} names each invalid field. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Response response(int status, String title, String detail, List<FieldError> errors) {
        Problem p = new Problem("https://capstan.dev/problems/" + title.toLowerCase().replace(' ', '-'), title, status,
                detail, null, errors);
        return Response.status(status).type(MEDIA_TYPE).entity(p).build();
    }
}

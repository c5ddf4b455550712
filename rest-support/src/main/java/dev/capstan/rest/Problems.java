package dev.capstan.rest;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 9457 problem details as every Capstan service writes them: {@code type}, {@code title}, {@code status},
 * {@code detail}, and {@code errors} (one entry per field or parameter at fault) when there are any.
 */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://capstan.dev/problems/";
    /** The title of a 413. */
    public static final String TOO_LARGE = "Payload too large";

    private Problems() {
    }

    /** A problem response; {@code errors} are objects with {@code field} and {@code message} (may be empty). */
    public static Response.ResponseBuilder response(int status, String title, String detail, List<?> errors) {
        return Response.status(status).type(MEDIA_TYPE).entity(body(status, title, detail, errors));
    }

    /** A problem's body, for writers outside JAX-RS (a Vert.x route); see {@link #response}. */
    public static Map<String, Object> body(int status, String title, String detail, List<?> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + title.toLowerCase(Locale.ROOT).replace(' ', '-'));
        body.put("title", title);
        body.put("status", status);
        if (detail != null && !detail.isBlank()) {
            body.put("detail", detail);
        }
        if (errors != null && !errors.isEmpty()) {
            body.put("errors", errors);
        }
        return body;
    }

    /** The 413 of a request body over the limit. */
    public static Response.ResponseBuilder tooLarge(String detail) {
        return response(413, TOO_LARGE, detail, List.of());
    }

    /** The standard title of an HTTP status, for refusals that have no more specific one. */
    public static String title(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return status == 400 ? "Bad request" : known != null ? known.getReasonPhrase() : "HTTP " + status;
    }
}

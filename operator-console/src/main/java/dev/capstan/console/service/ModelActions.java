package dev.capstan.console.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.rest.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Promote and rollback from the models page. The operator confirms a move from what the page showed, so the
 * console moves the alias only if it still points where the page said ({@code expectedVersion}), and then only if
 * nobody moved it in between (the registry's If-Match on the ETag it just read). The registry decides; its answer,
 * refusals included, goes back to the page as it came.
 */
@ApplicationScoped
public class ModelActions {

    private final RegistryApi registry;

    ModelActions(@RestClient RegistryApi registry) {
        this.registry = registry;
    }

    /** Rolls {@code name@alias} back (to the version before, or {@code to}), if it is still at {@code expected}. */
    public Response rollback(String name, String alias, Integer to, String reason, Integer expected, String actor) {
        return guarded(name, alias, expected, etag -> registry.rollback(name, alias, to, reason(reason), etag, actor));
    }

    /** Points {@code name@alias} at {@code version}, if it is still at {@code expected} (null: it must be unset). */
    public Response promote(String name, String alias, int version, String reason, Integer expected, String actor) {
        ObjectNode body = reason(reason).put("version", version);
        return guarded(name, alias, expected, etag -> registry.move(name, alias, body, etag, actor));
    }

    private static ObjectNode reason(String reason) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (reason != null && !reason.isBlank()) {
            body.put("reason", reason.trim());
        }
        return body;
    }

    private Response guarded(String name, String alias, Integer expected, java.util.function.Function<String,
            Response> move) {
        try {
            Response current = registry.alias(name, alias);
            Integer now = null;
            String etag = null;
            if (current.getStatus() == 200) {
                JsonNode body = current.readEntity(JsonNode.class);
                now = body.path("version").isInt() ? body.path("version").asInt() : null;
                etag = current.getHeaderString("ETag");
            } else if (current.getStatus() != 404) {
                return passOn(current);
            } else {
                current.close();
            }
            if (!java.util.Objects.equals(now, expected)) {
                return Problems.response(409, "Alias moved", name + "@" + alias + " points at "
                        + (now == null ? "nothing" : "version " + now) + " now, not "
                        + (expected == null ? "nothing" : "version " + expected)
                        + " as the page showed; look again before moving it", List.of()).build();
            }
            return passOn(move.apply(etag));
        } catch (ProcessingException e) {
            return Problems.response(503, "Registry unreachable", "model-registry did not answer: " + e.getMessage(),
                    List.of()).header("Retry-After", "5").build();
        }
    }

    /** The registry's answer as it came: status, content type and body. */
    private static Response passOn(Response r) {
        String body = r.hasEntity() ? r.readEntity(String.class) : null;
        Response.ResponseBuilder b = Response.status(r.getStatus());
        if (r.getMediaType() != null) {
            b.type(r.getMediaType());
        }
        return b.entity(body).build();
    }
}

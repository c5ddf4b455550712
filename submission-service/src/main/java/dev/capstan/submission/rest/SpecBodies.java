package dev.capstan.submission.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.events.spec.DocumentKind;
import dev.capstan.events.spec.SpecDocuments;

/**
 * A POST body in either format: a Kubernetes-style document (it has {@code apiVersion} or {@code kind}) of the kind
 * the endpoint takes, or the flat format, read as before.
 */
final class SpecBodies {

    private SpecBodies() {
    }

    /** The spec a body asks for, null for no body (for the use case to refuse). */
    static <T> T read(ObjectMapper mapper, JsonNode body, DocumentKind kind, Class<T> flat)
            throws JsonProcessingException {
        if (SpecDocuments.isDocument(body)) {
            return flat.cast(SpecDocuments.read(body, kind).spec());
        }
        return body == null || body.isNull() ? null : mapper.treeToValue(body, flat);
    }
}

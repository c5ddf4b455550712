package dev.capstan.submission.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.events.EventCodec;

/**
 * A CloudEvent in structured mode: the record value is the JSON envelope ({@code specversion}, {@code id},
 * {@code type}, {@code source}, {@code data} …). Its failures say what a producer must change.
 *
 * @param data the event data as JSON text
 */
record StructuredEvent(String id, String type, String data) {

    static StructuredEvent read(String value) {
        JsonNode envelope;
        try {
            envelope = EventCodec.mapper().readTree(value == null ? "" : value);
        } catch (JsonProcessingException e) {
            throw new EventCodec.MalformedEventException("a structured-mode CloudEvent must be a JSON object: "
                    + e.getOriginalMessage());
        }
        if (envelope == null || !envelope.isObject()) {
            throw new EventCodec.MalformedEventException("a structured-mode CloudEvent must be a JSON object");
        }
        String type = text(envelope, "type");
        if (type == null) {
            throw new EventCodec.MalformedEventException("the CloudEvent has no 'type' attribute");
        }
        JsonNode data = envelope.get("data");
        if (data == null || data.isNull()) {
            throw new EventCodec.MalformedEventException(envelope.has("data_base64")
                    ? "'data_base64' is not accepted: send the request as JSON in 'data'"
                    : "the CloudEvent has no 'data': it must hold the request as JSON");
        }
        // A producer may put the JSON in 'data' as an object or as a JSON string.
        return new StructuredEvent(text(envelope, "id"), type, data.isTextual() ? data.asText() : data.toString());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText();
    }
}

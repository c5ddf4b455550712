package dev.capstan.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * JSON (de)serialisation of events. Unknown fields are ignored when reading, so a producer may add
 * fields (contracts evolve additively) without breaking older consumers.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private EventCodec() {
    }

    /** The shared mapper, configured for the contracts (ISO-8601 instants, lenient on unknown fields). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The JSON data of an event. */
    public static String toJson(CapstanEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + event.type(), e);
        }
    }

    /**
     * Reads the JSON data of an event of the given CloudEvents type.
     *
     * @throws MalformedEventException when the type is unknown or the JSON does not fit it
     */
    public static CapstanEvent fromJson(String type, String json) {
        Class<? extends CapstanEvent> recordClass = EventTypes.classOf(type)
                .orElseThrow(() -> new MalformedEventException("unknown event type '" + type + "'"));
        return fromJson(recordClass, json);
    }

    /** Reads JSON as the given event record class. */
    public static <T> T fromJson(Class<T> recordClass, String json) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("empty payload for " + recordClass.getSimpleName());
        }
        try {
            return MAPPER.readValue(json, recordClass);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("cannot read " + recordClass.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** A record that cannot be read as the event it claims to be; it belongs on a dead-letter topic. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }

        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

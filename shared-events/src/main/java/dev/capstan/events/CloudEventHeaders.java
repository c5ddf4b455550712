package dev.capstan.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * CloudEvents 1.0 attributes in Kafka binary mode: each attribute is a {@code ce_} record header and
 * the record value is the JSON data.
 */
public record CloudEventHeaders(String id, String type, String source, String subject, Instant time) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CE_SPECVERSION = "ce_specversion";
    public static final String CE_ID = "ce_id";
    public static final String CE_TYPE = "ce_type";
    public static final String CE_SOURCE = "ce_source";
    public static final String CE_SUBJECT = "ce_subject";
    public static final String CE_TIME = "ce_time";
    public static final String CONTENT_TYPE = "content-type";
    public static final String JSON = "application/json";

    /** Fresh attributes for an event emitted now by {@code service} (source {@code /<service>}). */
    public static CloudEventHeaders forEvent(CapstanEvent event, String service, Instant now) {
        return new CloudEventHeaders(UUID.randomUUID().toString(), event.type(), "/" + service, event.subject(), now);
    }

    /** The header map to put on the Kafka record. */
    public Map<String, String> asHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(CE_SPECVERSION, SPEC_VERSION);
        h.put(CE_ID, id);
        h.put(CE_TYPE, type);
        h.put(CE_SOURCE, source);
        if (subject != null) {
            h.put(CE_SUBJECT, subject);
        }
        if (time != null) {
            h.put(CE_TIME, time.toString());
        }
        h.put(CONTENT_TYPE, JSON);
        return h;
    }

    /** Reads the attributes back from record headers; missing ones are null. */
    public static CloudEventHeaders fromHeaders(Map<String, String> headers) {
        String time = headers.get(CE_TIME);
        return new CloudEventHeaders(headers.get(CE_ID), headers.get(CE_TYPE), headers.get(CE_SOURCE),
                headers.get(CE_SUBJECT), time == null ? null : Instant.parse(time));
    }
}

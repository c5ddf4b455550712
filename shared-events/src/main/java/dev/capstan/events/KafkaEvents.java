package dev.capstan.events;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Reads a consumed record as the event it carries in CloudEvents' Kafka binary mode: the type in the
 * {@value CloudEventHeaders#CE_TYPE} header, the event's JSON as the value.
 */
public final class KafkaEvents {

    private KafkaEvents() {
    }

    /** The record's {@code ce_type} header, or null when it has none. */
    public static String type(ConsumerRecord<?, ?> record) {
        Header h = record.headers().lastHeader(CloudEventHeaders.CE_TYPE);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * The event the record carries.
     *
     * @throws EventCodec.MalformedEventException when it has no {@code ce_type} or cannot be read as that type
     */
    public static CapstanEvent read(ConsumerRecord<?, String> record) {
        String type = type(record);
        if (type == null) {
            throw new EventCodec.MalformedEventException("record without ce_type header");
        }
        return EventCodec.fromJson(type, record.value());
    }

    /**
     * As {@link #read}, but null for a type this build does not know: a newer event on a shared topic is not the
     * reader's to judge.
     */
    public static CapstanEvent readKnown(ConsumerRecord<?, String> record) {
        String type = type(record);
        if (type != null && EventTypes.classOf(type).isEmpty()) {
            return null;
        }
        return read(record);
    }
}

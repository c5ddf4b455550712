package dev.capstan.support.messaging;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Reads string headers (CloudEvents attributes) from a consumed record. */
public final class KafkaHeaders {
    private KafkaHeaders() {
    }

    /** The header as a string, or null when the record has none. */
    public static String get(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}

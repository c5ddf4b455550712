package dev.capstan.executor.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Reads a consumed record as the event its {@code ce_type} header names. */
final class KafkaRecords {
    private KafkaRecords() {
    }

    static CapstanEvent read(ConsumerRecord<String, String> record) {
        Header h = record.headers().lastHeader(CloudEventHeaders.CE_TYPE);
        if (h == null || h.value() == null) {
            throw new EventCodec.MalformedEventException("record without ce_type header");
        }
        return EventCodec.fromJson(new String(h.value(), StandardCharsets.UTF_8), record.value());
    }
}

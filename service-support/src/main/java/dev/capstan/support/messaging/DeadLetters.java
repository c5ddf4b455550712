package dev.capstan.support.messaging;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The dead-letter record of a consumed record a service cannot process: the original key, value and headers, plus
 * {@code dead-letter-reason} and where it came from, as SmallRye's dead-letter strategy writes them.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** The message to send to the service's {@code capstan.dlq.<service>} channel. */
    public static Message<String> of(ConsumerRecord<String, String> r, String reason) {
        RecordHeaders headers = new RecordHeaders();
        r.headers().forEach(headers::add);
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", r.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8));
        return Message.of(r.value() == null ? "" : r.value()).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(r.key()).withHeaders(headers).build());
    }
}

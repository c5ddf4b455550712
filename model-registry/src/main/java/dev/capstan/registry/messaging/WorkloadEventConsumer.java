package dev.capstan.registry.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.registry.service.LineageService;
import dev.capstan.support.messaging.KafkaHeaders;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code capstan.workloads} for lineage: declared outputs and how their jobs finished. A record that cannot
 * be read (no {@code ce_type}, an unknown type, JSON that does not fit) is thrown, which sends it with the reason
 * to {@code capstan.dlq.model-registry}; the partition goes on.
 */
@ApplicationScoped
public class WorkloadEventConsumer {

    private final LineageService lineage;

    WorkloadEventConsumer(LineageService lineage) {
        this.lineage = lineage;
    }

    @Incoming("workloads")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        String type = KafkaHeaders.get(record, CloudEventHeaders.CE_TYPE);
        if (type == null) {
            throw new EventCodec.MalformedEventException("record without ce_type header");
        }
        CapstanEvent event = EventCodec.fromJson(type, record.value());
        if (!(event instanceof WorkloadEvent w)) {
            throw new EventCodec.MalformedEventException(type + " does not belong on capstan.workloads");
        }
        lineage.apply(KafkaHeaders.get(record, CloudEventHeaders.CE_ID), w);
    }
}

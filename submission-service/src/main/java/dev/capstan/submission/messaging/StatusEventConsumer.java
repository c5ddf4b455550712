package dev.capstan.submission.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.submission.service.WorkloadService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps workload status current from scheduler ({@code capstan.placements}) and executor events. */
@ApplicationScoped
public class StatusEventConsumer {

    private final WorkloadService workloads;

    StatusEventConsumer(WorkloadService workloads) {
        this.workloads = workloads;
    }

    @Incoming("placements")
    @Blocking
    public void placement(ConsumerRecord<String, String> record) {
        if (read(record) instanceof PlacementEvent e) {
            workloads.apply(KafkaHeaders.get(record, CloudEventHeaders.CE_ID), e);
        }
    }

    @Incoming("executions")
    @Blocking
    public void execution(ConsumerRecord<String, String> record) {
        if (read(record) instanceof ExecutionEvent e) {
            workloads.apply(KafkaHeaders.get(record, CloudEventHeaders.CE_ID), e);
        }
    }

    private static CapstanEvent read(ConsumerRecord<String, String> record) {
        String type = KafkaHeaders.get(record, CloudEventHeaders.CE_TYPE);
        if (type == null) {
            throw new EventCodec.MalformedEventException("record without ce_type header");
        }
        return EventCodec.fromJson(type, record.value());
    }
}

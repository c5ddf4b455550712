package dev.capstan.registry.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.registry.service.LineageService;
import dev.capstan.registry.service.RegistryException;
import dev.capstan.rest.Outages;
import dev.capstan.rest.Retry;
import dev.capstan.support.messaging.KafkaHeaders;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code capstan.workloads} for lineage: declared outputs and how their jobs finished. A record that cannot
 * be read (no {@code ce_type}, an unknown type, JSON that does not fit) is thrown, which sends it with the reason
 * to {@code capstan.dlq.model-registry}; the partition goes on.
 */
@ApplicationScoped
public class WorkloadEventConsumer {

    /** How long a record that fails for an unexpected reason is retried before it is dead-lettered. */
    static final Duration RETRY_FOR = Duration.ofSeconds(45);
    private static final Retry RETRYING = Retry.whileTransient().othersFor(RETRY_FOR)
            .hopeless(e -> e instanceof RegistryException.Invalid || Outages.isDataError(e));

    private final LineageService lineage;

    WorkloadEventConsumer(LineageService lineage) {
        this.lineage = lineage;
    }

    @Incoming("workloads")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        String type = KafkaHeaders.get(record, CloudEventHeaders.CE_TYPE);
        if (type == null) {
            throw new EventCodec.MalformedEventException("record without ce_type header");
        }
        CapstanEvent event = EventCodec.fromJson(type, record.value());
        if (!(event instanceof WorkloadEvent w)) {
            throw new EventCodec.MalformedEventException(type + " does not belong on capstan.workloads");
        }
        String eventId = KafkaHeaders.get(record, CloudEventHeaders.CE_ID);
        // A record that can be read is never dead-lettered for an outage (the database down or restarting, a
        // deadlock): it waits, retried with back-off for as long as that lasts (the channel's unprocessed-record
        // limit is off). An unexpected failure is retried for RETRY_FOR, then dead-lettered; what is wrong with the
        // record itself (RegistryException.Invalid) is dead-lettered at once.
        RETRYING.run("applying " + type + " " + record.key(), () -> lineage.apply(eventId, w));
    }
}

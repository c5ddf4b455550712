package dev.capstan.registry.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.registry.service.LineageService;
import dev.capstan.registry.service.RegistryException;
import dev.capstan.rest.Outages;
import dev.capstan.support.messaging.KafkaHeaders;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code capstan.workloads} for lineage: declared outputs and how their jobs finished. A record that cannot
 * be read (no {@code ce_type}, an unknown type, JSON that does not fit) is thrown, which sends it with the reason
 * to {@code capstan.dlq.model-registry}; the partition goes on.
 */
@ApplicationScoped
public class WorkloadEventConsumer {

    /** How long a record that fails for an unexpected reason is retried before it is dead-lettered. */
    static final Duration RETRY_FOR = Duration.ofSeconds(45);
    private static final Logger LOG = Logger.getLogger(WorkloadEventConsumer.class);

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
        String eventId = KafkaHeaders.get(record, CloudEventHeaders.CE_ID);
        // A record that can be read is never dead-lettered for an outage (the database down or restarting, a
        // deadlock): it waits, retried with back-off for as long as that lasts (the channel's unprocessed-record
        // limit is off). An unexpected failure is retried for RETRY_FOR, then dead-lettered; what is wrong with the
        // record itself (RegistryException.Invalid) is dead-lettered at once.
        long waitMillis = 200;
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        while (true) {
            try {
                lineage.apply(eventId, w);
                return;
            } catch (RegistryException.Invalid e) {
                throw e;
            } catch (RuntimeException e) {
                if (Outages.isDataError(e)) {
                    throw e; // the database refuses what the record holds: no retry can help
                }
                if (!Outages.isTransient(e) && System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warnf("applying %s %s failed, retrying in %d ms: %s", type, record.key(), waitMillis,
                        e.getMessage());
                try {
                    Thread.sleep(waitMillis);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                waitMillis = Math.min(waitMillis * 2, 5_000);
            }
        }
    }
}

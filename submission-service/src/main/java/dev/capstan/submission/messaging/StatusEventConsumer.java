package dev.capstan.submission.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.rest.Retry;
import dev.capstan.submission.service.WorkloadService;
import dev.capstan.support.messaging.DeadLetters;
import dev.capstan.support.messaging.KafkaHeaders;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps workload status current from scheduler ({@code capstan.placements}) and executor
 * ({@code capstan.executions}) events. Records arrive in batches and each batch is applied in one
 * transaction: every workload sees several events, and one commit per event would dominate the
 * service's work. A record that cannot be read goes to {@code capstan.dlq.submission-service} with
 * its reason, and the rest of its batch is applied.
 */
@ApplicationScoped
public class StatusEventConsumer {

    private static final Logger LOG = Logger.getLogger(StatusEventConsumer.class);
    /**
     * A batch waits while the database is down or restarting, or PostgreSQL aborted it for a deadlock (it is committed
     * only once applied, so no status change is lost to an outage); any other failure is tried again for a second,
     * then the batch goes to the dead-letter topic.
     */
    private static final Retry APPLYING = Retry.whileTransient().othersFor(java.time.Duration.ofSeconds(1));

    private final WorkloadService workloads;
    private final Emitter<String> deadLetters;

    StatusEventConsumer(WorkloadService workloads, @Channel("dead-letters") Emitter<String> deadLetters) {
        this.workloads = workloads;
        this.deadLetters = deadLetters;
    }

    @Incoming("placements")
    @Blocking
    public void placements(ConsumerRecords<String, String> records) throws InterruptedException {
        apply(read(records));
    }

    @Incoming("executions")
    @Blocking
    public void executions(ConsumerRecords<String, String> records) throws InterruptedException {
        apply(read(records));
    }

    /**
     * Applies the batch, again and again while the failure may pass (the database is down or restarting, PostgreSQL
     * aborted the transaction for a deadlock): the batch is committed only once applied, so no status change is
     * lost to an outage. Any other failure is retried a few times, then the batch goes to the dead-letter topic.
     */
    private void apply(List<WorkloadService.Applied> events) throws InterruptedException {
        APPLYING.run("applying " + events.size() + " status events", () -> workloads.applyAll(events));
    }

    private List<WorkloadService.Applied> read(ConsumerRecords<String, String> records) {
        List<WorkloadService.Applied> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> r : records) {
            try {
                CapstanEvent e = decode(r);
                if (e instanceof PlacementEvent || e instanceof ExecutionEvent) {
                    events.add(new WorkloadService.Applied(KafkaHeaders.get(r, CloudEventHeaders.CE_ID), e));
                }
            } catch (EventCodec.MalformedEventException ex) {
                deadLetter(r, ex.getMessage());
            }
        }
        return events;
    }

    private static CapstanEvent decode(ConsumerRecord<String, String> record) {
        String type = KafkaHeaders.get(record, CloudEventHeaders.CE_TYPE);
        if (type == null) {
            throw new EventCodec.MalformedEventException("record without ce_type header");
        }
        return EventCodec.fromJson(type, record.value());
    }

    private void deadLetter(ConsumerRecord<String, String> r, String reason) {
        LOG.warnf("dead-lettering %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), reason);
        deadLetters.send(DeadLetters.of(r, reason));
    }
}

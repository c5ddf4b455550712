package dev.capstan.submission.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.rest.Outages;
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
    /** Tries of a batch whose failure is not a known passing one, before it is dead-lettered. */
    static final int OTHER_FAILURE_TRIES = 3;
    static final long MAX_WAIT_MS = 5_000;

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
        for (int tries = 1;; tries++) {
            try {
                workloads.applyAll(events);
                return;
            } catch (RuntimeException e) {
                boolean passing = Outages.isTransient(e);
                if (!passing && tries >= OTHER_FAILURE_TRIES) {
                    throw e; // dead-lettered with its records by the channel's failure strategy
                }
                long wait = Math.min(MAX_WAIT_MS, 200L << Math.min(tries - 1, 6));
                LOG.warnf("applying %d status events failed (try %d, %s), again in %d ms: %s", events.size(), tries,
                        passing ? "may pass" : "unexpected", wait, e.toString());
                Thread.sleep(wait);
            }
        }
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

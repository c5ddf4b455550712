package dev.capstan.executor.messaging;

import dev.capstan.events.KafkaEvents;
import dev.capstan.events.PlacementEvent;
import dev.capstan.executor.config.ExecutorConfig;
import dev.capstan.executor.domain.RetryBackoff;
import dev.capstan.executor.service.ExecutionService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * {@code capstan.placements}, the executor's only instructions: admissions become pods, preemptions and revocations
 * remove them. One workload's instructions share a partition, so they are handled in the order the scheduler
 * decided them, across restarts too. A record is committed only once handled; a handling that fails for a reason
 * that may pass (API server or broker unreachable) is retried with back-off on the same record, never skipped or
 * dead-lettered: the workload waits. Only a record that cannot be read goes to the dead-letter topic.
 */
@ApplicationScoped
public class PlacementConsumer {

    private static final Logger LOG = Logger.getLogger(PlacementConsumer.class);

    private final ExecutionService executions;
    private final RetryBackoff backoff;

    PlacementConsumer(ExecutionService executions, ExecutorConfig config) {
        this.executions = executions;
        this.backoff = new RetryBackoff(config.createBackoff(), config.createBackoffMax());
    }

    @Incoming("placements")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        var event = KafkaEvents.read(record);
        for (int i = 1;; i++) {
            try {
                handle(event);
                return;
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e; // shutting down: the record stays uncommitted and is handled after the restart
                }
                LOG.warnf("handling %s of %s failed (try %d), retrying: %s", event.type(), event.subject(), i,
                        e.toString());
                Thread.sleep(backoff.delay(i, OptionalLong.empty()).toMillis());
            }
        }
    }

    private void handle(Object event) {
        if (event instanceof PlacementEvent.WorkloadAdmitted a) {
            executions.admit(a);
        } else if (event instanceof PlacementEvent.WorkloadPreempted p) {
            executions.preempt(p.workloadId(), p.attempt(), p.reason());
        } else if (event instanceof PlacementEvent.AdmissionRevoked r) {
            executions.revoke(r.workloadId(), r.attempt(), r.reason());
        }
        // Pending reasons are for users and the console.
    }
}

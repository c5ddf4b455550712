package dev.capstan.executor.messaging;

import dev.capstan.events.PlacementEvent;
import dev.capstan.executor.service.ExecutionService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code capstan.placements}: admissions become pods, preemptions remove them. Records are handled in
 * order and committed only once handled, so after a restart the consumer group resumes with the
 * admissions whose pods may not exist yet.
 */
@ApplicationScoped
public class PlacementConsumer {

    private final ExecutionService executions;

    PlacementConsumer(ExecutionService executions) {
        this.executions = executions;
    }

    @Incoming("placements")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        var event = KafkaRecords.read(record);
        if (event instanceof PlacementEvent.WorkloadAdmitted a) {
            executions.admit(a);
        } else if (event instanceof PlacementEvent.WorkloadPreempted p) {
            executions.preempt(p.workloadId(), p.attempt(), p.reason());
        }
        // Pending reasons are for users and the console.
    }
}

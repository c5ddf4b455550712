package dev.capstan.executor.messaging;

import dev.capstan.events.WorkloadEvent;
import dev.capstan.executor.service.ExecutionService;
import dev.capstan.executor.service.WorkloadSpecs;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code capstan.workloads}: remembers each training job's spec (image, command, framework, env,
 * annotations) until the job finishes or is cancelled, and acts on cancellations. The channel never commits offsets and starts from the
 * earliest record, so the specs are rebuilt at every start (see README).
 */
@ApplicationScoped
public class WorkloadConsumer {

    private final WorkloadSpecs specs;
    private final ExecutionService executions;

    WorkloadConsumer(WorkloadSpecs specs, ExecutionService executions) {
        this.specs = specs;
        this.executions = executions;
    }

    @Incoming("workloads")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        var event = KafkaRecords.read(record);
        if (event instanceof WorkloadEvent.WorkloadSubmitted s) {
            specs.put(s.workloadId(), s.spec());
        } else if (event instanceof WorkloadEvent.WorkloadCancelled c) {
            executions.cancel(c.workloadId(), c.reason());
        } else if (event instanceof WorkloadEvent.WorkloadFinished f) {
            specs.end(f.workloadId(), "workload has already finished");
        }
        // Inference services are rolled out by a later issue.
    }
}

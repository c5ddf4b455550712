package dev.capstan.tuning.messaging;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.KafkaEvents;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.rest.Retry;
import dev.capstan.tuning.service.Experiments;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * How trials' workloads go: {@code capstan.executions} says when one runs (its GPU time counts from then),
 * {@code capstan.workloads} how it ended. Workloads that are no trial's are skipped; so are event types this version
 * does not know (the topics are shared). Unreadable records are dead-lettered.
 */
@ApplicationScoped
public class WorkloadConsumer {

    private static final Retry RETRYING = Retry.whileTransient().othersFor(Duration.ofSeconds(45));

    private final Experiments experiments;

    WorkloadConsumer(Experiments experiments) {
        this.experiments = experiments;
    }

    @Incoming("workloads")
    @Blocking
    public void workload(ConsumerRecord<String, String> record) throws InterruptedException {
        if (KafkaEvents.readKnown(record) instanceof WorkloadEvent.WorkloadFinished f && f.workloadId() != null) {
            RETRYING.run("end of " + f.workloadId(),
                    () -> experiments.workloadFinished(f.workloadId(), f.status(), f.reason()));
        }
    }

    @Incoming("executions")
    @Blocking
    public void execution(ConsumerRecord<String, String> record) throws InterruptedException {
        if (KafkaEvents.readKnown(record) instanceof ExecutionEvent.WorkloadRunning r && r.workloadId() != null
                && r.at() != null) {
            RETRYING.run("start of " + r.workloadId(), () -> experiments.workloadRunning(r.workloadId(), r.at()));
        }
    }
}

package dev.capstan.tuning.messaging;

import dev.capstan.events.CapstanEvent;
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
 * does not know (the topics are shared). Experiments submitted (or asked to stop) through the Kafka ingress come on
 * {@code capstan.workloads} too, from submission-service. Unreadable records, experiments that cannot run (each
 * field's problem in the reason) and stops of unknown experiments are dead-lettered.
 */
@ApplicationScoped
public class WorkloadConsumer {

    private static final Retry RETRYING = Retry.whileTransient().othersFor(Duration.ofSeconds(45));
    /** An experiment that cannot run, or whose name is taken or unknown, is dead-lettered at once with the reason. */
    private static final Retry REQUESTS = RETRYING.hopeless(e -> e instanceof Experiments.Invalid
            || e instanceof Experiments.Exists || e instanceof Experiments.NotFound);

    private final Experiments experiments;

    WorkloadConsumer(Experiments experiments) {
        this.experiments = experiments;
    }

    @Incoming("workloads")
    @Blocking
    public void workload(ConsumerRecord<String, String> record) throws InterruptedException {
        CapstanEvent event = KafkaEvents.readKnown(record);
        if (event instanceof WorkloadEvent.WorkloadFinished f && f.workloadId() != null) {
            RETRYING.run("end of " + f.workloadId(),
                    () -> experiments.workloadFinished(f.workloadId(), f.status(), f.reason()));
        } else if (event instanceof WorkloadEvent.ExperimentSubmitted s) {
            try {
                REQUESTS.run("experiment " + s.workloadId(), () -> experiments.createSubmitted(s.requestId(),
                        s.spec()));
            } catch (Experiments.Invalid | Experiments.Exists e) {
                throw new IllegalArgumentException("experiment " + s.workloadId() + " of request " + s.requestId()
                        + " not created: " + e.getMessage(), e);
            }
        } else if (event instanceof WorkloadEvent.ExperimentStopRequested s) {
            try {
                REQUESTS.run("stop of experiment " + s.workloadId(), () -> experiments.stop(s.workloadId(),
                        s.reason()));
            } catch (Experiments.NotFound e) {
                throw new IllegalArgumentException("experiment " + s.workloadId() + " not stopped: " + e.getMessage(),
                        e);
            }
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

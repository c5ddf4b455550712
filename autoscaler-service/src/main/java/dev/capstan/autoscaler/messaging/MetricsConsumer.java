package dev.capstan.autoscaler.messaging;

import dev.capstan.autoscaler.domain.RateSample;
import dev.capstan.autoscaler.rollout.ServingPlanner;
import dev.capstan.autoscaler.service.AutoscalingService;
import dev.capstan.events.EventCodec;
import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.KafkaEvents;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.WorkloadEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads request-rate samples ({@code capstan.inference-metrics}) and inference-service settings
 * ({@code capstan.workloads}). A record that cannot be read throws, and the channel's dead-letter-queue
 * failure strategy moves it to {@code capstan.dlq.autoscaler-service} with the reason.
 */
@ApplicationScoped
public class MetricsConsumer {

    private final AutoscalingService autoscaling;
    private final ServingLog servingLog;
    private final DecisionPublisher publisher;

    MetricsConsumer(AutoscalingService autoscaling, ServingLog servingLog, DecisionPublisher publisher) {
        this.autoscaling = autoscaling;
        this.servingLog = servingLog;
        this.publisher = publisher;
    }

    @Incoming("inference-metrics")
    @Blocking
    public void sample(ConsumerRecord<String, String> record) {
        if (!(KafkaEvents.read(record) instanceof InferenceMetricsEvent.RequestRateSample s)) {
            throw new EventCodec.MalformedEventException("not a request-rate sample: " + KafkaEvents.type(record));
        }
        if (s.service() == null || s.windowStart() == null) {
            throw new EventCodec.MalformedEventException("sample without service or window start");
        }
        if (s.revision() != null) {
            // One revision's share: what a canary analysis judges, on the version's own errors and latency (requests
            // refused for want of capacity and queue waits are the autoscaler's matter). The whole service's sample
            // scales it.
            autoscaling.observeRevision(s.service(), s.revision(), s.windowStart(), s.requests(), s.replicaErrors(),
                    s.versionP99LatencyMs(), s.readyReplicas());
            return;
        }
        autoscaling.observeWhole(s.service(), s.windowStart(), s.requests(), s.errors(), s.p99LatencyMs(),
                s.readyReplicas());
        autoscaling.observe(s.service(), new RateSample(s.windowStart(), s.windowSeconds(), s.requests(),
                s.concurrency()), s.readyReplicas());
    }

    @Incoming("workloads")
    @Blocking
    public void workload(ConsumerRecord<String, String> record) {
        var event = KafkaEvents.readKnown(record);
        if (event == null) {
            return; // a newer event type on a shared topic is not ours to judge
        }
        // The plans in force must be known first: a deletion releases the replicas of the plan in force.
        servingLog.awaitCaughtUp();
        if (event instanceof WorkloadEvent.InferenceServiceChanged c) {
            autoscaling.applySettings(autoscaling.settings(c.workloadId(), c.targetRps(), c.targetConcurrency(),
                    c.minReplicas(), c.maxReplicas(), c.scaleToZero(), c.scaleToZeroGraceSeconds(),
                    c.coldStartSeconds(), c.queueTimeoutMillis()), new ServingPlanner.Spec(c.workloadId(),
                    c.queue(), c.image(), c.replica(), c.coldStartSeconds(), c.model(), c.rollout()));
        } else if (event instanceof WorkloadEvent.InferenceServiceDeleted d) {
            ScalingEvent.RevisionsPlanned release = autoscaling.forget(d.workloadId());
            if (release != null) {
                publisher.publishAndWait(release);
            }
        }
    }
}

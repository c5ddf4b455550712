package dev.capstan.autoscaler.messaging;

import dev.capstan.autoscaler.domain.ScaleDecision;
import dev.capstan.autoscaler.service.AutoscalingService;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ScalingEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Runs the decision loop every second (each policy decides at its own tick) and publishes decisions to
 * {@code capstan.scaling}, keyed by service so that one service's decisions stay in order. One scheduler
 * thread sends them in decision order, and the idempotent producer keeps that order per partition.
 */
@ApplicationScoped
public class DecisionPublisher {

    private final AutoscalingService autoscaling;
    private final Emitter<String> emitter;
    private final Clock clock;

    DecisionPublisher(AutoscalingService autoscaling, @Channel("scaling") Emitter<String> emitter, Clock clock) {
        this.autoscaling = autoscaling;
        this.emitter = emitter;
        this.clock = clock;
    }

    @Scheduled(every = "${capstan.autoscaler.loop:1s}", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void loop() {
        for (ScaleDecision d : autoscaling.decideDue()) {
            publish(d);
        }
    }

    void publish(ScaleDecision d) {
        ScalingEvent.ScaleDecided event = new ScalingEvent.ScaleDecided(d.service(), d.currentReplicas(),
                d.desiredReplicas(), d.reason().wire(), d.policy(), d.figures(), d.decidedAt());
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.forEvent(event, "autoscaler-service", clock.instant()).asHeaders()
                .forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        emitter.send(Message.of(EventCodec.toJson(event)).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(d.service()).withHeaders(headers).build()));
    }
}

package dev.capstan.executor.messaging;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the executor's events: executions on {@code capstan.executions}, nodes on the compacted
 * {@code capstan.nodes} — through one channel, each record carrying its event type's topic. CloudEvents binary mode: {@code ce_*} headers, JSON value, key = subject.
 */
@ApplicationScoped
public class EventPublisher {

    static final String SOURCE = "executor-service";

    private final Emitter<String> events;
    private final Clock clock;

    EventPublisher(@Channel("events-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
            Emitter<String> events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /** Sends the event; the stage completes when the broker has it. */
    public CompletionStage<Void> publish(CapstanEvent event) {
        CloudEventHeaders ce = CloudEventHeaders.forEvent(event, SOURCE, clock.instant());
        RecordHeaders headers = new RecordHeaders();
        ce.asHeaders().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.subject()).withTopic(event.topic()).withHeaders(headers).build();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Message<String> message = Message.of(EventCodec.toJson(event))
                .addMetadata(metadata)
                .withAck(() -> {
                    done.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(e -> {
                    done.completeExceptionally(e);
                    return CompletableFuture.completedFuture(null);
                });
        events.send(message); // the record's own topic (event.topic()) routes it
        return done;
    }
}

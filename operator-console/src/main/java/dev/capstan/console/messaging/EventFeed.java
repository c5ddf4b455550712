package dev.capstan.console.messaging;

import dev.capstan.console.domain.ReadModel;
import dev.capstan.events.CapstanEvent;
import dev.capstan.events.EventCodec;
import dev.capstan.events.KafkaEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Folds every record of every topic into the read model. The channel's consumer group is this instance's own and
 * commits nothing, so each start reads every topic from its beginning and rebuilds the model (application.properties).
 *
 * <p>A record the console cannot read is counted and skipped, not dead-lettered: the console owns no decision, and
 * the service that consumes the topic for real dead-letters it with the reason.
 */
@ApplicationScoped
public class EventFeed {

    private static final Logger LOG = Logger.getLogger(EventFeed.class);

    private final ReadModel model;
    private final Counter applied;
    private final Counter skipped;

    EventFeed(ReadModel model, MeterRegistry registry) {
        this.model = model;
        this.applied = Counter.builder("capstan.console.events").tag("outcome", "applied")
                .description("records folded into the console's read model").register(registry);
        this.skipped = Counter.builder("capstan.console.events").tag("outcome", "unreadable")
                .description("records the console could not read (the owning consumer dead-letters them)")
                .register(registry);
    }

    @Incoming("events")
    public void consume(ConsumerRecord<String, String> record) {
        CapstanEvent event;
        try {
            event = KafkaEvents.readKnown(record);
        } catch (EventCodec.MalformedEventException | IllegalArgumentException e) {
            skipped.increment();
            LOG.debugf("skipped %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        if (event != null) {
            model.apply(event);
            applied.increment();
        }
    }
}

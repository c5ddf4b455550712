package dev.capstan.tuning.messaging;

import dev.capstan.events.EventCodec;
import dev.capstan.events.KafkaEvents;
import dev.capstan.events.TrialEvent;
import dev.capstan.rest.Retry;
import dev.capstan.tuning.service.Experiments;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code capstan.trial-metrics}: each point of a trial's objective goes to {@link Experiments#report}. A record
 * that cannot be read, or names no trial, goes to {@code capstan.dlq.tuning-service} with the reason; a database
 * outage is waited out.
 */
@ApplicationScoped
public class TrialMetricsConsumer {

    private static final Retry RETRYING = Retry.whileTransient().othersFor(Duration.ofSeconds(45))
            .hopeless(e -> e instanceof Experiments.NotFound || e instanceof EventCodec.MalformedEventException);

    private final Experiments experiments;

    TrialMetricsConsumer(Experiments experiments) {
        this.experiments = experiments;
    }

    @Incoming("trial-metrics")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        if (!(KafkaEvents.read(record) instanceof TrialEvent.TrialMetricReported m)) {
            throw new EventCodec.MalformedEventException("not a trial metric: " + KafkaEvents.type(record));
        }
        if (m.trialId() == null || m.metric() == null || m.at() == null) {
            throw new EventCodec.MalformedEventException("a trial metric needs trialId, metric and at");
        }
        double value;
        try {
            value = m.loggedValue();
        } catch (NumberFormatException e) {
            throw new EventCodec.MalformedEventException("nonFinite must be NaN, Infinity or -Infinity");
        }
        RETRYING.run("trial metric of " + m.trialId(),
                () -> experiments.report(m.trialId(), m.metric(), m.step(), value, m.at()));
    }
}

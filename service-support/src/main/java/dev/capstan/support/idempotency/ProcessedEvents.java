package dev.capstan.support.idempotency;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Idempotent consumption: the CloudEvents id of every event applied is recorded in the transaction that applies
 * it, so a redelivered event changes nothing. The service needs the {@code processed_event} table (with an index on
 * {@code processed_at}).
 *
 * <p>Ids are kept {@code capstan.processed-events.retention} (default 8 days), then forgotten, hourly: longer than
 * Kafka keeps a record by default (7 days), so no record that could still be delivered again is forgotten, and the
 * table no longer grows with every event ever applied.
 */
@ApplicationScoped
public class ProcessedEvents {

    private static final Logger LOG = Logger.getLogger(ProcessedEvents.class);

    private final Clock clock;
    private final Duration retention;

    ProcessedEvents(Clock clock,
            @ConfigProperty(name = "capstan.processed-events.retention", defaultValue = "8d") Duration retention) {
        this.clock = clock;
        this.retention = retention;
    }

    /** Forgets the ids of events applied longer ago than the retention; returns how many. */
    @Transactional
    public long forgetOld() {
        long n = ProcessedEventEntity.delete("processedAt < ?1", clock.instant().minus(retention));
        if (n > 0) {
            LOG.infof("forgot %d processed event ids older than %s", n, retention);
        }
        return n;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void forgetOldHourly() {
        forgetOld(); // in this transaction (a call within the bean is not intercepted)
    }

    /**
     * Records {@code eventId} and says whether this is its first time; an event without an id is always applied.
     * Runs inside the caller's transaction, so the record and the change commit or roll back together.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstTime(String eventId) {
        if (eventId == null) {
            return true;
        }
        if (ProcessedEventEntity.findById(eventId) != null) {
            return false;
        }
        ProcessedEventEntity p = new ProcessedEventEntity();
        p.eventId = eventId;
        p.processedAt = clock.instant();
        p.persist();
        return true;
    }
}

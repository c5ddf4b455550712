package dev.capstan.support.idempotency;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;

/**
 * Idempotent consumption: the CloudEvents id of every event applied is recorded in the transaction that applies
 * it, so a redelivered event changes nothing. The service needs the {@code processed_event} table.
 */
@ApplicationScoped
public class ProcessedEvents {

    private final Clock clock;

    ProcessedEvents(Clock clock) {
        this.clock = clock;
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

package dev.capstan.support.outbox;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.EventCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Clock;
import java.util.UUID;

/**
 * Writes events into the outbox table inside the caller's transaction, and wakes the relay once that
 * transaction commits, so an event is published if and only if its state change is.
 */
@ApplicationScoped
public class Outbox {

    private final TransactionSynchronizationRegistry tx;
    private final OutboxRelay relay;
    private final Clock clock;

    Outbox(TransactionSynchronizationRegistry tx, OutboxRelay relay, Clock clock) {
        this.tx = tx;
        this.relay = relay;
        this.clock = clock;
    }

    /** Adds an event to the current transaction's outbox. */
    public void add(CapstanEvent event) {
        OutboxEntity row = new OutboxEntity();
        row.topic = event.topic();
        row.eventKey = event.subject();
        row.eventId = UUID.randomUUID().toString();
        row.eventType = event.type();
        row.payload = EventCodec.toJson(event);
        row.createdAt = clock.instant();
        row.persist();
        tx.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wakeUp();
                }
            }
        });
    }
}

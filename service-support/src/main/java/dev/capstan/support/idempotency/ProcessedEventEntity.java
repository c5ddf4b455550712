package dev.capstan.support.idempotency;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The id of an event already applied, so a redelivered event changes nothing. */
@Entity
@Table(name = "processed_event")
public class ProcessedEventEntity extends PanacheEntityBase {
    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "processed_at")
    public Instant processedAt;
}

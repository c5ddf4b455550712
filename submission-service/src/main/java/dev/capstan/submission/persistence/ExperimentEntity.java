package dev.capstan.submission.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tuning experiment submitted through the Kafka ingress: its spec as JSON, and whether it was asked to stop. */
@Entity
@Table(name = "experiment")
public class ExperimentEntity extends PanacheEntityBase {
    @Id
    public String name;
    @Column(name = "request_id")
    public String requestId;
    public String spec;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "stop_requested_at")
    public Instant stopRequestedAt;
    @Column(name = "stop_reason")
    public String stopReason;
}

package dev.capstan.tuning.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tuning experiment: the request as submitted (JSON) and its progress. */
@Entity
@Table(name = "experiment")
public class ExperimentEntity extends PanacheEntityBase {
    @Id
    public String name;
    public String request;
    /** The upstream request it came from through the Kafka ingress; null when created over REST. */
    @Column(name = "request_id")
    public String requestId;
    public String state;
    public String reason;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    @Column(name = "model_pending")
    public boolean modelPending;
    @Column(name = "model_version")
    public Integer modelVersion;
    @Column(name = "model_error")
    public String modelError;
}

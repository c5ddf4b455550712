package dev.capstan.submission.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One inference service: its spec as JSON (defaults filled in) and how many times it changed. */
@Entity
@Table(name = "inference_service")
public class InferenceServiceEntity extends PanacheEntityBase {
    @Id
    public String name;
    @Column(name = "request_id")
    public String requestId;
    public String queue;
    public String spec;
    public long generation;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}

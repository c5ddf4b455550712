package dev.capstan.submission.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One workload row: the spec as JSON, the current status and the current admission. */
@Entity
@Table(name = "workload")
public class WorkloadEntity extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "request_id")
    public String requestId;
    public String kind;
    public String name;
    public String queue;
    public String spec;
    public String status;
    public String reason;
    public int attempt;
    /** JSON list of pod assignments of the current admission. */
    public String placement;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}

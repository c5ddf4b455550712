package dev.capstan.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One metric point of a run, appended and never changed; {@code id} grows in the order points were stored. Written
 * with one multi-row insert per batch (TrackingService), read through this entity.
 */
@Entity
@Table(name = "run_metric")
public class RunMetricEntity extends PanacheEntityBase {
    @Id
    public long id;
    @Column(name = "run_id")
    public String runId;
    @Column(name = "metric_key")
    public String metricKey;
    public double value;
    @Column(name = "timestamp_ms")
    public long timestampMs;
    public long step;
    @Column(name = "logged_at")
    public Instant loggedAt;
}

package dev.capstan.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;

/** A run's latest point of one metric (MetricPoint#supersedes decides which is latest). */
@Entity
@Table(name = "run_latest_metric")
public class RunLatestMetricEntity extends PanacheEntityBase {

    /** Run and metric key. */
    @Embeddable
    public record Key(@Column(name = "run_id") String runId, @Column(name = "metric_key") String metricKey)
            implements Serializable {
    }

    @EmbeddedId
    public Key key;
    public double value;
    @Column(name = "timestamp_ms")
    public long timestampMs;
    public long step;
}

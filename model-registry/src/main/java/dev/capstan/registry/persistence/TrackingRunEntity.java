package dev.capstan.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * An MLflow run; its metric points are in {@link RunMetricEntity}, the latest per key in
 * {@link RunLatestMetricEntity}.
 */
@Entity
@Table(name = "tracking_run")
public class TrackingRunEntity extends PanacheEntityBase {
    @Id
    @Column(name = "run_id")
    public String runId;
    @Column(name = "experiment_id")
    public long experimentId;
    @Column(name = "run_name")
    public String runName;
    @Column(name = "user_id")
    public String userId;
    public String status;
    @Column(name = "start_time")
    public long startTime;
    @Column(name = "end_time")
    public Long endTime;
    @Column(name = "artifact_uri")
    public String artifactUri;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> params;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> tags;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}

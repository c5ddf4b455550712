package dev.capstan.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One version of a model; immutable but for description, tags, status and deletion. */
@Entity
@Table(name = "model_version")
public class ModelVersionEntity extends PanacheEntityBase {

    /** Model id and version number. */
    @Embeddable
    public record Key(@Column(name = "model_id") long modelId, int version) implements Serializable {
    }

    @EmbeddedId
    public Key key;
    @Column(name = "artifact_uri")
    public String artifactUri;
    public String sha256;
    public String format;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> params;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Double> metrics;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> tags;
    public String description;
    @Column(name = "source_workload_id")
    public String sourceWorkloadId;
    @Column(name = "source_attempt")
    public Integer sourceAttempt;
    @Column(name = "run_id")
    public String runId;
    @Column(name = "run_link")
    public String runLink;
    public String status;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "deleted_at")
    public Instant deletedAt;
}

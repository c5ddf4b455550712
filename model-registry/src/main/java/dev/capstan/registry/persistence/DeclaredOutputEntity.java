package dev.capstan.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A training job that declared a model output and has not finished yet. */
@Entity
@Table(name = "declared_output")
public class DeclaredOutputEntity extends PanacheEntityBase {
    @Id
    @Column(name = "workload_id")
    public String workloadId;
    public String model;
    @Column(name = "artifact_uri")
    public String artifactUri;
    public String format;
    public String queue;
    @Column(name = "declared_at")
    public Instant declaredAt;
}

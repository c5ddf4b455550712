package dev.capstan.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One mutation of a model, a version or an alias: who, what, when, before and after (JSON). */
@Entity
@Table(name = "audit_entry")
public class AuditEntryEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "model_id")
    public long modelId;
    @Column(name = "model_name")
    public String modelName;
    public String actor;
    public String action;
    public String target;
    @JdbcTypeCode(SqlTypes.JSON)
    public String before;
    @JdbcTypeCode(SqlTypes.JSON)
    public String after;
    public Instant at;
}

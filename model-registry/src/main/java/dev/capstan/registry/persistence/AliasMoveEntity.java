package dev.capstan.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One recorded alias move; rows are only ever inserted. */
@Entity
@Table(name = "alias_move")
public class AliasMoveEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "model_id")
    public long modelId;
    public String alias;
    @Column(name = "from_version")
    public Integer fromVersion;
    @Column(name = "to_version")
    public Integer toVersion;
    public String kind;
    public String actor;
    public String reason;
    public String cause;
    public Instant at;
}

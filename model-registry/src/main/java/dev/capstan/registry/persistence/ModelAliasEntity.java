package dev.capstan.registry.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** Where an alias points now, and its revision (the entity tag). */
@Entity
@Table(name = "model_alias")
public class ModelAliasEntity extends PanacheEntityBase {

    /** Model id and alias name. */
    @Embeddable
    public record Key(@Column(name = "model_id") long modelId, String alias) implements Serializable {
    }

    @EmbeddedId
    public Key key;
    public int version;
    public long revision;
    @Column(name = "moved_at")
    public Instant movedAt;
}

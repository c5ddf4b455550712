package dev.capstan.submission.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One status change of a workload, with its reason and time. */
@Entity
@Table(name = "workload_transition")
public class TransitionEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "workload_id")
    public String workloadId;
    @Column(name = "from_status")
    public String fromStatus;
    @Column(name = "to_status")
    public String toStatus;
    public String reason;
    public Instant at;
}

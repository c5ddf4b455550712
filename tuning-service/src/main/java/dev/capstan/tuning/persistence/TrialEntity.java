package dev.capstan.tuning.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** One trial of an experiment; see V1__tuning.sql for what each column means. */
@Entity
@Table(name = "trial")
public class TrialEntity extends PanacheEntityBase {

    @Embeddable
    public record Key(String experiment, int number) implements Serializable {
    }

    @EmbeddedId
    public Key key;
    @Column(name = "trial_id")
    public String trialId;
    public String configuration;
    @Column(name = "planned_steps")
    public long plannedSteps;
    public String state;
    public String reason;
    public int runs;
    @Column(name = "workload_id")
    public String workloadId;
    @Column(name = "submit_pending")
    public boolean submitPending;
    @Column(name = "sync_pending")
    public boolean syncPending;
    @Column(name = "cancel_workload")
    public String cancelWorkload;
    @Column(name = "mlflow_run_id")
    public String mlflowRunId;
    public double gpus;
    @Column(name = "run_started_at")
    public Instant runStartedAt;
    @Column(name = "cost_before")
    public double costBefore;
    public String reports;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}

package dev.capstan.submission.service;

import dev.capstan.events.TuningExperimentSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.submission.domain.FieldError;
import dev.capstan.submission.persistence.ExperimentEntity;
import dev.capstan.support.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Tuning experiments on the Kafka ingress: submission-service records that the experiment exists (by name, with the
 * request that created it) and publishes {@link WorkloadEvent.ExperimentSubmitted} through the outbox in the same
 * transaction; a stop publishes {@link WorkloadEvent.ExperimentStopRequested}. Whether the search space, algorithm
 * and budget can run is tuning-service's decision: it creates the experiment from the event, or dead-letters it with
 * every field's problem. Checked here is only what the record needs: a name that can key it and trials' names, and
 * a trial template.
 */
@ApplicationScoped
public class ExperimentSubmissions {

    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry metrics;

    ExperimentSubmissions(Outbox outbox, Clock clock, MeterRegistry metrics) {
        this.outbox = outbox;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Whether the experiment was recorded now (false: this request recorded it before). */
    @Transactional
    public boolean submit(TuningExperimentSpec spec, String requestId) {
        ExperimentEntity seen = ExperimentEntity.find("requestId", requestId).firstResult();
        if (seen != null) {
            return false;
        }
        List<FieldError> errors = new ArrayList<>();
        if (spec == null) {
            errors.add(new FieldError("body", "is required"));
        } else {
            if (!TuningExperimentSpec.validName(spec.name())) {
                errors.add(new FieldError("name", "must be a DNS label of at most 40 characters (a-z, 0-9, '-')"));
            }
            if (spec.trialTemplate() == null) {
                errors.add(new FieldError("trialTemplate", "is required: the training job each trial runs"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidWorkloadException(errors);
        }
        if (ExperimentEntity.findById(spec.name()) != null) {
            throw new WorkloadConflictException("an experiment named '" + spec.name()
                    + "' was submitted already by another request");
        }
        Instant now = clock.instant();
        ExperimentEntity e = new ExperimentEntity();
        e.name = spec.name();
        e.requestId = requestId;
        e.spec = WorkloadService.json(spec);
        e.createdAt = now;
        e.persist();
        outbox.add(new WorkloadEvent.ExperimentSubmitted(spec.name(), requestId, spec, now));
        metrics.counter("capstan.submission.experiments.submitted", "channel", "kafka").increment();
        return true;
    }

    /** Asks tuning-service to stop an experiment submitted here; asking again publishes nothing more. */
    @Transactional
    public void stop(String name, String reason) {
        ExperimentEntity e = !TuningExperimentSpec.validName(name) ? null
                : ExperimentEntity.findById(name, LockModeType.PESSIMISTIC_WRITE);
        if (e == null) {
            throw WorkloadNotFoundException.experiment(name);
        }
        if (e.stopRequestedAt != null) {
            return;
        }
        e.stopRequestedAt = clock.instant();
        e.stopReason = reason == null || reason.isBlank() ? "stopped by request" : reason;
        outbox.add(new WorkloadEvent.ExperimentStopRequested(name, e.stopReason, e.stopRequestedAt));
    }
}

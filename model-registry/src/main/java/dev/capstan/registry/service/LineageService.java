package dev.capstan.registry.service;

import dev.capstan.events.ModelOutput;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.registry.persistence.DeclaredOutputEntity;
import dev.capstan.support.idempotency.ProcessedEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Lineage from training: a training job that declares an output ({@code output: {model, artifactUri}}) is
 * remembered when it is submitted, and when it succeeds a version of that model is registered with the job (and
 * the attempt that succeeded) as its source — once, however often the events are replayed or redelivered (the
 * event id is recorded in the same transaction, and a version per source workload is unique).
 */
@ApplicationScoped
public class LineageService {

    private static final Logger LOG = Logger.getLogger(LineageService.class);

    private final ProcessedEvents processed;
    private final RegistryService registry;
    private final Clock clock;

    LineageService(ProcessedEvents processed, RegistryService registry, Clock clock) {
        this.processed = processed;
        this.registry = registry;
        this.clock = clock;
    }

    /** Applies one event of {@code capstan.workloads} once (by CloudEvents id); other types are ignored. */
    @Transactional
    public void apply(String eventId, WorkloadEvent event) {
        // Most of the topic is jobs without an output and inference settings: they say nothing about versions, so
        // they leave no processed-event row behind (that table would otherwise grow with every workload).
        if (!concernsLineage(event) || !processed.firstTime(eventId)) {
            return;
        }
        if (event instanceof WorkloadEvent.WorkloadSubmitted s) {
            ModelOutput o = s.spec().output();
            if (DeclaredOutputEntity.findById(s.workloadId()) == null) {
                DeclaredOutputEntity d = new DeclaredOutputEntity();
                d.workloadId = s.workloadId();
                d.model = o.model();
                d.artifactUri = o.artifactUri();
                d.format = o.format();
                d.queue = s.spec().queue();
                d.declaredAt = clock.instant();
                d.persist();
            }
        } else if (event instanceof WorkloadEvent.WorkloadFinished f) {
            DeclaredOutputEntity d = DeclaredOutputEntity.findById(f.workloadId());
            if ("SUCCEEDED".equals(f.status())) {
                var v = registry.registerOutput(d.model, d.artifactUri, d.format, d.queue, f.workloadId(),
                        f.attempt());
                LOG.infof("workload %s succeeded: %s version %d registered", f.workloadId(), v.model(), v.version());
            }
            d.delete();
        } else if (event instanceof WorkloadEvent.WorkloadCancelled c) {
            DeclaredOutputEntity.deleteById(c.workloadId());
        }
    }

    /** A declaration, or the end of a job that declared an output (its row is read once per transaction). */
    private static boolean concernsLineage(WorkloadEvent event) {
        if (event instanceof WorkloadEvent.WorkloadSubmitted s) {
            return s.spec() != null && s.spec().output() != null;
        }
        return (event instanceof WorkloadEvent.WorkloadFinished || event instanceof WorkloadEvent.WorkloadCancelled)
                && DeclaredOutputEntity.findById(event.workloadId()) != null;
    }
}

package dev.capstan.submission.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.capstan.events.CapstanEvent;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.submission.domain.FieldError;
import dev.capstan.submission.domain.Lifecycle;
import dev.capstan.submission.domain.QueueResourceDefaults;
import dev.capstan.submission.domain.TrainingJobRules;
import dev.capstan.submission.domain.WorkloadStatus;
import dev.capstan.support.idempotency.ProcessedEvents;
import dev.capstan.support.outbox.Outbox;
import dev.capstan.submission.persistence.TransitionEntity;
import dev.capstan.submission.persistence.WorkloadEntity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The workload use cases: submit, read, list, cancel, and follow scheduler and executor events. */
@ApplicationScoped
public class WorkloadService {

    /** What an id can look like: ours are {@code wl-} and 12 hex digits; some room for ids of other producers. */
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private static final TypeReference<List<PodAssignment>> PODS = new TypeReference<>() {
    };

    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final ProcessedEvents processed;
    private final QueueResourceDefaults resourceDefaults;

    WorkloadService(Outbox outbox, Clock clock, MeterRegistry metrics, ProcessedEvents processed,
            QueueResourceDefaults resourceDefaults) {
        this.outbox = outbox;
        this.clock = clock;
        this.metrics = metrics;
        this.processed = processed;
        this.resourceDefaults = resourceDefaults;
    }

    /** What a submission did: the workload, and whether it was created now or found by request id. */
    public record Submission(WorkloadView workload, boolean created) {
    }

    /** One page of workloads. */
    public record WorkloadPage(List<WorkloadView> items, int page, int size, long total) {
    }

    /**
     * Submits a training job. A request id already seen returns the workload it created (idempotent);
     * an invalid spec throws {@link InvalidWorkloadException} naming every bad field.
     */
    @Transactional
    public Submission submit(TrainingJobSpec requested, String requestId, String channel) {
        if (requestId != null) {
            WorkloadEntity existing = WorkloadEntity.find("requestId", requestId).firstResult();
            if (existing != null) {
                return new Submission(view(existing, true), false);
            }
        }
        if (requested == null) {
            throw new InvalidWorkloadException(List.of(new FieldError("body", "is required")));
        }
        TrainingJobSpec spec = TrainingJobRules.withDefaults(requested, resourceDefaults.of(requested.queue()));
        List<FieldError> errors = TrainingJobRules.validate(spec);
        if (!errors.isEmpty()) {
            throw new InvalidWorkloadException(errors);
        }
        Instant now = clock.instant();
        WorkloadEntity w = new WorkloadEntity();
        w.id = "wl-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        w.requestId = requestId;
        w.kind = "training";
        w.name = spec.name();
        w.queue = spec.queue();
        w.spec = json(spec);
        w.status = WorkloadStatus.QUEUED.name();
        w.reason = "submitted via " + channel;
        w.attempt = 0;
        w.createdAt = now;
        w.updatedAt = now;
        w.persist();
        record(w, null, WorkloadStatus.QUEUED, w.reason, now);
        outbox.add(new WorkloadEvent.WorkloadSubmitted(w.id, spec, now));
        metrics.counter("capstan.submission.submitted", "channel", channel).increment();
        return new Submission(view(w, true), true);
    }

    /** The workload with its history, if it exists. */
    @Transactional
    public Optional<WorkloadView> find(String id) {
        if (!possibleId(id)) {
            return Optional.empty();
        }
        return WorkloadEntity.<WorkloadEntity>findByIdOptional(id).map(w -> view(w, true));
    }

    /**
     * Whether a workload could have this id: ids are made here ({@code wl-} and hex), so anything else (control
     * characters, which PostgreSQL refuses in text, or overlong junk) is unknown without asking the database.
     */
    static boolean possibleId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Workloads newest first, optionally filtered by status and queue. */
    @Transactional
    public WorkloadPage list(WorkloadStatus status, String queue, int page, int size) {
        StringBuilder q = new StringBuilder("1 = 1");
        Parameters p = new Parameters();
        if (status != null) {
            q.append(" and status = :status");
            p.and("status", status.name());
        }
        if (queue != null) {
            q.append(" and queue = :queue");
            p.and("queue", queue);
        }
        var query = WorkloadEntity.<WorkloadEntity>find(q.toString(), Sort.descending("createdAt").and("id"), p);
        List<WorkloadView> items = query.page(Page.of(page, size)).list().stream().map(w -> view(w, false)).toList();
        return new WorkloadPage(items, page, size, query.count());
    }

    /** Cancels a workload that has not finished; its pods go and its capacity is released. */
    @Transactional
    public WorkloadView cancel(String id, String reason) {
        WorkloadEntity w = lock(id).orElseThrow(() -> new WorkloadNotFoundException(id));
        WorkloadStatus from = WorkloadStatus.valueOf(w.status);
        if (from.terminal()) {
            throw new WorkloadConflictException("workload " + id + " is already " + from.name().toLowerCase());
        }
        String why = reason == null || reason.isBlank() ? "cancelled by user" : reason;
        Instant now = clock.instant();
        move(w, new Lifecycle.State(WorkloadStatus.CANCELLED, why, w.attempt), now);
        outbox.add(new WorkloadEvent.WorkloadCancelled(id, why, now));
        return view(w, true);
    }

    /** One event to apply, with its CloudEvents id. */
    public record Applied(String eventId, CapstanEvent event) {
        String workloadId() {
            return event instanceof PlacementEvent p ? p.workloadId()
                    : event instanceof ExecutionEvent e ? e.workloadId() : "";
        }
    }

    /**
     * Applies a batch of scheduler and executor events in one transaction, each once. Rows are locked in workload id
     * order (one workload's events keep their order): two batches applied at once, from the placements and the
     * executions consumers, then never wait for each other's rows in opposite orders, which PostgreSQL would break
     * by aborting one of them.
     */
    @Transactional
    public void applyAll(List<Applied> events) {
        List<Applied> ordered = new java.util.ArrayList<>(events);
        ordered.sort(java.util.Comparator.comparing(Applied::workloadId)); // stable: per workload, record order
        for (Applied a : ordered) {
            if (a.event() instanceof PlacementEvent p) {
                apply(a.eventId(), p);
            } else if (a.event() instanceof ExecutionEvent e) {
                apply(a.eventId(), e);
            }
        }
    }

    /** Applies a scheduler event once (by CloudEvents id); unknown workloads are ignored. */
    @Transactional
    public void apply(String eventId, PlacementEvent e) {
        if (!processed.firstTime(eventId)) {
            return;
        }
        lock(e.workloadId()).ifPresent(w -> {
            Lifecycle.on(state(w), e).ifPresent(next -> move(w, next, clock.instant()));
            if (e instanceof PlacementEvent.WorkloadAdmitted a && a.attempt() == w.attempt) {
                w.placement = json(a.pods());
            }
        });
    }

    /** Applies an executor event once (by CloudEvents id); unknown workloads are ignored. */
    @Transactional
    public void apply(String eventId, ExecutionEvent e) {
        if (!processed.firstTime(eventId)) {
            return;
        }
        lock(e.workloadId()).ifPresent(w -> {
            for (Lifecycle.State next : Lifecycle.on(state(w), e)) {
                move(w, next, clock.instant());
                if (next.status().terminal()) {
                    metrics.counter("capstan.submission.finished", "status", next.status().name().toLowerCase())
                            .increment();
                    // Nothing will run for it again: the executor and others may forget it.
                    outbox.add(new WorkloadEvent.WorkloadFinished(w.id, next.status().name(), next.reason(),
                            clock.instant(), next.attempt()));
                }
            }
        });
    }

    private static Optional<WorkloadEntity> lock(String id) {
        if (!possibleId(id)) {
            return Optional.empty();
        }
        return WorkloadEntity.findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
    }

    private static Lifecycle.State state(WorkloadEntity w) {
        return new Lifecycle.State(WorkloadStatus.valueOf(w.status), w.reason, w.attempt);
    }

    private void move(WorkloadEntity w, Lifecycle.State next, Instant now) {
        String from = w.status;
        w.status = next.status().name();
        w.reason = next.reason();
        w.attempt = next.attempt();
        w.updatedAt = now;
        // A new reason with the same status (another pending reason) is history too.
        record(w, from, next.status(), next.reason(), now);
    }

    private static void record(WorkloadEntity w, String from, WorkloadStatus to, String reason, Instant at) {
        TransitionEntity t = new TransitionEntity();
        t.workloadId = w.id;
        t.fromStatus = from;
        t.toStatus = to.name();
        t.reason = reason;
        t.at = at;
        t.persist();
    }

    private static WorkloadView view(WorkloadEntity w, boolean withHistory) {
        List<WorkloadView.Transition> history = new ArrayList<>();
        if (withHistory) {
            TransitionEntity.<TransitionEntity>find("workloadId", Sort.ascending("id"), w.id).list()
                    .forEach(t -> history.add(new WorkloadView.Transition(t.fromStatus, t.toStatus, t.reason, t.at)));
        }
        List<PodAssignment> pods = w.placement == null ? List.of() : read(w.placement);
        return new WorkloadView(w.id, w.kind, w.name, w.queue, w.status, w.reason, w.attempt,
                EventCodec.fromJson(TrainingJobSpec.class, w.spec), pods, w.createdAt, w.updatedAt, history);
    }

    static String json(Object value) {
        try {
            return EventCodec.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<PodAssignment> read(String json) {
        try {
            return EventCodec.mapper().readValue(json, PODS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored placement is not readable", e);
        }
    }
}

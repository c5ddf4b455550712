package dev.capstan.submission.service;

import dev.capstan.events.EventCodec;
import dev.capstan.events.InferenceServiceSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.submission.domain.FieldError;
import dev.capstan.submission.domain.InferenceServiceRules;
import dev.capstan.submission.domain.QueueResourceDefaults;
import dev.capstan.submission.persistence.InferenceServiceEntity;
import dev.capstan.support.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The inference service use cases: create, read, list, change, delete. Every create and change publishes the
 * service's whole settings ({@code InferenceServiceChanged}, with its generation) through the outbox, in the same
 * transaction as the row; a delete publishes {@code InferenceServiceDeleted}. What runs for a service (revisions,
 * replicas, traffic weights) is decided elsewhere (autoscaler-service) from these settings.
 */
@ApplicationScoped
public class InferenceServices {

    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final ModelCheck models;
    private final QueueResourceDefaults resourceDefaults;

    InferenceServices(Outbox outbox, Clock clock, MeterRegistry metrics, ModelCheck models,
            QueueResourceDefaults resourceDefaults) {
        this.outbox = outbox;
        this.clock = clock;
        this.metrics = metrics;
        this.models = models;
        this.resourceDefaults = resourceDefaults;
    }

    /** What a create did: the service, and whether it was created now or found by request id. */
    public record Creation(InferenceServiceView service, boolean created) {
    }

    /** One page of services. */
    public record ServicePage(List<InferenceServiceView> items, int page, int size, long total) {
    }

    /**
     * Creates a service. A request id already seen returns the service it created; a name in use is a conflict; an
     * invalid spec throws {@link InvalidWorkloadException} naming every bad field. The model is checked with the
     * registry before the transaction: a slow registry holds no database connection.
     */
    public Creation create(InferenceServiceSpec requested, String requestId, String channel) {
        Optional<Creation> seen = QuarkusTransaction.requiringNew().call(() -> byRequest(requestId));
        if (seen.isPresent()) {
            return seen.get();
        }
        if (requested == null) {
            throw new InvalidWorkloadException(List.of(new FieldError("body", "is required")));
        }
        InferenceServiceSpec spec = InferenceServiceRules.withDefaults(requested,
                resourceDefaults.of(requested.queue()));
        List<FieldError> errors = InferenceServiceRules.validate(spec);
        if (!errors.isEmpty()) {
            throw new InvalidWorkloadException(errors);
        }
        models.check(spec.model()).ifPresent(e -> {
            throw new InvalidWorkloadException(List.of(e));
        });
        return QuarkusTransaction.requiringNew().call(() -> byRequest(requestId).orElseGet(() -> {
            if (InferenceServiceEntity.findById(spec.name()) != null) {
                throw new WorkloadConflictException("an inference service named '" + spec.name()
                        + "' exists already: change it with PATCH, or delete it first");
            }
            Instant now = clock.instant();
            InferenceServiceEntity e = new InferenceServiceEntity();
            e.name = spec.name();
            e.requestId = requestId;
            e.queue = spec.queue();
            e.spec = WorkloadService.json(spec);
            e.generation = 1;
            e.createdAt = now;
            e.updatedAt = now;
            e.persist();
            outbox.add(changed(spec, e.generation, now));
            metrics.counter("capstan.submission.inference_services.created", "channel", channel).increment();
            return new Creation(view(e), true);
        }));
    }

    /** The service a request id created, when one did. */
    private static Optional<Creation> byRequest(String requestId) {
        if (requestId == null) {
            return Optional.empty();
        }
        InferenceServiceEntity existing = InferenceServiceEntity.find("requestId", requestId).firstResult();
        return Optional.ofNullable(existing).map(e -> new Creation(view(e), false));
    }

    /** The service, if it exists. */
    @Transactional
    public Optional<InferenceServiceView> find(String name) {
        return WorkloadService.possibleId(name)
                ? InferenceServiceEntity.<InferenceServiceEntity>findByIdOptional(name).map(InferenceServices::view)
                : Optional.empty();
    }

    /** Services by name, optionally of one queue. */
    @Transactional
    public ServicePage list(String queue, int page, int size) {
        var query = queue == null
                ? InferenceServiceEntity.<InferenceServiceEntity>findAll(Sort.ascending("name"))
                : InferenceServiceEntity.<InferenceServiceEntity>find("queue", Sort.ascending("name"), queue);
        List<InferenceServiceView> items = query.page(Page.of(page, size)).list().stream()
                .map(InferenceServices::view).toList();
        return new ServicePage(items, page, size, query.count());
    }

    /**
     * Changes a service: the fields the change holds replace the service's, the result is validated whole. A change
     * that changes nothing publishes nothing and keeps the generation. A model named in the change is checked with
     * the registry before the service's row is locked: a slow registry holds neither a connection nor the lock.
     */
    public InferenceServiceView change(String name, InferenceServiceSpec change) {
        if (change == null) {
            throw new InvalidWorkloadException(List.of(new FieldError("body", "is required")));
        }
        String before = QuarkusTransaction.requiringNew().call(() -> WorkloadService.possibleId(name)
                ? InferenceServiceEntity.<InferenceServiceEntity>findByIdOptional(name)
                        .map(e -> EventCodec.fromJson(InferenceServiceSpec.class, e.spec).model()).orElse(null)
                : null);
        boolean checked = change.model() != null && !change.model().equals(before)
                && InferenceServiceRules.validModel(change.model());
        Optional<FieldError> badModel = checked ? models.check(change.model()) : Optional.empty();
        return QuarkusTransaction.requiringNew().call(() -> {
            InferenceServiceEntity e = locked(name);
            InferenceServiceSpec current = EventCodec.fromJson(InferenceServiceSpec.class, e.spec);
            List<FieldError> errors = new ArrayList<>(InferenceServiceRules.changeErrors(current, change));
            InferenceServiceSpec merged = InferenceServiceRules.merge(current, change);
            InferenceServiceSpec next = InferenceServiceRules.withDefaults(merged,
                    resourceDefaults.of(merged.queue()));
            errors.addAll(InferenceServiceRules.validate(next));
            if (!errors.isEmpty()) {
                throw new InvalidWorkloadException(errors);
            }
            if (next.equals(current)) {
                return view(e);
            }
            if (!next.model().equals(current.model())) {
                // Checked above, unless the service's model changed meanwhile (then, rarely, under the lock).
                Optional<FieldError> bad = checked ? badModel : models.check(next.model());
                if (bad.isPresent()) {
                    throw new InvalidWorkloadException(List.of(bad.get()));
                }
            }
            Instant now = clock.instant();
            e.spec = WorkloadService.json(next);
            e.queue = next.queue();
            e.generation++;
            e.updatedAt = now;
            outbox.add(changed(next, e.generation, now));
            return view(e);
        });
    }

    /** Deletes a service: its replicas go, scaling and rollouts stop. */
    @Transactional
    public void delete(String name, String reason) {
        InferenceServiceEntity e = locked(name);
        e.delete();
        outbox.add(new WorkloadEvent.InferenceServiceDeleted(name,
                reason == null || reason.isBlank() ? "deleted" : reason, clock.instant()));
    }

    private static InferenceServiceEntity locked(String name) {
        if (!WorkloadService.possibleId(name)) {
            throw WorkloadNotFoundException.inferenceService(name);
        }
        InferenceServiceEntity e = InferenceServiceEntity.findById(name, LockModeType.PESSIMISTIC_WRITE);
        if (e == null) {
            throw WorkloadNotFoundException.inferenceService(name);
        }
        return e;
    }

    private static WorkloadEvent.InferenceServiceChanged changed(InferenceServiceSpec s, long generation,
            Instant now) {
        return new WorkloadEvent.InferenceServiceChanged(s.name(), s.queue(), s.model(), s.replica(), s.minReplicas(),
                s.maxReplicas(), s.targetRps(), s.targetConcurrency(), s.scaleToZero(), s.scaleToZeroGraceSeconds(),
                s.coldStartSeconds(), s.queueTimeoutMillis(), now, s.image(), s.rollout(), generation);
    }

    private static InferenceServiceView view(InferenceServiceEntity e) {
        return new InferenceServiceView(e.name, e.queue, e.generation,
                EventCodec.fromJson(InferenceServiceSpec.class, e.spec), e.createdAt, e.updatedAt);
    }
}

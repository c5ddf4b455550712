package dev.capstan.registry.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ModelEvent;
import dev.capstan.registry.domain.AliasMove;
import dev.capstan.registry.domain.AliasPrecondition;
import dev.capstan.registry.domain.FieldError;
import dev.capstan.registry.domain.MoveKind;
import dev.capstan.registry.domain.RegistryRules;
import dev.capstan.registry.domain.RollbackPlan;
import dev.capstan.registry.domain.VersionStatus;
import dev.capstan.registry.persistence.AliasMoveEntity;
import dev.capstan.registry.persistence.AliasReads;
import dev.capstan.registry.persistence.AuditEntryEntity;
import dev.capstan.registry.persistence.ModelAliasEntity;
import dev.capstan.registry.persistence.ModelVersionEntity;
import dev.capstan.registry.persistence.RegisteredModelEntity;
import dev.capstan.registry.service.Views.AliasView;
import dev.capstan.registry.service.Views.AuditView;
import dev.capstan.registry.service.Views.ModelView;
import dev.capstan.registry.service.Views.MoveView;
import dev.capstan.registry.service.Views.Page;
import dev.capstan.registry.service.Views.Slice;
import dev.capstan.registry.service.Views.Source;
import dev.capstan.registry.service.Views.VersionView;
import dev.capstan.support.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry's use cases: models, immutable versions, aliases with their full history, rollback, audit. Every
 * mutation of a model runs under a lock on the model's row, so versions get consecutive numbers and alias moves
 * are serialised per model (no lost update); every mutation writes its audit entry and its events in the same
 * transaction (outbox).
 */
@ApplicationScoped
public class RegistryService {

    /** Largest page any list returns. */
    public static final int MAX_PAGE = 1000;

    private final Outbox outbox;
    private final Clock clock;
    private final EntityManager em;
    private final MeterRegistry metrics;
    private final AliasReads aliasReads;

    RegistryService(Outbox outbox, Clock clock, EntityManager em, MeterRegistry metrics, AliasReads aliasReads) {
        this.outbox = outbox;
        this.clock = clock;
        this.em = em;
        this.metrics = metrics;
        this.aliasReads = aliasReads;
    }

    // ---------------------------------------------------------------- models

    /** Creates a model; a live model of the same name is a conflict. */
    @Transactional
    public ModelView createModel(RegistryRules.NewModel m, String actor) {
        invalidIfAny(RegistryRules.validate(m));
        if (live(m.name()).isPresent()) {
            throw new RegistryException.AlreadyExists("registered model '" + m.name() + "' already exists");
        }
        RegisteredModelEntity e = newModel(m, actor);
        audit(e, actor, "model.created", e.name, null, json(modelView(e)));
        return modelView(e);
    }

    /** The live model of that name, or NotFound. */
    @Transactional
    public ModelView model(String name) {
        return modelView(require(name, false));
    }

    /** Live models matching the query, by name. */
    @Transactional
    public Page<ModelView> searchModels(ModelQuery q, int page, int size) {
        checkPage(page, size);
        Slice<ModelView> slice = searchModelsFrom(q, (long) page * size, size);
        return new Page<>(slice.items(), page, size, slice.total());
    }

    /**
     * Live models matching the query, by name, from the {@code offset}-th on: for clients whose page tokens carry
     * an offset (MLflow's), which need not be a multiple of the page size.
     */
    @Transactional
    public Slice<ModelView> searchModelsFrom(ModelQuery q, long offset, int limit) {
        checkSlice(offset, limit);
        Map<String, Object> params = new HashMap<>();
        String where = modelWhere(q, params, "m", true);
        // One scan gives the page's ids and the total (a name substring cannot use an index, so each scan reads
        // every live model); a separate count only when the page lies past the end.
        @SuppressWarnings("unchecked")
        List<Object[]> ids = bind(em.createNativeQuery("select m.id, count(*) over () from registered_model m where "
                + where + " order by m.name limit " + limit + " offset " + offset, Object[].class),
                params).getResultList();
        long total = !ids.isEmpty() ? ((Number) ids.get(0)[1]).longValue() : offset == 0 ? 0
                : ((Number) bind(em.createNativeQuery("select count(*) from registered_model m where " + where),
                        params).getSingleResult()).longValue();
        List<Long> order = ids.stream().map(r -> ((Number) r[0]).longValue()).toList();
        Map<Long, RegisteredModelEntity> byId = new HashMap<>();
        if (!order.isEmpty()) {
            RegisteredModelEntity.<RegisteredModelEntity>list("id in ?1", order).forEach(e -> byId.put(e.id, e));
        }
        return new Slice<>(modelViews(order.stream().map(byId::get).toList()), offset, total);
    }

    /** Changes description and/or tags (null leaves a field as it is; tags given replace the old ones). */
    @Transactional
    public ModelView updateModel(String name, String description, Map<String, String> tags, String actor) {
        List<FieldError> errors = new ArrayList<>();
        RegistryRules.description("description", description, errors);
        RegistryRules.tags("tags", tags, errors);
        invalidIfAny(errors);
        RegisteredModelEntity e = require(name, true);
        String before = json(modelView(e));
        if (description != null) {
            e.description = description;
        }
        if (tags != null) {
            e.tags = new TreeMap<>(tags);
        }
        e.updatedAt = clock.instant();
        audit(e, actor, "model.updated", e.name, before, json(modelView(e)));
        return modelView(e);
    }

    /** Sets one tag of a model. */
    @Transactional
    public ModelView setModelTag(String name, String key, String value, String actor) {
        List<FieldError> errors = new ArrayList<>();
        RegistryRules.tag("tags", key, value, errors);
        invalidIfAny(errors);
        RegisteredModelEntity e = require(name, true);
        Map<String, String> tags = new TreeMap<>(e.tags);
        tags.put(key, value);
        if (tags.size() > RegistryRules.MAX_TAGS) {
            throw new RegistryException.Invalid("tags", "at most " + RegistryRules.MAX_TAGS + " tags");
        }
        return updateModel(e.name, null, tags, actor);
    }

    /** Removes one tag of a model (a missing tag is NotFound, as in MLflow). */
    @Transactional
    public ModelView deleteModelTag(String name, String key, String actor) {
        RegisteredModelEntity e = require(name, true);
        if (!e.tags.containsKey(key)) {
            throw new RegistryException.NotFound("no tag '" + key + "' on registered model '" + name + "'");
        }
        Map<String, String> tags = new TreeMap<>(e.tags);
        tags.remove(key);
        return updateModel(e.name, null, tags, actor);
    }

    /** Renames a model; its versions, aliases and history follow it. */
    @Transactional
    public ModelView renameModel(String name, String newName, String actor) {
        List<FieldError> errors = new ArrayList<>();
        RegistryRules.name("new_name", newName, errors);
        invalidIfAny(errors);
        RegisteredModelEntity e = require(name, true);
        if (!newName.equals(name) && live(newName).isPresent()) {
            throw new RegistryException.AlreadyExists("registered model '" + newName + "' already exists");
        }
        String before = json(modelView(e));
        e.name = newName;
        e.updatedAt = clock.instant();
        audit(e, actor, "model.renamed", newName, before, json(modelView(e)));
        return modelView(e);
    }

    /** Deletes a model: its aliases are removed (and announced); versions, history and audit stay readable. */
    @Transactional
    public void deleteModel(String name, String actor) {
        RegisteredModelEntity e = require(name, true);
        Instant now = clock.instant();
        for (ModelAliasEntity a : ModelAliasEntity.<ModelAliasEntity>list("key.modelId", e.id)) {
            recordMove(e, a.key.alias(), a.version, null, MoveKind.REMOVE, actor, "model deleted", null, now);
            outbox.add(new ModelEvent.ModelAliasRemoved(e.name, a.key.alias(), a.version, "model deleted", actor,
                    now));
            a.delete();
        }
        String before = json(modelView(e));
        e.deletedAt = now;
        e.updatedAt = now;
        audit(e, actor, "model.deleted", e.name, before, null);
    }

    // ---------------------------------------------------------------- versions

    /**
     * Registers the next version of a model. With {@code createModel}, a missing model is created first (owned by
     * {@code queue}), as a training job's output or MLflow's register-model does.
     */
    @Transactional
    public VersionView registerVersion(String name, RegistryRules.NewVersion v, String actor, boolean createModel,
            String queue) {
        List<FieldError> errors = new ArrayList<>();
        RegistryRules.name("name", name, errors);
        errors.addAll(RegistryRules.validate(v));
        invalidIfAny(errors);
        RegisteredModelEntity m = createModel ? liveLocked(name).orElseGet(() -> {
            RegisteredModelEntity created = newModel(new RegistryRules.NewModel(name, null, queue, Map.of()), actor);
            audit(created, actor, "model.created", name, null, json(modelView(created)));
            return created;
        }) : require(name, true);
        if (v.sourceWorkloadId() != null && m.id != null) {
            Optional<ModelVersionEntity> same = ModelVersionEntity.<ModelVersionEntity>find(
                    "key.modelId = ?1 and sourceWorkloadId = ?2", m.id, v.sourceWorkloadId()).firstResultOptional();
            if (same.isPresent()) {
                throw new RegistryException.AlreadyExists("version " + same.get().key.version() + " of '" + name
                        + "' already comes from workload " + v.sourceWorkloadId() + ": a workload makes one version "
                        + "of a model");
            }
        }
        return versionView(m, register(m, v, actor));
    }

    /** One version (deleted ones are NotFound). */
    @Transactional
    public VersionView version(String name, int version) {
        RegisteredModelEntity m = require(name, false);
        return versionView(m, requireVersion(m, version));
    }

    /** The versions of a model, newest first. */
    @Transactional
    public Page<VersionView> versions(String name, int page, int size) {
        RegisteredModelEntity m = require(name, false);
        return searchVersions(new ModelQuery(m.name, null, false, null, Map.of(), null, null, null), page, size,
                false);
    }

    /**
     * Versions of live models matching the query, newest first (or oldest first with {@code ascending}); deleted
     * versions are never listed.
     */
    @Transactional
    public Page<VersionView> searchVersions(ModelQuery q, int page, int size, boolean ascending) {
        checkPage(page, size);
        Slice<VersionView> slice = searchVersionsFrom(q, (long) page * size, size, ascending);
        return new Page<>(slice.items(), page, size, slice.total());
    }

    /** As {@link #searchVersions}, from the {@code offset}-th version on (for offset-carrying page tokens). */
    @Transactional
    public Slice<VersionView> searchVersionsFrom(ModelQuery q, long offset, int limit, boolean ascending) {
        checkSlice(offset, limit);
        Map<String, Object> params = new HashMap<>();
        StringBuilder where = new StringBuilder(modelWhere(q, params, "m", false)).append(" and v.deleted_at is null");
        if (q.runId() != null) {
            where.append(" and v.run_id = :runId");
            params.put("runId", q.runId());
        }
        if (q.source() != null) {
            where.append(" and v.artifact_uri = :source");
            params.put("source", q.source());
        }
        if (q.workloadId() != null) {
            where.append(" and v.source_workload_id = :workload");
            params.put("workload", q.workloadId());
        }
        int i = 0;
        for (var t : q.tags().entrySet()) {
            // Version tags: a second placeholder family so model tags (modelWhere) and version tags never clash.
            where.append(" and v.tags ->> :vk").append(i).append(" = :vv").append(i);
            params.put("vk" + i, t.getKey());
            params.put("vv" + i, t.getValue());
            i++;
        }
        String from = " from model_version v join registered_model m on m.id = v.model_id where " + where;
        long total = ((Number) bind(em.createNativeQuery("select count(*)" + from), params).getSingleResult())
                .longValue();
        String dir = ascending ? "asc" : "desc";
        @SuppressWarnings("unchecked")
        List<ModelVersionEntity> rows = bind(em.createNativeQuery("select v.*" + from + " order by v.created_at "
                + dir + ", m.name, v.version " + dir + " limit " + limit + " offset " + offset,
                ModelVersionEntity.class), params).getResultList();
        Map<Long, RegisteredModelEntity> models = new HashMap<>();
        List<VersionView> items = rows.stream().map(v -> versionView(models.computeIfAbsent(v.key.modelId(),
                id -> RegisteredModelEntity.findById(id)), v)).toList();
        return new Slice<>(items, offset, total);
    }

    /**
     * Changes a version's description and/or status. A version an alias points at cannot become FAILED: move the
     * alias first.
     */
    @Transactional
    public VersionView updateVersion(String name, int version, String description, VersionStatus status,
            String actor) {
        List<FieldError> errors = new ArrayList<>();
        RegistryRules.description("description", description, errors);
        invalidIfAny(errors);
        RegisteredModelEntity m = require(name, true);
        ModelVersionEntity v = requireVersion(m, version);
        String before = json(versionView(m, v));
        if (status == VersionStatus.FAILED && !v.status.equals(status.name())) {
            List<String> serving = aliasesOf(m.id, version);
            if (!serving.isEmpty()) {
                throw new RegistryException.Conflict("version " + version + " of '" + name + "' is served by "
                        + String.join(", ", serving) + ": move those aliases before marking it FAILED");
            }
        }
        if (description != null) {
            v.description = description;
        }
        if (status != null) {
            v.status = status.name();
        }
        v.updatedAt = clock.instant();
        audit(m, actor, "version.updated", m.name + "/" + version, before, json(versionView(m, v)));
        return versionView(m, v);
    }

    /** Sets (value non-null) or removes (value null) one tag of a version. */
    @Transactional
    public VersionView tagVersion(String name, int version, String key, String value, String actor) {
        List<FieldError> errors = new ArrayList<>();
        if (value != null) {
            RegistryRules.tag("tags", key, value, errors);
        }
        invalidIfAny(errors);
        RegisteredModelEntity m = require(name, true);
        ModelVersionEntity v = requireVersion(m, version);
        String before = json(versionView(m, v));
        Map<String, String> tags = new TreeMap<>(v.tags);
        if (value == null) {
            if (tags.remove(key) == null) {
                throw new RegistryException.NotFound("no tag '" + key + "' on version " + version + " of '" + name
                        + "'");
            }
        } else {
            tags.put(key, value);
            if (tags.size() > RegistryRules.MAX_TAGS) {
                throw new RegistryException.Invalid("tags", "at most " + RegistryRules.MAX_TAGS + " tags");
            }
        }
        v.tags = tags;
        v.updatedAt = clock.instant();
        audit(m, actor, "version.tagged", m.name + "/" + version, before, json(versionView(m, v)));
        return versionView(m, v);
    }

    /** Deletes a version; a version an alias points at cannot be deleted (move the alias first). */
    @Transactional
    public void deleteVersion(String name, int version, String actor) {
        RegisteredModelEntity m = require(name, true);
        ModelVersionEntity v = requireVersion(m, version);
        List<String> serving = aliasesOf(m.id, version);
        if (!serving.isEmpty()) {
            throw new RegistryException.Conflict("version " + version + " of '" + name + "' is served by "
                    + String.join(", ", serving) + ": move those aliases before deleting it");
        }
        String before = json(versionView(m, v));
        v.deletedAt = clock.instant();
        v.updatedAt = v.deletedAt;
        audit(m, actor, "version.deleted", m.name + "/" + version, before, null);
    }

    // ---------------------------------------------------------------- aliases

    /**
     * Where the alias points now. Not transactional: one auto-commit read ({@link AliasReads}), since every inference
     * request that resolves {@code model@alias} comes here. Only a miss asks again, to say whether the model or the
     * alias is missing.
     */
    public AliasView alias(String name, String alias) {
        AliasReads.Current a = aliasReads.current(name, alias).orElseThrow(() -> new RegistryException.NotFound(
                aliasReads.modelExists(name) ? "alias '" + alias + "' of registered model '" + name + "' is not set"
                        : "registered model '" + name + "' does not exist"));
        return new AliasView(name, alias, a.version(), a.revision(), AliasPrecondition.etag(a.revision()),
                a.movedAt());
    }

    /** The aliases of a model, by name. */
    @Transactional
    public List<AliasView> aliases(String name) {
        RegisteredModelEntity m = require(name, false);
        return ModelAliasEntity.<ModelAliasEntity>list("key.modelId", Sort.ascending("key.alias"), m.id).stream()
                .map(a -> aliasView(m, a)).toList();
    }

    /**
     * The move in effect at {@code instant}: the last one at or before it. Empty when the alias pointed at nothing
     * then (never set yet, or removed); the move's {@code toVersion} is the version served.
     */
    @Transactional
    public Optional<MoveView> aliasAt(String name, String alias, Instant instant) {
        // The model's row is joined rather than loaded first: one query when the alias had a move by then.
        @SuppressWarnings("unchecked")
        List<AliasMoveEntity> rows = em.createNativeQuery("select am.* from alias_move am join registered_model m "
                + "on m.id = am.model_id where m.name = :name and m.deleted_at is null and am.alias = :a "
                + "and am.at <= :t order by am.at desc, am.id desc limit 1", AliasMoveEntity.class)
                .setParameter("name", name).setParameter("a", alias).setParameter("t", instant).getResultList();
        if (rows.isEmpty()) {
            RegisteredModelEntity m = require(name, false);
            if (AliasMoveEntity.count("modelId = ?1 and alias = ?2", m.id, alias) == 0) {
                throw new RegistryException.NotFound("alias '" + alias + "' of registered model '" + name
                        + "' has never been set");
            }
            return Optional.empty();
        }
        AliasMoveEntity r = rows.get(0);
        return r.toVersion == null ? Optional.empty() : Optional.of(new MoveView(r.id, name, r.alias, r.fromVersion,
                r.toVersion, MoveKind.valueOf(r.kind), r.actor, r.reason, r.cause, r.at));
    }

    /** The moves of an alias, newest first. */
    @Transactional
    public Page<MoveView> history(String name, String alias, int page, int size) {
        checkPage(page, size);
        RegisteredModelEntity m = require(name, false);
        var q = AliasMoveEntity.<AliasMoveEntity>find("modelId = ?1 and alias = ?2",
                Sort.descending("at").and("id", Sort.Direction.Descending), m.id, alias);
        List<MoveView> items = q.page(io.quarkus.panache.common.Page.of(page, size)).list().stream()
                .map(r -> moveView(m, r)).toList();
        return new Page<>(items, page, size, q.count());
    }

    /**
     * Points an alias at a version. {@code ifMatch} (the alias's entity tag) makes the move conditional: of two
     * racing moves that read the same revision, one wins and the other fails with PreconditionFailed.
     */
    @Transactional
    public AliasView moveAlias(String name, String alias, int version, String ifMatch, String actor, String reason,
            String cause) {
        List<FieldError> errors = new ArrayList<>();
        RegistryRules.alias("alias", alias, errors);
        RegistryRules.reason("reason", reason, errors);
        invalidIfAny(errors);
        RegisteredModelEntity m = require(name, true);
        ModelAliasEntity current = ModelAliasEntity.findById(new ModelAliasEntity.Key(m.id, alias));
        precondition(m, alias, current, ifMatch);
        ModelVersionEntity target = requireVersion(m, version);
        if (!VersionStatus.READY.name().equals(target.status)) {
            throw new RegistryException.Conflict("version " + version + " of '" + name + "' is " + target.status
                    + ": an alias can only point at a READY version");
        }
        return move(m, current, alias, version, MoveKind.SET, actor, reason, cause);
    }

    /**
     * Moves an alias back: to the version it served before the current one (rollbacks chain, see
     * {@link RollbackPlan}), or to {@code to}. Recorded like any move, with kind ROLLBACK.
     */
    @Transactional
    public AliasView rollback(String name, String alias, Integer to, String ifMatch, String actor, String reason) {
        List<FieldError> errors = new ArrayList<>();
        RegistryRules.reason("reason", reason, errors);
        invalidIfAny(errors);
        RegisteredModelEntity m = require(name, true);
        ModelAliasEntity current = ModelAliasEntity.findById(new ModelAliasEntity.Key(m.id, alias));
        precondition(m, alias, current, ifMatch);
        if (current == null) {
            throw new RegistryException.NotFound("alias '" + alias + "' of registered model '" + name
                    + "' is not set");
        }
        List<AliasMove> history = AliasMoveEntity.<AliasMoveEntity>find("modelId = ?1 and alias = ?2",
                Sort.ascending("at").and("id"), m.id, alias).list().stream().map(RegistryService::move).toList();
        Set<Integer> servable = servable(m.id);
        RollbackPlan.Outcome plan = RollbackPlan.plan(history, to, servable::contains);
        if (plan instanceof RollbackPlan.Refused refused) {
            throw new RegistryException.Conflict("cannot roll back '" + name + "@" + alias + "': " + refused.reason());
        }
        int target = ((RollbackPlan.To) plan).version();
        String why = "rollback from version " + current.version + " to " + target
                + (reason == null || reason.isBlank() ? "" : ": " + reason);
        return move(m, current, alias, target, MoveKind.ROLLBACK, actor, why, null);
    }

    /** Removes an alias (recorded; {@code model@alias} then resolves to nothing). */
    @Transactional
    public void removeAlias(String name, String alias, String ifMatch, String actor, String reason) {
        RegisteredModelEntity m = require(name, true);
        ModelAliasEntity current = ModelAliasEntity.findById(new ModelAliasEntity.Key(m.id, alias));
        precondition(m, alias, current, ifMatch);
        if (current == null) {
            throw new RegistryException.NotFound("alias '" + alias + "' of registered model '" + name
                    + "' is not set");
        }
        Instant now = clock.instant();
        String why = reason == null || reason.isBlank() ? "removed" : reason;
        recordMove(m, alias, current.version, null, MoveKind.REMOVE, actor, why, null, now);
        audit(m, actor, "alias.removed", m.name + "@" + alias, json(aliasView(m, current)), null);
        outbox.add(new ModelEvent.ModelAliasRemoved(m.name, alias, current.version, why, actor, now));
        current.delete();
        metrics.counter("capstan.registry.alias.moves", "kind", "remove").increment();
    }

    // ---------------------------------------------------------------- audit

    /** The audit trail of a model, newest first. */
    @Transactional
    public Page<AuditView> audit(String name, int page, int size) {
        checkPage(page, size);
        RegisteredModelEntity m = require(name, false);
        var q = AuditEntryEntity.<AuditEntryEntity>find("modelId", Sort.descending("id"), m.id);
        List<AuditView> items = q.page(io.quarkus.panache.common.Page.of(page, size)).list().stream()
                .map(a -> new AuditView(a.id, a.modelName, a.actor, a.action, a.target, a.before, a.after, a.at))
                .toList();
        return new Page<>(items, page, size, q.count());
    }

    // ---------------------------------------------------------------- lineage (called by the workload consumer)

    /**
     * Registers the output of a training job that succeeded, once: a second call for the same workload (a replayed
     * or redelivered event) finds the version it registered and changes nothing.
     *
     * @return the version, new or found
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public VersionView registerOutput(String model, String artifactUri, String format, String queue,
            String workloadId, int attempt) {
        Optional<RegisteredModelEntity> existing = liveLocked(model);
        if (existing.isPresent()) {
            Optional<ModelVersionEntity> done = ModelVersionEntity.<ModelVersionEntity>find(
                    "key.modelId = ?1 and sourceWorkloadId = ?2", existing.get().id, workloadId).firstResultOptional();
            if (done.isPresent()) {
                return versionView(existing.get(), done.get());
            }
        }
        Map<String, String> tags = Map.of("capstan.dev/workload", workloadId);
        return registerVersion(model, new RegistryRules.NewVersion(artifactUri, null, format, null, null, tags,
                null, workloadId, attempt, null, VersionStatus.READY, null), "model-registry", true, queue);
    }

    // ---------------------------------------------------------------- internals

    private RegisteredModelEntity newModel(RegistryRules.NewModel m, String actor) {
        Instant now = clock.instant();
        RegisteredModelEntity e = new RegisteredModelEntity();
        e.name = m.name();
        e.description = m.description();
        e.queue = m.queue();
        e.tags = m.tags() == null ? new TreeMap<>() : new TreeMap<>(m.tags());
        e.nextVersion = 1;
        e.createdBy = actor;
        e.createdAt = now;
        e.updatedAt = now;
        e.persist();
        return e;
    }

    private ModelVersionEntity register(RegisteredModelEntity m, RegistryRules.NewVersion v, String actor) {
        Instant now = clock.instant();
        ModelVersionEntity e = new ModelVersionEntity();
        e.key = new ModelVersionEntity.Key(m.id, m.nextVersion);
        e.artifactUri = v.artifactUri();
        e.sha256 = v.sha256();
        e.format = v.format();
        e.params = v.params() == null ? new TreeMap<>() : new TreeMap<>(v.params());
        e.metrics = v.metrics() == null ? new TreeMap<>() : new TreeMap<>(v.metrics());
        e.tags = v.tags() == null ? new TreeMap<>() : new TreeMap<>(v.tags());
        e.description = v.description();
        e.sourceWorkloadId = v.sourceWorkloadId();
        e.sourceAttempt = v.sourceAttempt();
        e.runId = v.runId();
        e.runLink = v.runLink();
        e.status = (v.status() == null ? VersionStatus.READY : v.status()).name();
        e.createdBy = actor;
        e.createdAt = now;
        e.updatedAt = now;
        e.persist();
        m.nextVersion++;
        m.updatedAt = now;
        audit(m, actor, "version.registered", m.name + "/" + e.key.version(), null, json(versionView(m, e)));
        outbox.add(new ModelEvent.ModelVersionRegistered(m.name, e.key.version(), e.artifactUri, e.sourceWorkloadId,
                now, e.sourceAttempt, e.sha256, actor));
        metrics.counter("capstan.registry.versions.registered", "source",
                e.sourceWorkloadId != null ? "training" : "api").increment();
        return e;
    }

    private AliasView move(RegisteredModelEntity m, ModelAliasEntity current, String alias, int version,
            MoveKind kind, String actor, String reason, String cause) {
        Instant now = clock.instant();
        Integer from = current == null ? null : current.version;
        String before = current == null ? null : json(aliasView(m, current));
        ModelAliasEntity a = current;
        if (a == null) {
            a = new ModelAliasEntity();
            a.key = new ModelAliasEntity.Key(m.id, alias);
            a.revision = 0;
        }
        a.version = version;
        a.revision = nextRevision(m.id, alias, a.revision);
        a.movedAt = now;
        if (current == null) {
            a.persist();
        }
        recordMove(m, alias, from, version, kind, actor, reason, cause, now);
        audit(m, actor, kind == MoveKind.ROLLBACK ? "alias.rolled-back" : "alias.moved", m.name + "@" + alias,
                before, json(aliasView(m, a)));
        outbox.add(new ModelEvent.ModelAliasMoved(m.name, alias, from, version, reason, now, actor));
        metrics.counter("capstan.registry.alias.moves", "kind", kind.name().toLowerCase()).increment();
        return aliasView(m, a);
    }

    /**
     * The next revision of an alias: one more than every move it ever had, so an alias removed and set again
     * never reuses an entity tag a client may still hold.
     */
    private long nextRevision(long modelId, String alias, long current) {
        long moves = AliasMoveEntity.count("modelId = ?1 and alias = ?2", modelId, alias);
        return Math.max(current, moves) + 1;
    }

    private void recordMove(RegisteredModelEntity m, String alias, Integer from, Integer to, MoveKind kind,
            String actor, String reason, String cause, Instant at) {
        AliasMoveEntity r = new AliasMoveEntity();
        r.modelId = m.id;
        r.alias = alias;
        r.fromVersion = from;
        r.toVersion = to;
        r.kind = kind.name();
        r.actor = actor;
        r.reason = reason;
        r.cause = cause;
        r.at = at;
        r.persist();
    }

    private void precondition(RegisteredModelEntity m, String alias, ModelAliasEntity current, String ifMatch) {
        Long revision = current == null ? null : current.revision;
        if (!AliasPrecondition.holds(ifMatch, revision)) {
            throw new RegistryException.PreconditionFailed("alias '" + m.name + "@" + alias + "' is at "
                    + (revision == null ? "no revision (unset)" : "revision " + AliasPrecondition.etag(revision))
                    + ", not " + ifMatch + ": someone moved it since you read it",
                    revision == null ? null : AliasPrecondition.etag(revision));
        }
    }

    private void audit(RegisteredModelEntity m, String actor, String action, String target, String before,
            String after) {
        AuditEntryEntity a = new AuditEntryEntity();
        a.modelId = m.id;
        a.modelName = m.name;
        a.actor = actor;
        a.action = action;
        a.target = target;
        a.before = before;
        a.after = after;
        a.at = clock.instant();
        a.persist();
    }

    private static Optional<RegisteredModelEntity> live(String name) {
        return RegisteredModelEntity.find("name = ?1 and deletedAt is null", name).firstResultOptional();
    }

    private static Optional<RegisteredModelEntity> liveLocked(String name) {
        return RegisteredModelEntity.find("name = ?1 and deletedAt is null", name)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    private static RegisteredModelEntity require(String name, boolean lock) {
        return (lock ? liveLocked(name) : live(name)).orElseThrow(() -> new RegistryException.NotFound(
                "registered model '" + name + "' does not exist"));
    }

    private static ModelVersionEntity requireVersion(RegisteredModelEntity m, int version) {
        ModelVersionEntity v = ModelVersionEntity.findById(new ModelVersionEntity.Key(m.id, version));
        if (v == null || v.deletedAt != null) {
            throw new RegistryException.NotFound("version " + version + " of registered model '" + m.name
                    + "' does not exist");
        }
        return v;
    }

    /** Versions that can be served now: READY and not deleted (their numbers only; nothing else is needed). */
    private Set<Integer> servable(long modelId) {
        return new HashSet<>(em.createQuery("select v.key.version from ModelVersionEntity v where v.key.modelId = :m "
                + "and v.status = :s and v.deletedAt is null", Integer.class).setParameter("m", modelId)
                .setParameter("s", VersionStatus.READY.name()).getResultList());
    }

    private static List<String> aliasesOf(long modelId, int version) {
        return ModelAliasEntity.<ModelAliasEntity>list("key.modelId = ?1 and version = ?2", Sort.ascending("key.alias"),
                modelId, version).stream().map(a -> a.key.alias()).toList();
    }

    private static String modelWhere(ModelQuery q, Map<String, Object> params, String m, boolean modelTags) {
        StringBuilder where = new StringBuilder(m + ".deleted_at is null");
        if (q.name() != null) {
            where.append(" and ").append(m).append(".name = :name");
            params.put("name", q.name());
        }
        if (q.namePattern() != null) {
            where.append(" and ").append(m).append(q.ignoreCase() ? ".name ilike :pattern" : ".name like :pattern");
            params.put("pattern", q.namePattern());
        }
        if (q.queue() != null) {
            where.append(" and ").append(m).append(".queue = :queue");
            params.put("queue", q.queue());
        }
        if (modelTags) {
            // A model search: tags are the model's. (A version search filters version tags itself.)
            int i = 0;
            for (var t : q.tags().entrySet()) {
                where.append(" and ").append(m).append(".tags ->> :mk").append(i).append(" = :mv").append(i);
                params.put("mk" + i, t.getKey());
                params.put("mv" + i, t.getValue());
                i++;
            }
        }
        return where.toString();
    }

    private static Query bind(Query q, Map<String, Object> params) {
        params.forEach(q::setParameter);
        return q;
    }

    private static void checkPage(int page, int size) {
        List<FieldError> errors = new ArrayList<>();
        if (page < 0) {
            errors.add(new FieldError("page", "must be 0 or more"));
        }
        if (size < 1 || size > MAX_PAGE) {
            errors.add(new FieldError("size", "must be between 1 and " + MAX_PAGE));
        }
        invalidIfAny(errors);
    }

    private static void checkSlice(long offset, int limit) {
        List<FieldError> errors = new ArrayList<>();
        if (offset < 0) {
            errors.add(new FieldError("offset", "must be 0 or more"));
        }
        if (limit < 1 || limit > MAX_PAGE) {
            errors.add(new FieldError("limit", "must be between 1 and " + MAX_PAGE));
        }
        invalidIfAny(errors);
    }

    private static void invalidIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new RegistryException.Invalid(errors);
        }
    }

    private ModelView modelView(RegisteredModelEntity e) {
        Map<String, Integer> aliases = new LinkedHashMap<>();
        Integer latest = null;
        if (e.id != null) {
            ModelAliasEntity.<ModelAliasEntity>list("key.modelId", Sort.ascending("key.alias"), e.id)
                    .forEach(a -> aliases.put(a.key.alias(), a.version));
            latest = (Integer) em.createQuery("select max(v.key.version) from ModelVersionEntity v "
                    + "where v.key.modelId = :m and v.deletedAt is null").setParameter("m", e.id).getSingleResult();
        }
        return modelView(e, aliases, latest);
    }

    /**
     * Views of a page of models with two queries in all (their aliases, their newest versions) instead of two per
     * model: a search page of 50 made 101 round trips before.
     */
    private List<ModelView> modelViews(List<RegisteredModelEntity> models) {
        if (models.isEmpty()) {
            return List.of();
        }
        List<Long> ids = models.stream().map(e -> e.id).toList();
        Map<Long, Map<String, Integer>> aliases = new HashMap<>();
        ModelAliasEntity.<ModelAliasEntity>list("key.modelId in ?1", Sort.ascending("key.modelId", "key.alias"), ids)
                .forEach(a -> aliases.computeIfAbsent(a.key.modelId(), id -> new LinkedHashMap<>())
                        .put(a.key.alias(), a.version));
        Map<Long, Integer> latest = new HashMap<>();
        // Per model, max() walks the primary key backwards from the newest version (a grouped max over all the
        // page's versions read every one of them, 2,500 rows for 50 models of 50 versions).
        @SuppressWarnings("unchecked")
        List<Object[]> newest = em.createNativeQuery("select m.id, (select max(v.version) from model_version v "
                + "where v.model_id = m.id and v.deleted_at is null) from registered_model m where m.id in (:ids)",
                Object[].class).setParameter("ids", ids).getResultList();
        newest.forEach(r -> latest.put(((Number) r[0]).longValue(), r[1] == null ? null : ((Number) r[1]).intValue()));
        return models.stream().map(e -> modelView(e, aliases.getOrDefault(e.id, new LinkedHashMap<>()),
                latest.get(e.id))).toList();
    }

    private static ModelView modelView(RegisteredModelEntity e, Map<String, Integer> aliases, Integer latest) {
        return new ModelView(e.name, e.description, e.queue, Map.copyOf(e.tags), aliases, latest, e.createdBy,
                e.createdAt, e.updatedAt);
    }

    private static VersionView versionView(RegisteredModelEntity m, ModelVersionEntity v) {
        return new VersionView(m.name, v.key.version(), v.artifactUri, v.sha256, v.format, Map.copyOf(v.params),
                Map.copyOf(v.metrics), Map.copyOf(v.tags), v.description,
                v.sourceWorkloadId == null ? null : new Source(v.sourceWorkloadId, v.sourceAttempt), v.runId, v.runLink,
                v.status,
                aliasesOf(m.id, v.key.version()), v.createdBy, v.createdAt, v.updatedAt);
    }

    private static AliasView aliasView(RegisteredModelEntity m, ModelAliasEntity a) {
        return new AliasView(m.name, a.key.alias(), a.version, a.revision, AliasPrecondition.etag(a.revision),
                a.movedAt);
    }

    private static MoveView moveView(RegisteredModelEntity m, AliasMoveEntity r) {
        return new MoveView(r.id, m.name, r.alias, r.fromVersion, r.toVersion, MoveKind.valueOf(r.kind), r.actor,
                r.reason, r.cause, r.at);
    }

    private static AliasMove move(AliasMoveEntity r) {
        return new AliasMove(r.id, r.alias, r.fromVersion, r.toVersion, MoveKind.valueOf(r.kind), r.actor, r.reason,
                r.cause, r.at);
    }

    private static String json(Object value) {
        try {
            return EventCodec.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.capstan.registry.service;

import dev.capstan.events.TrialEvent;
import dev.capstan.registry.domain.FieldError;
import dev.capstan.registry.domain.KeyValue;
import dev.capstan.registry.domain.MetricPoint;
import dev.capstan.registry.domain.MlflowFilter;
import dev.capstan.registry.domain.RegistryRules;
import dev.capstan.registry.domain.RunStatus;
import dev.capstan.registry.domain.TrackingRules;
import dev.capstan.registry.domain.TrackingSearch;
import dev.capstan.registry.persistence.RunLatestMetricEntity;
import dev.capstan.registry.persistence.RunMetricEntity;
import dev.capstan.registry.persistence.TrackingExperimentEntity;
import dev.capstan.registry.persistence.TrackingRunEntity;
import dev.capstan.registry.persistence.TrackingSearchSql;
import dev.capstan.registry.service.TrackingViews.Chunk;
import dev.capstan.registry.service.TrackingViews.ExperimentView;
import dev.capstan.registry.service.TrackingViews.RunView;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The use cases of MLflow's tracking API: experiments, runs, and what a trainer logs into a run (metric points,
 * params, tags). Every write to a run runs under a lock on the run's row, so that params stay immutable and the latest
 * value of each metric is decided once, however many clients log to the run at a time. Metric points are appended and
 * never changed ({@code run_metric}, ordered by id). A run tagged with a trial's workload id
 * ({@link TrialEvent#TRIAL_TAG}) is a tuning trial's: each point stored into it (not one logged again) is published
 * as {@link TrialEvent.TrialMetricReported} on {@code capstan.trial-metrics} through the outbox, in the transaction
 * that stores it.
 */
@ApplicationScoped
public class TrackingService {

    /** MLflow's Default experiment, where a run created without an experiment goes. */
    public static final long DEFAULT_EXPERIMENT = 0;
    /** Where an experiment created without an artifact location says its artifacts are, as an MLflow server does. */
    static final String DEFAULT_ARTIFACT_ROOT = "mlflow-artifacts:/";

    private final Clock clock;
    private final EntityManager em;
    private final MeterRegistry metrics;
    private final Outbox outbox;

    TrackingService(Clock clock, EntityManager em, MeterRegistry metrics, Outbox outbox) {
        this.clock = clock;
        this.em = em;
        this.metrics = metrics;
        this.outbox = outbox;
    }

    // ---------------------------------------------------------------- experiments

    /** Creates an experiment; a name already taken is AlreadyExists, as in MLflow. */
    @Transactional
    public ExperimentView createExperiment(String name, String artifactLocation, List<KeyValue> tags) {
        List<FieldError> errors = new ArrayList<>();
        TrackingRules.experimentName("name", name, errors);
        TrackingRules.length("artifact_location", artifactLocation, RegistryRules.MAX_ARTIFACT_URI, errors);
        Map<String, String> tagMap = tags("tags", tags, TrackingRules::experimentTag, errors);
        invalidIfAny(errors);
        if (TrackingExperimentEntity.count("name", name) > 0) {
            throw new RegistryException.AlreadyExists("Experiment(name=" + name + ") already exists");
        }
        Instant now = clock.instant();
        TrackingExperimentEntity e = new TrackingExperimentEntity();
        e.name = name;
        e.artifactLocation = artifactLocation == null ? "" : artifactLocation;
        e.tags = tagMap;
        e.createdAt = now;
        e.updatedAt = now;
        e.persist();
        if (e.artifactLocation.isEmpty()) {
            // The id is known only once the row exists.
            e.artifactLocation = DEFAULT_ARTIFACT_ROOT + e.id;
        }
        return view(e);
    }

    /** An experiment by id, or NotFound. */
    @Transactional
    public ExperimentView experiment(long id) {
        return view(requireExperiment(id));
    }

    /** An experiment by name, or NotFound. */
    @Transactional
    public ExperimentView experimentByName(String name) {
        return TrackingExperimentEntity.<TrackingExperimentEntity>find("name", name).firstResultOptional()
                .map(TrackingService::view).orElseThrow(() -> new RegistryException.NotFound(
                        "Could not find experiment with name '" + name + "'"));
    }

    /** Experiments meeting the filter's criteria, in the given order, from the {@code offset}-th on. */
    @Transactional
    public Chunk<ExperimentView> searchExperiments(MlflowFilter.Criteria criteria,
            List<TrackingSearch.OrderTerm> order, long offset, int limit) {
        TrackingSearchSql.Sql sql = TrackingSearchSql.experimentIds(criteria, order, offset, limit);
        List<Long> ids = ids(sql).stream().map(id -> ((Number) id).longValue()).toList();
        Map<Long, TrackingExperimentEntity> byId = ids.isEmpty() ? Map.of()
                : TrackingExperimentEntity.<TrackingExperimentEntity>list("id in ?1", ids).stream()
                        .collect(Collectors.toMap(e -> e.id, Function.identity()));
        return Chunk.of(ids.stream().map(byId::get).map(TrackingService::view).toList(), offset, limit);
    }

    // ---------------------------------------------------------------- runs

    /**
     * Creates a run, RUNNING, in an existing experiment. Its name is {@code runName}, else its {@code mlflow.runName}
     * tag, else one made from its id; the tag is set to the name either way, as MLflow does. Without a start time the
     * run starts now; without a user it belongs to {@code actor}.
     */
    @Transactional
    public RunView createRun(long experimentId, String userId, String runName, Long startTime, List<KeyValue> tags,
            String actor) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> tagMap = tags("tags", tags, TrackingRules::tag, errors);
        String runId = UUID.randomUUID().toString().replace("-", "");
        String name = TrackingRules.runName(runName, tagMap, "run-" + runId.substring(0, 8), errors);
        TrackingRules.length("user_id", userId, TrackingRules.MAX_USER, errors);
        invalidIfAny(errors);
        TrackingExperimentEntity experiment = requireExperiment(experimentId);
        tagMap.put(TrackingRules.RUN_NAME_TAG, name);
        Instant now = clock.instant();
        TrackingRunEntity r = new TrackingRunEntity();
        r.runId = runId;
        r.experimentId = experiment.id;
        r.runName = name;
        r.userId = userId == null || userId.isEmpty() ? actor : userId;
        r.status = RunStatus.RUNNING.name();
        r.startTime = startTime == null ? now.toEpochMilli() : startTime;
        r.artifactUri = experiment.artifactLocation + "/" + runId + "/artifacts";
        r.params = new TreeMap<>();
        r.tags = tagMap;
        r.createdAt = now;
        r.updatedAt = now;
        r.persist();
        return view(r, List.of());
    }

    /**
     * Changes a run's status, end time and/or name (null leaves each as it is; a new name also sets the
     * {@code mlflow.runName} tag).
     */
    @Transactional
    public RunView updateRun(String runId, RunStatus status, Long endTime, String runName) {
        List<FieldError> errors = new ArrayList<>();
        TrackingRules.length("run_name", runName, TrackingRules.MAX_RUN_NAME, errors);
        invalidIfAny(errors);
        TrackingRunEntity r = lockRun(runId);
        if (status != null) {
            r.status = status.name();
        }
        if (endTime != null) {
            r.endTime = endTime;
        }
        if (runName != null && !runName.isEmpty()) {
            rename(r, runName);
        }
        r.updatedAt = clock.instant();
        return view(r, latest(List.of(runId)).getOrDefault(runId, List.of()));
    }

    /** A run with its latest metrics, params and tags, or NotFound. */
    @Transactional
    public RunView run(String runId) {
        TrackingRunEntity r = TrackingRunEntity.<TrackingRunEntity>findByIdOptional(runId)
                .orElseThrow(() -> runNotFound(runId));
        return view(r, latest(List.of(runId)).getOrDefault(runId, List.of()));
    }

    /**
     * Runs of the given experiments that meet every condition, in the given order (then newest start first), from
     * the {@code offset}-th on.
     */
    @Transactional
    public Chunk<RunView> searchRuns(List<Long> experimentIds, List<TrackingSearch.Condition> conditions,
            List<TrackingSearch.OrderTerm> order, long offset, int limit) {
        if (experimentIds.isEmpty()) {
            return new Chunk<>(List.of(), null);
        }
        List<String> ids = ids(TrackingSearchSql.runIds(experimentIds, conditions, order, offset, limit)).stream()
                .map(String::valueOf).toList();
        if (ids.isEmpty()) {
            return new Chunk<>(List.of(), null);
        }
        Map<String, TrackingRunEntity> byId = TrackingRunEntity.<TrackingRunEntity>list("runId in ?1", ids).stream()
                .collect(Collectors.toMap(r -> r.runId, Function.identity()));
        Map<String, List<MetricPoint>> latest = latest(ids);
        return Chunk.of(ids.stream().map(id -> view(byId.get(id), latest.getOrDefault(id, List.of()))).toList(),
                offset, limit);
    }

    // ---------------------------------------------------------------- logging

    /**
     * Logs metric points, params and tags into a run, all or nothing: MLflow's batch limits, key and value rules,
     * params that may be logged again only with the same value, tags where the last value wins. A point already
     * stored (same key, step, timestamp and value) is not stored again.
     */
    @Transactional
    public void logBatch(String runId, List<MetricPoint> points, List<KeyValue> params, List<KeyValue> tags) {
        List<FieldError> errors = new ArrayList<>();
        TrackingRules.batchSize(points.size(), params.size(), tags.size(), errors);
        if (errors.isEmpty()) {
            for (int i = 0; i < points.size(); i++) {
                TrackingRules.metric("metrics[" + i + "]", points.get(i), errors);
            }
            for (int i = 0; i < params.size(); i++) {
                TrackingRules.param("params[" + i + "]", params.get(i), errors);
            }
            for (int i = 0; i < tags.size(); i++) {
                TrackingRules.tag("tags[" + i + "]", tags.get(i), errors);
            }
            TrackingRules.uniqueParamKeys(params, errors);
        }
        invalidIfAny(errors);
        TrackingRunEntity r = lockRun(runId);
        TrackingRules.unchangedParams(runId, r.params, params, errors);
        invalidIfAny(errors);
        if (!params.isEmpty()) {
            Map<String, String> all = new TreeMap<>(r.params);
            params.forEach(p -> all.put(p.key(), TrackingRules.valueOrEmpty(p.value())));
            r.params = all;
        }
        if (!tags.isEmpty()) {
            Map<String, String> all = new TreeMap<>(r.tags);
            tags.forEach(t -> all.put(t.key(), TrackingRules.valueOrEmpty(t.value())));
            r.tags = all;
            String name = all.get(TrackingRules.RUN_NAME_TAG);
            if (name != null && !name.isEmpty()) {
                r.runName = name;
            }
        }
        if (!points.isEmpty()) {
            List<MetricPoint> stored = append(runId, points);
            raiseLatest(runId, points);
            String trial = r.tags.get(TrialEvent.TRIAL_TAG);
            if (trial != null && !trial.isBlank()) {
                stored.forEach(p -> outbox.add(TrialEvent.TrialMetricReported.of(trial, runId, p.key(), p.value(),
                        p.step(), Instant.ofEpochMilli(p.timestamp()))));
            }
        }
        r.updatedAt = clock.instant();
    }

    /**
     * A metric's points in a run, by step, then timestamp, then value, from the {@code offset}-th on; empty for a
     * metric the run never logged, NotFound for a missing run.
     */
    @Transactional
    public Chunk<MetricPoint> metricHistory(String runId, String key, long offset, int limit) {
        if (TrackingRunEntity.count("runId", runId) == 0) {
            throw runNotFound(runId);
        }
        if (offset + limit >= Integer.MAX_VALUE) {
            return new Chunk<>(List.of(), null); // past any history a run can hold
        }
        List<MetricPoint> points = RunMetricEntity.<RunMetricEntity>find("runId = ?1 and metricKey = ?2",
                Sort.by("step").and("timestampMs").and("value"), runId, key)
                .range(Math.toIntExact(offset), Math.toIntExact(offset + limit)).list().stream()
                .map(m -> new MetricPoint(m.metricKey, m.value, m.timestampMs, m.step)).toList();
        return Chunk.of(points, offset, limit);
    }

    // ---------------------------------------------------------------- internals

    /**
     * Appends the points with one statement; a point stored before is skipped (the unique index on the point), so a
     * retried request stores nothing twice. Returns the points stored now.
     */
    private List<MetricPoint> append(String runId, List<MetricPoint> points) {
        StringBuilder sql = new StringBuilder(
                "insert into run_metric (run_id, metric_key, value, timestamp_ms, step, logged_at) values ");
        for (int i = 0; i < points.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:run, :k").append(i).append(", :v").append(i).append(", :t")
                    .append(i).append(", :s").append(i).append(", :at)");
        }
        Query q = em.createNativeQuery(sql.append(" on conflict do nothing returning metric_key, value, timestamp_ms, "
                + "step").toString()).setParameter("run", runId).setParameter("at", clock.instant());
        for (int i = 0; i < points.size(); i++) {
            MetricPoint p = points.get(i);
            q.setParameter("k" + i, p.key()).setParameter("v" + i, p.value()).setParameter("t" + i, p.timestamp())
                    .setParameter("s" + i, p.step());
        }
        List<MetricPoint> stored = new ArrayList<>();
        for (Object row : q.getResultList()) {
            Object[] c = (Object[]) row;
            stored.add(new MetricPoint((String) c[0], ((Number) c[1]).doubleValue(), ((Number) c[2]).longValue(),
                    ((Number) c[3]).longValue()));
        }
        metrics.counter("capstan.registry.tracking.points").increment(stored.size());
        return stored;
    }

    /** Moves each metric's latest point forward where the batch holds a later one ({@link MetricPoint#supersedes}). */
    private void raiseLatest(String runId, List<MetricPoint> points) {
        Map<String, MetricPoint> newest = MetricPoint.latestByKey(points);
        Map<String, RunLatestMetricEntity> stored = RunLatestMetricEntity.<RunLatestMetricEntity>list(
                "key.runId = ?1 and key.metricKey in ?2", runId, newest.keySet()).stream()
                .collect(Collectors.toMap(e -> e.key.metricKey(), Function.identity()));
        for (MetricPoint p : newest.values()) {
            RunLatestMetricEntity e = stored.get(p.key());
            if (e == null) {
                e = new RunLatestMetricEntity();
                e.key = new RunLatestMetricEntity.Key(runId, p.key());
                set(e, p);
                e.persist();
            } else if (p.supersedes(point(e))) {
                set(e, p);
            }
        }
    }

    private static void set(RunLatestMetricEntity e, MetricPoint p) {
        e.value = p.value();
        e.timestampMs = p.timestamp();
        e.step = p.step();
    }

    private static MetricPoint point(RunLatestMetricEntity e) {
        return new MetricPoint(e.key.metricKey(), e.value, e.timestampMs, e.step);
    }

    /** The latest points of the runs, by run, each run's by key. */
    private static Map<String, List<MetricPoint>> latest(List<String> runIds) {
        Map<String, List<MetricPoint>> out = new HashMap<>();
        RunLatestMetricEntity.<RunLatestMetricEntity>list("key.runId in ?1", runIds).stream()
                .sorted(Comparator.comparing(e -> e.key.metricKey()))
                .forEach(e -> out.computeIfAbsent(e.key.runId(), id -> new ArrayList<>()).add(point(e)));
        return out;
    }

    private static void rename(TrackingRunEntity r, String name) {
        r.runName = name;
        Map<String, String> tags = new TreeMap<>(r.tags);
        tags.put(TrackingRules.RUN_NAME_TAG, name);
        r.tags = tags;
    }

    /**
     * Checks a list of tags with {@code rule} under {@code field} (at most MLflow's 100 tags per batch) and returns
     * them as a map in which a later tag of the same key wins.
     */
    private static Map<String, String> tags(String field, List<KeyValue> tags, TagRule rule, List<FieldError> errors) {
        Map<String, String> out = new TreeMap<>();
        if (tags == null) {
            return out;
        }
        if (tags.size() > TrackingRules.MAX_TAGS_PER_BATCH) {
            errors.add(new FieldError(field, "at most " + TrackingRules.MAX_TAGS_PER_BATCH + " tags, got "
                    + tags.size()));
            return out;
        }
        for (int i = 0; i < tags.size(); i++) {
            KeyValue t = tags.get(i);
            rule.check(field + "[" + i + "]", t, errors);
            if (t.key() != null) {
                out.put(t.key(), TrackingRules.valueOrEmpty(t.value()));
            }
        }
        return out;
    }

    /** One of TrackingRules' checks of a key and value. */
    @FunctionalInterface
    private interface TagRule {
        void check(String field, KeyValue tag, List<FieldError> errors);
    }

    @SuppressWarnings("unchecked")
    private List<Object> ids(TrackingSearchSql.Sql sql) {
        Query q = em.createNativeQuery(sql.text());
        sql.params().forEach(q::setParameter);
        return q.getResultList();
    }

    private static TrackingExperimentEntity requireExperiment(long id) {
        return TrackingExperimentEntity.<TrackingExperimentEntity>findByIdOptional(id).orElseThrow(
                () -> new RegistryException.NotFound("No Experiment with id=" + id + " exists"));
    }

    private static TrackingRunEntity lockRun(String runId) {
        return TrackingRunEntity.<TrackingRunEntity>findByIdOptional(runId, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> runNotFound(runId));
    }

    private static RegistryException.NotFound runNotFound(String runId) {
        return new RegistryException.NotFound("Run with id=" + runId + " not found");
    }

    private static void invalidIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new RegistryException.Invalid(errors);
        }
    }

    private static ExperimentView view(TrackingExperimentEntity e) {
        return new ExperimentView(e.id, e.name, e.artifactLocation, new LinkedHashMap<>(e.tags), e.createdAt,
                e.updatedAt);
    }

    private static RunView view(TrackingRunEntity r, List<MetricPoint> latest) {
        return new RunView(r.runId, r.experimentId, r.runName, r.userId, RunStatus.valueOf(r.status), r.startTime,
                r.endTime, r.artifactUri, latest, new TreeMap<>(r.params), new TreeMap<>(r.tags));
    }
}

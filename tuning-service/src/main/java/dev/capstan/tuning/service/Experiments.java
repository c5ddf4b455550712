package dev.capstan.tuning.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.events.EventCodec;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.TuningEvent;
import dev.capstan.events.TuningExperimentSpec;
import dev.capstan.support.outbox.Outbox;
import dev.capstan.tuning.domain.CategoricalParameter;
import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.Decision;
import dev.capstan.tuning.domain.ExperimentSpec;
import dev.capstan.tuning.domain.Objective;
import dev.capstan.tuning.domain.FieldProblem;
import dev.capstan.tuning.domain.IntParameter;
import dev.capstan.tuning.domain.Parameter;
import dev.capstan.tuning.domain.ParameterValue;
import dev.capstan.tuning.domain.Report;
import dev.capstan.tuning.domain.Trial;
import dev.capstan.tuning.domain.TrialState;
import dev.capstan.tuning.domain.Tuner;
import dev.capstan.tuning.domain.Tuners;
import dev.capstan.tuning.persistence.ExperimentEntity;
import dev.capstan.tuning.persistence.TrialEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The experiments and their trials in PostgreSQL, and every state change: what a request, a metric, a workload's end
 * or the driver's next look does. Each change locks its experiment's row first, so the Kafka consumers, REST and the
 * driver never decide on a stale view. Decisions are stored before anything is done about them (a trial to submit,
 * a workload to cancel, a model version to register): the driver carries them out, idempotently, after any restart.
 */
@ApplicationScoped
public class Experiments {

    private static final Logger LOG = Logger.getLogger(Experiments.class);
    static final ObjectMapper JSON = EventCodec.mapper();
    private static final TypeReference<List<double[]>> REPORTS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> TEXT_MAP = new TypeReference<>() {
    };

    /** Experiment states. */
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String STOPPED = "STOPPED";

    private final Clock clock;
    private final Outbox outbox;

    Experiments(Clock clock, Outbox outbox) {
        this.clock = clock;
        this.outbox = outbox;
    }

    /** Thrown when the request cannot run; each problem names its field. */
    public static final class Invalid extends RuntimeException {
        public final List<FieldProblem> problems;

        public Invalid(List<FieldProblem> problems) {
            super(problems.stream().map(FieldProblem::toString).collect(Collectors.joining("; ")));
            this.problems = problems;
        }
    }

    /** An experiment of that name exists already. */
    public static final class Exists extends RuntimeException {
        public Exists(String name) {
            super("experiment '" + name + "' exists");
        }
    }

    /** No such experiment or trial. */
    public static final class NotFound extends RuntimeException {
        public NotFound(String what) {
            super(what);
        }
    }

    // ------------------------------------------------------------------------------------------------ requests

    /** Validates and stores a new experiment; the driver starts its first trials within its next look. */
    @Transactional
    public ExperimentView create(TuningExperimentSpec request) {
        return create(request, null);
    }

    /**
     * An experiment submitted through the Kafka ingress ({@code ExperimentSubmitted} from submission-service):
     * created as over REST, unless this request created it already (a record delivered again). Invalid, or a name
     * another request took: {@link Invalid} or {@link Exists}, for the dead-letter topic.
     */
    @Transactional
    public ExperimentView createSubmitted(String requestId, TuningExperimentSpec request) {
        if (request != null && request.name() != null && requestId != null) {
            ExperimentEntity existing = ExperimentEntity.findById(request.name());
            if (existing != null && requestId.equals(existing.requestId)) {
                return view(existing, trials(existing.name));
            }
        }
        return create(request, requestId);
    }

    private ExperimentView create(TuningExperimentSpec request, String requestId) {
        if (request == null) {
            throw new Invalid(List.of(new FieldProblem("body", "is required")));
        }
        ExperimentRequests.Mapped mapped = ExperimentRequests.toSpec(request);
        List<FieldProblem> problems = new ArrayList<>(mapped.problems());
        if (mapped.spec() != null && request.trialTemplate() != null) {
            problems.addAll(TrialJobs.problems(request.trialTemplate(), mapped.spec().searchSpace().parameters()
                    .stream().map(Parameter::name).collect(Collectors.toSet()),
                    request.model() == null ? null : request.model().artifactUri()));
        }
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        if (ExperimentEntity.findById(request.name()) != null) {
            throw new Exists(request.name());
        }
        ExperimentEntity e = new ExperimentEntity();
        e.name = request.name();
        e.request = write(request);
        e.requestId = requestId;
        e.state = RUNNING;
        e.createdAt = clock.instant();
        e.persist();
        experimentChanged(e, Optional.empty());
        return view(e, List.of());
    }

    @Transactional
    public Optional<ExperimentView> find(String name) {
        ExperimentEntity e = ExperimentEntity.findById(name);
        return e == null ? Optional.empty() : Optional.of(view(e, trials(name)));
    }

    /** Every experiment, newest first, without their trials. */
    @Transactional
    public List<ExperimentView> list() {
        List<ExperimentEntity> all = ExperimentEntity.list("order by createdAt desc");
        List<ExperimentView> views = new ArrayList<>();
        for (ExperimentEntity e : all) {
            views.add(view(e, trials(e.name)).withoutTrials());
        }
        return views;
    }

    /** Stops an experiment: no new trials, running ones cancelled. */
    @Transactional
    public ExperimentView stop(String name, String reason) {
        ExperimentEntity e = lock(name);
        List<TrialEntity> entities = trials(name);
        if (RUNNING.equals(e.state)) {
            String why = reason == null || reason.isBlank() ? "stopped by user" : reason;
            for (TrialEntity t : entities) {
                if (TrialState.RUNNING.name().equals(t.state)) {
                    halt(t, TrialState.STOPPED, "experiment stopped: " + why);
                } else if (TrialState.PAUSED.name().equals(t.state)) {
                    move(t, TrialState.STOPPED, "experiment stopped: " + why);
                }
            }
            end(e, STOPPED, why, entities, ExperimentRequests.toSpec(request(e)).spec().objective());
        }
        return view(e, entities);
    }

    // ------------------------------------------------------------------------------------------------ metrics

    /** What became of a report. */
    public enum Outcome { APPLIED, DUPLICATE, IGNORED, TRIAL_FAILED }

    /**
     * A metric point of a trial (from {@code capstan.trial-metrics} or REST). Only the objective's metric counts; a
     * point of a trial that does not run is ignored, one seen before is a duplicate. A value that is not a number,
     * or a step before the last, fails the trial with that reason (the experiment goes on). Otherwise the stopping
     * rule decides whether the trial goes on, stops or pauses.
     *
     * @param value NaN or infinite when the trainer logged that
     */
    @Transactional
    public Outcome report(String trialId, String metric, long step, double value, Instant at) {
        TrialEntity.Key key = keyOf("t.trialId = ?1", trialId);
        if (key == null) {
            throw new NotFound("no trial " + trialId);
        }
        ExperimentEntity e = lock(key.experiment());
        TuningExperimentSpec request = request(e);
        if (!request.objective().metric().equals(metric)) {
            return Outcome.IGNORED;
        }
        List<TrialEntity> entities = trials(e.name);
        TrialEntity t = entities.stream().filter(x -> x.trialId.equals(trialId)).findFirst().orElseThrow();
        boolean late = t.syncPending; // its job ended; a point logged before that may come after the end
        if (!late && (!TrialState.RUNNING.name().equals(t.state) || !RUNNING.equals(e.state))) {
            return Outcome.IGNORED;
        }
        List<double[]> reports = reports(t);
        if (reports.stream().anyMatch(r -> (long) r[0] == step)) {
            return Outcome.DUPLICATE;
        }
        if (late) {
            merge(t, List.of(new Platform.Point(step, value, at)), metric);
            return Outcome.APPLIED;
        }
        if (!Double.isFinite(value)) {
            halt(t, TrialState.FAILED, metric + " is " + value + " at step " + step);
            return Outcome.TRIAL_FAILED;
        }
        if (!reports.isEmpty() && step < (long) reports.get(reports.size() - 1)[0]) {
            halt(t, TrialState.FAILED, "step " + step + " after step " + (long) reports.get(reports.size() - 1)[0]
                    + ": steps went backwards");
            return Outcome.TRIAL_FAILED;
        }
        double cost = costAt(t, at);
        if (!reports.isEmpty()) {
            cost = Math.max(cost, reports.get(reports.size() - 1)[1]);
        }
        reports.add(new double[] {step, cost, value});
        t.reports = write(reports);
        t.updatedAt = clock.instant();
        ExperimentSpec spec = ExperimentRequests.toSpec(request).spec();
        Tuner tuner = Tuners.of(spec);
        List<Trial> domain = domain(spec, entities);
        Trial trial = domain.get(t.key.number());
        Decision d = tuner.afterReport(trial, domain);
        if (d == Decision.STOP) {
            halt(t, TrialState.STOPPED, "stopped early at step " + step + " (" + metric + " " + value + ")");
        } else if (d == Decision.PAUSE) {
            halt(t, TrialState.PAUSED, "paused at step " + step + " (" + metric + " " + value + ")");
        }
        return Outcome.APPLIED;
    }

    // ------------------------------------------------------------------------------------------------ workloads

    /** A trial's workload runs: its GPU time counts from now. */
    @Transactional
    public void workloadRunning(String workloadId, Instant at) {
        TrialEntity t = byWorkload(workloadId);
        if (t != null && workloadId.equals(t.workloadId)) {
            t.runStartedAt = at;
        }
    }

    /**
     * A trial's workload ended. Its current run succeeding completes the trial (a trial that reported nothing of the
     * objective fails); failing fails it; a cancellation by someone else stops it. The end of a run the experiment
     * paused or stopped itself changes nothing.
     */
    @Transactional
    public void workloadFinished(String workloadId, String status, String reason) {
        TrialEntity t = byWorkload(workloadId);
        if (t == null) {
            return;
        }
        ExperimentEntity e = ExperimentEntity.findById(t.key.experiment()); // locked by byWorkload
        if (workloadId.equals(t.cancelWorkload)) {
            t.cancelWorkload = null; // it ended on its own before the cancel went out
        }
        if (!workloadId.equals(t.workloadId) || !TrialState.RUNNING.name().equals(t.state)) {
            // An earlier run's workload (a paused trial resumed since as a new one), or a trial already ended.
            return;
        }
        String metric = request(e).objective().metric();
        // The run's points logged before the end may still be on their way: the driver reads the run's history once
        // (see synced) before the trial's result counts.
        t.syncPending = t.mlflowRunId != null;
        switch (status) {
            case "SUCCEEDED" -> {
                if (reports(t).isEmpty() && !t.syncPending) {
                    move(t, TrialState.FAILED, "the job succeeded without reporting " + metric);
                } else {
                    move(t, TrialState.COMPLETED, null);
                }
            }
            case "FAILED" -> {
                move(t, TrialState.FAILED, "job failed: " + (reason == null ? "no reason given" : reason));
            }
            default -> {
                move(t, TrialState.STOPPED, "job " + status.toLowerCase(java.util.Locale.ROOT)
                        + (reason == null ? "" : ": " + reason));
            }
        }
        t.updatedAt = clock.instant();
    }

    // ------------------------------------------------------------------------------------------------ the driver

    /** One run of a trial to submit. */
    public record Submit(String experiment, int number, int run, String trialId, TrainingJobSpec template,
            Configuration configuration, Long resumeStep, String runId) {
        /** The key submission-service deduplicates this run by. */
        public String idempotencyKey() {
            return "tuning/" + experiment + "/" + number + "/" + run;
        }
    }

    /** A workload to cancel. */
    public record Cancel(String experiment, int number, String workloadId, String reason) {
    }

    /** The best trial to register as a model version. */
    public record Register(String experiment, String model, String artifactUri, Map<String, String> params,
            Map<String, Double> metrics, Map<String, String> tags, String runId, String workloadId) {
    }

    /** A trial whose job ended: its run's history of the objective is to be read once. */
    public record Sync(String experiment, int number, String runId, String metric) {
    }

    /** What the driver is to do for one experiment now. */
    public record Work(List<Cancel> cancels, List<Submit> submits, List<Sync> syncs, Register register) {
        public boolean isEmpty() {
            return cancels.isEmpty() && submits.isEmpty() && syncs.isEmpty() && register == null;
        }
    }

    /** Experiments that may have something to do: running ones, and ended ones with work left. */
    @Transactional
    public List<String> active() {
        List<String> names = new ArrayList<>(ExperimentEntity.<ExperimentEntity>list("state = ?1 or modelPending",
                RUNNING).stream().map(e -> e.name).toList());
        TrialEntity.<TrialEntity>list("submitPending or syncPending or cancelWorkload is not null").forEach(t -> {
            if (!names.contains(t.key.experiment())) {
                names.add(t.key.experiment());
            }
        });
        return names;
    }

    /**
     * Decides for a running experiment: while a worker is free, the tuner's next work (a paused trial resumes, or a
     * new trial starts); when nothing runs and the tuner has nothing more, the experiment ends (its paused trials
     * stop, its best trial is to be registered). Returns what the driver is to carry out.
     */
    @Transactional
    public Work plan(String name) {
        ExperimentEntity e = lock(name);
        TuningExperimentSpec request = request(e);
        ExperimentSpec spec = ExperimentRequests.toSpec(request).spec();
        List<TrialEntity> entities = new ArrayList<>(trials(name));
        if (RUNNING.equals(e.state)) {
            Tuner tuner = Tuners.of(spec);
            Instant now = clock.instant();
            for (int guard = 0; guard < 1_000; guard++) {
                List<Trial> domain = domain(spec, entities);
                Optional<Tuner.Work> next = tuner.next(domain, gpuHours(entities), now);
                if (next.isEmpty()) {
                    break;
                }
                if (next.get() instanceof Tuner.Work.Resume resume) {
                    TrialEntity t = entities.get(resume.trial().number());
                    move(t, TrialState.RUNNING, "resumed from step " + (long) last(t)[0]);
                    t.runs++;
                    t.workloadId = null;
                    t.submitPending = true;
                    t.runStartedAt = null;
                    t.costBefore = last(t)[1];
                    t.updatedAt = now;
                } else if (next.get() instanceof Tuner.Work.Start start) {
                    entities.add(newTrial(e.name, entities.size(), start.configuration(), request, spec, now));
                }
            }
            boolean target = tuner.targetReached(domain(spec, entities));
            if (target) {
                // The experiment has done its job: what still runs is GPU time for nothing.
                for (TrialEntity t : entities) {
                    if (TrialState.RUNNING.name().equals(t.state)) {
                        boolean reached = !reports(t).isEmpty() && spec.objective().reaches(last(t)[2]);
                        halt(t, reached ? TrialState.COMPLETED : TrialState.STOPPED, reached
                                ? "reached the objective's target" : "another trial reached the objective's target");
                    }
                }
            }
            if (entities.stream().noneMatch(t -> TrialState.RUNNING.name().equals(t.state) || t.syncPending)) {
                for (TrialEntity t : entities) {
                    if (TrialState.PAUSED.name().equals(t.state)) {
                        move(t, TrialState.STOPPED, "experiment ended while paused");
                    }
                }
                end(e, SUCCEEDED, target ? "target reached"
                        : !spec.budget().allowsNewTrial(entities.size(), gpuHours(entities), now)
                                ? "budget spent" : "nothing left to try", entities, spec.objective());
                e.modelPending = request.model() != null && best(spec.objective(), entities).isPresent();
            }
        }
        List<Cancel> cancels = new ArrayList<>();
        List<Submit> submits = new ArrayList<>();
        List<Sync> syncs = new ArrayList<>();
        for (TrialEntity t : entities) {
            if (t.syncPending) {
                syncs.add(new Sync(name, t.key.number(), t.mlflowRunId, request.objective().metric()));
            }
            if (t.cancelWorkload != null) {
                cancels.add(new Cancel(name, t.key.number(), t.cancelWorkload, t.reason));
            }
            if (t.submitPending) {
                submits.add(new Submit(name, t.key.number(), t.runs, t.trialId, request.trialTemplate(),
                        configuration(spec, t), t.runs > 1 && !reports(t).isEmpty() ? (long) last(t)[0] : null,
                        t.mlflowRunId));
            }
        }
        Register register = null;
        if (e.modelPending) {
            register = best(spec.objective(), entities).map(t -> registration(e, request, spec, t)).orElse(null);
            if (register == null) {
                e.modelPending = false;
            }
        }
        return new Work(cancels, submits, syncs, register);
    }

    /** The trial's MLflow run, once found or created. */
    @Transactional
    public void runCreated(String experiment, int number, String runId) {
        lock(experiment);
        TrialEntity t = TrialEntity.findById(new TrialEntity.Key(experiment, number));
        t.mlflowRunId = runId;
    }

    /**
     * A trial's run history, read after its job ended: the points not seen yet are added in step order; a point that
     * is not a number fails the trial; a trial that reported nothing of the objective fails.
     */
    @Transactional
    public void synced(Sync s, List<Platform.Point> history) {
        ExperimentEntity e = lock(s.experiment());
        TrialEntity t = TrialEntity.findById(new TrialEntity.Key(s.experiment(), s.number()));
        if (!t.syncPending) {
            return;
        }
        merge(t, history, s.metric());
        t.syncPending = false;
        if (TrialState.COMPLETED.name().equals(t.state) && reports(t).isEmpty()) {
            move(t, TrialState.FAILED, "the job succeeded without reporting " + request(e).objective().metric());
        }
    }

    /**
     * The GPU-seconds the trial has used by {@code at}: its earlier runs', and its GPUs since its current workload
     * started running (since {@code at} itself while that start is not known yet).
     */
    private static double costAt(TrialEntity t, Instant at) {
        Instant since = t.runStartedAt == null ? at : t.runStartedAt;
        return t.costBefore + t.gpus * Math.max(0, Duration.between(since, at).toMillis() / 1000.0);
    }

    /** Adds the points whose steps the trial has not reported, keeping the reports in step order. */
    private void merge(TrialEntity t, List<Platform.Point> points, String metric) {
        List<double[]> reports = reports(t);
        java.util.Set<Long> steps = reports.stream().map(r -> (long) r[0]).collect(Collectors.toSet());
        for (Platform.Point p : points) {
            if (!steps.add(p.step())) {
                continue;
            }
            if (!Double.isFinite(p.value())) {
                if (!TrialState.FAILED.name().equals(t.state)) {
                    move(t, TrialState.FAILED, metric + " is " + p.value() + " at step " + p.step());
                }
                continue;
            }
            reports.add(new double[] {p.step(), costAt(t, p.at()), p.value()});
        }
        reports.sort(Comparator.comparingDouble(r -> r[0]));
        // Costs never go down along the steps.
        for (int i = 1; i < reports.size(); i++) {
            reports.get(i)[1] = Math.max(reports.get(i)[1], reports.get(i - 1)[1]);
        }
        t.reports = write(reports);
        t.updatedAt = clock.instant();
    }

    /** A run of a trial was submitted as {@code workloadId}. */
    @Transactional
    public void submitted(Submit s, String workloadId) {
        lock(s.experiment());
        TrialEntity t = TrialEntity.findById(new TrialEntity.Key(s.experiment(), s.number()));
        if (t.runs != s.run() || !t.submitPending) {
            return; // decided otherwise meanwhile
        }
        t.submitPending = false;
        t.workloadId = workloadId;
        if (!TrialState.RUNNING.name().equals(t.state)) {
            t.cancelWorkload = workloadId; // stopped while it was being submitted
        } else {
            t.runStartedAt = clock.instant();
        }
        t.updatedAt = clock.instant();
    }

    /** submission-service refused a trial's job for good: the trial fails with the reason. */
    @Transactional
    public void submitRefused(Submit s, String reason) {
        lock(s.experiment());
        TrialEntity t = TrialEntity.findById(new TrialEntity.Key(s.experiment(), s.number()));
        t.submitPending = false;
        move(t, TrialState.FAILED, "job refused: " + reason);
        t.updatedAt = clock.instant();
    }

    /** A workload was cancelled (or had ended). */
    @Transactional
    public void cancelled(Cancel c) {
        lock(c.experiment());
        TrialEntity t = TrialEntity.findById(new TrialEntity.Key(c.experiment(), c.number()));
        if (c.workloadId().equals(t.cancelWorkload)) {
            t.cancelWorkload = null;
        }
    }

    /** The best trial is model version {@code version}, or could not be registered ({@code error}). */
    @Transactional
    public void registered(String experiment, Integer version, String error) {
        ExperimentEntity e = lock(experiment);
        e.modelPending = false;
        e.modelVersion = version;
        e.modelError = error;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private TrialEntity newTrial(String experiment, int number, Configuration c, TuningExperimentSpec request,
            ExperimentSpec spec, Instant now) {
        TrialEntity t = new TrialEntity();
        t.key = new TrialEntity.Key(experiment, number);
        t.trialId = TrialJobs.trialId(experiment, number);
        Map<String, String> values = new LinkedHashMap<>();
        c.values().forEach((k, v) -> values.put(k, v.text()));
        t.configuration = write(values);
        t.plannedSteps = plannedSteps(request.trialSteps(), c);
        t.state = TrialState.RUNNING.name();
        t.runs = 1;
        t.submitPending = true;
        TrainingJobSpec template = request.trialTemplate();
        double perWorker = template.resources() == null ? 0
                : Math.max(template.resources().gpus(), template.resources().gpuMilli() / 1000.0);
        t.gpus = Math.max(1, template.workers()) * perWorker;
        t.reports = "[]";
        t.createdAt = now;
        t.updatedAt = now;
        t.persist();
        outbox.add(trialChanged(t, now));
        return t;
    }

    /**
     * A trial's new state and why, published on {@code capstan.tuning} with the decision's transaction (nothing is
     * published for a state it already had).
     */
    private void move(TrialEntity t, TrialState state, String reason) {
        boolean changed = !state.name().equals(t.state) || !java.util.Objects.equals(reason, t.reason);
        t.state = state.name();
        t.reason = reason;
        if (changed) {
            outbox.add(trialChanged(t, clock.instant()));
        }
    }

    private static TuningEvent.TrialChanged trialChanged(TrialEntity t, Instant now) {
        List<double[]> reports = reports(t);
        double[] last = reports.isEmpty() ? null : reports.get(reports.size() - 1);
        return new TuningEvent.TrialChanged(t.key.experiment(), t.trialId, t.key.number(), t.state, t.reason,
                read(t.configuration, TEXT_MAP), last == null ? null : (long) last[0],
                last != null && Double.isFinite(last[2]) ? last[2] : null, now);
    }

    /** The experiment's state, and its best trial so far, on {@code capstan.tuning}. */
    private void experimentChanged(ExperimentEntity e, Optional<TrialEntity> best) {
        outbox.add(new TuningEvent.ExperimentChanged(e.name, e.state, e.reason, best.map(t -> t.trialId).orElse(null),
                best.map(t -> last(t)[2]).filter(Double::isFinite).orElse(null), clock.instant()));
    }

    static long plannedSteps(String trialSteps, Configuration c) {
        if (trialSteps == null || trialSteps.isBlank()) {
            return 0;
        }
        if (trialSteps.matches("\\d+")) {
            return Long.parseLong(trialSteps);
        }
        ParameterValue v = c.get(trialSteps);
        try {
            return v == null ? 0 : Math.round(Double.parseDouble(v.text()));
        } catch (NumberFormatException ex) {
            return 0;
        }
    }

    /** Ends a trial's current run: the state and reason now, the workload cancelled by the driver. */
    private void halt(TrialEntity t, TrialState state, String reason) {
        move(t, state, reason);
        if (t.workloadId != null && !t.submitPending) {
            t.cancelWorkload = t.workloadId;
        }
        t.submitPending = false;
        t.updatedAt = clock.instant();
    }

    /** Ends the experiment, after its trials' last moves: its end and best trial go out last on capstan.tuning. */
    private void end(ExperimentEntity e, String state, String reason, List<TrialEntity> entities,
            Objective objective) {
        e.state = state;
        e.reason = reason;
        e.endedAt = clock.instant();
        experimentChanged(e, best(objective, entities));
        LOG.infof("experiment %s %s: %s", e.name, state.toLowerCase(java.util.Locale.ROOT), reason);
    }

    /** The trial with the best last value of the objective, of those that have not failed. */
    private static Optional<TrialEntity> best(Objective objective, List<TrialEntity> entities) {
        return entities.stream().filter(t -> !TrialState.FAILED.name().equals(t.state) && !reports(t).isEmpty())
                .max(Comparator.comparingDouble(t -> objective.score(last(t)[2])));
    }

    private static Register registration(ExperimentEntity e, TuningExperimentSpec request, ExperimentSpec spec,
            TrialEntity t) {
        Configuration c = configuration(spec, t);
        Map<String, String> params = new LinkedHashMap<>();
        c.values().forEach((k, v) -> params.put(k, v.text()));
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("capstan.dev/experiment", e.name);
        tags.put(dev.capstan.events.TrialEvent.TRIAL_TAG, t.trialId);
        tags.put("capstan.dev/objective", request.objective().metric());
        return new Register(e.name, request.model().name(),
                TrialJobs.fill(request.model().artifactUri(), e.name, t.key.number(), c), params,
                Map.of(request.objective().metric(), last(t)[2]), tags, t.mlflowRunId, t.workloadId);
    }

    static double gpuHours(List<TrialEntity> entities) {
        double seconds = 0;
        for (TrialEntity t : entities) {
            List<double[]> r = reports(t);
            seconds += r.isEmpty() ? t.costBefore : r.get(r.size() - 1)[1];
        }
        return seconds / 3600;
    }

    private static double[] last(TrialEntity t) {
        List<double[]> r = reports(t);
        return r.isEmpty() ? new double[] {0, t.costBefore, Double.NaN} : r.get(r.size() - 1);
    }

    List<Trial> domain(ExperimentSpec spec, List<TrialEntity> entities) {
        List<Trial> out = new ArrayList<>();
        for (TrialEntity t : entities) {
            List<Report> reports = reports(t).stream().map(r -> new Report((long) r[0], r[1], r[2])).toList();
            out.add(Trial.of(t.key.number(), configuration(spec, t), t.plannedSteps, TrialState.valueOf(t.state),
                    reports));
        }
        return out;
    }

    static Configuration configuration(ExperimentSpec spec, TrialEntity t) {
        Map<String, String> text = read(t.configuration, TEXT_MAP);
        Map<String, ParameterValue> values = new LinkedHashMap<>();
        for (Parameter p : spec.searchSpace().parameters()) {
            String v = text.get(p.name());
            if (v == null) {
                continue;
            }
            values.put(p.name(), p instanceof CategoricalParameter ? new ParameterValue.Choice(v)
                    : p instanceof IntParameter ? new ParameterValue.IntValue(Long.parseLong(v))
                            : new ParameterValue.FloatValue(Double.parseDouble(v)));
        }
        return new Configuration(values);
    }

    static List<double[]> reports(TrialEntity t) {
        return new ArrayList<>(read(t.reports, REPORTS));
    }

    static TuningExperimentSpec request(ExperimentEntity e) {
        return read(e.request, new TypeReference<TuningExperimentSpec>() {
        });
    }

    private static List<TrialEntity> trials(String experiment) {
        return TrialEntity.list("key.experiment = ?1 order by key.number", experiment);
    }

    /**
     * The trial whose current workload, or workload to cancel, is {@code workloadId}, read after its experiment's row
     * is locked; null when none. (Loading it before the lock would let this transaction write back a stale copy over
     * a report applied meanwhile: every change reads its trial under the lock.)
     */
    private static TrialEntity byWorkload(String workloadId) {
        TrialEntity.Key key = keyOf("t.workloadId = ?1 or t.cancelWorkload = ?1", workloadId);
        if (key == null) {
            return null;
        }
        lock(key.experiment());
        return TrialEntity.findById(key);
    }

    /** The key of the first trial matching {@code where}, without loading the trial into this transaction. */
    private static TrialEntity.Key keyOf(String where, String value) {
        return TrialEntity.getEntityManager().createQuery("select t.key from TrialEntity t where " + where,
                TrialEntity.Key.class).setParameter(1, value).setMaxResults(1).getResultStream().findFirst()
                .orElse(null);
    }

    private static ExperimentEntity lock(String name) {
        ExperimentEntity e = ExperimentEntity.findById(name, LockModeType.PESSIMISTIC_WRITE);
        if (e == null) {
            throw new NotFound("no experiment " + name);
        }
        return e;
    }

    private ExperimentView view(ExperimentEntity e, List<TrialEntity> entities) {
        TuningExperimentSpec request = request(e);
        Objective objective = ExperimentRequests.toSpec(request).spec().objective();
        List<ExperimentView.TrialView> trials = new ArrayList<>();
        for (TrialEntity t : entities) {
            List<double[]> r = reports(t);
            Double lastValue = r.isEmpty() ? null : r.get(r.size() - 1)[2];
            Long lastStep = r.isEmpty() ? null : (long) r.get(r.size() - 1)[0];
            double cost = r.isEmpty() ? t.costBefore : r.get(r.size() - 1)[1];
            trials.add(new ExperimentView.TrialView(t.key.number(), t.trialId, t.state, t.reason,
                    read(t.configuration, TEXT_MAP), lastStep, lastValue, r.size(), cost / 3600, t.runs,
                    t.workloadId, t.mlflowRunId, t.runStartedAt));
        }
        ExperimentView.TrialView bestView = best(objective, entities)
                .map(b -> trials.get(b.key.number())).orElse(null);
        Map<String, Long> counts = entities.stream().collect(Collectors.groupingBy(t -> t.state,
                java.util.TreeMap::new, Collectors.counting()));
        return new ExperimentView(e.name, e.state, e.reason, objective.metric(),
                objective.direction().name().toLowerCase(java.util.Locale.ROOT), objective.target(),
                request.algorithm() == null || request.algorithm().name() == null ? "progress-halving"
                        : request.algorithm().name(),
                e.createdAt, e.endedAt, gpuHours(entities), counts, bestView,
                request.model() == null ? null : request.model().name(), e.modelVersion, e.modelError, trials);
    }

    static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored JSON unreadable: " + ex.getOriginalMessage(), ex);
        }
    }
}

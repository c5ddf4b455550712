package dev.capstan.localstack.kube;

import dev.capstan.localstack.trainer.LearningCurveReplay;
import dev.capstan.localstack.trainer.MlflowRunLog;
import dev.capstan.localstack.trainer.TimeScale;
import dev.capstan.localstack.trainer.TrainingPlan;
import dev.capstan.localstack.trainer.TrialParameters;
import dev.capstan.tuning.bench.CurveFiles;
import dev.capstan.tuning.domain.Configuration;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The simulated trainer: a pod annotated {@value #CURVES} trains as a recorded run of that learning-curve file and
 * reports it through the MLflow tracking REST API, as a real trainer logging to MLflow would.
 *
 * <ol>
 *   <li>When the pod runs, the trial's hyperparameters ({@value #PARAMS_ENV}) pick the nearest recorded run
 *       ({@link LearningCurveReplay}); an unreadable file or setting makes the pod fail at once with exit code 2 and
 *       the reason as the container's terminated message.</li>
 *   <li>Each recorded report after {@value #RESUME_STEP_ENV} is logged at its recorded time × the time scale after
 *       the start ({@link MlflowRunLog}: {@code runs/log-batch} of {@value #RUN_ID_ENV} at
 *       {@value #TRACKING_URI_ENV}).</li>
 *   <li>Once the last report is sent, the pod succeeds; a recorded run that diverged fails with exit code 1 and
 *       "{@value TrainingPlan#DIVERGED}".</li>
 * </ol>
 * In a gang only rank 0 ({@value #RANK_ENV}, 0 when absent) reports. The other ranks replay the same plan without
 * reporting, so they end with the same exit at the same time (rank 0 may end later by the time its last requests take).
 * A deleted pod stops at once. Curve files are read once, off the kubelet's timers, and kept; a pod's clock starts when
 * its file is read (its start-up), which is at once after the first pod of a file.
 *
 * <p>The recorded curves of shared/traces/tuning-opda-imagenet-mnli are by Nicholas Lourie
 * (github.com/nicholaslourie/opda), licensed CC BY-SA 4.0.
 */
public final class SimulatedTrainer implements PodProgram {

    /** Pod annotation: the learning-curve file to replay (absolute, or relative to the working directory). */
    public static final String CURVES = "sim.capstan.dev/trainer-curves";
    /** Pod annotation: real seconds per recorded second (default 0.002). */
    public static final String TIME_SCALE = "sim.capstan.dev/trainer-time-scale";
    /** Pod annotation: recorded seconds per optimizer step, for files that record no time (default 0.05). */
    static final String SECONDS_PER_STEP = "sim.capstan.dev/trainer-seconds-per-step";
    /** Container env: the trial's hyperparameters, a JSON object of parameter name → value. */
    static final String PARAMS_ENV = "CAPSTAN_TRIAL_PARAMS";
    /** Container env: the MLflow tracking server, e.g. {@code http://127.0.0.1:8085}. */
    static final String TRACKING_URI_ENV = "MLFLOW_TRACKING_URI";
    /** Container env: the MLflow run the metrics go to. */
    static final String RUN_ID_ENV = "MLFLOW_RUN_ID";
    /** Container env, optional: the step a resumed trial's checkpoint reached; only later steps are reported. */
    static final String RESUME_STEP_ENV = "CAPSTAN_RESUME_STEP";
    /** Container env, set by the executor: the pod's rank in its gang. */
    static final String RANK_ENV = "CAPSTAN_RANK";

    private static final Logger LOG = Logger.getLogger(SimulatedTrainer.class.getName());

    private final Clock clock;
    private final HttpClient http;
    /** Reads curve files, one at a time, off the kubelet's timers (a large file takes seconds to read). */
    private final ExecutorService reader;
    private final Map<Path, CompletableFuture<LearningCurveReplay>> replays = new ConcurrentHashMap<>();

    SimulatedTrainer(Clock clock) {
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        // its one thread ends when idle, so a closed cluster leaves none behind
        this.reader = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "simulated-trainer-curves");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public boolean runs(Pod pod) {
        return annotations(pod).containsKey(CURVES);
    }

    /** The training starts once its curve file is read (at once when it was read before): its start-up time. */
    @Override
    public Execution start(Pod pod, ScheduledExecutorService timers, Consumer<ContainerExit> exit) {
        String podKey = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        Training training = new Training(timers, exit);
        replay(annotations(pod).get(CURVES)).whenComplete((replay, failure) -> {
            try {
                timers.execute(() -> training.begin(podKey, failure == null ? setUp(pod, replay, timers)
                        : new Setup(TrainingPlan.unableToStart(reason(failure)), null)));
            } catch (RejectedExecutionException e) {
                // the kubelet is closing
            }
        });
        return training;
    }

    /** A training's plan, and its MLflow log when it reports (rank 0 of its gang). */
    private record Setup(TrainingPlan plan, MlflowRunLog log) {
    }

    private Setup setUp(Pod pod, LearningCurveReplay replay, ScheduledExecutorService timers) {
        Map<String, String> annotations = annotations(pod);
        Map<String, String> env = env(pod);
        try {
            TimeScale scale = new TimeScale(
                    nonNegative(annotations, TIME_SCALE, TimeScale.DEFAULT_REAL_SECONDS_PER_RECORDED_SECOND),
                    nonNegative(annotations, SECONDS_PER_STEP, TimeScale.DEFAULT_RECORDED_SECONDS_PER_STEP));
            long resumeStep = resumeStep(env);
            boolean reports = rank(env) == 0;
            Configuration params;
            try {
                params = TrialParameters.parse(env.get(PARAMS_ENV), replay.file().space());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PARAMS_ENV + ": " + e.getMessage());
            }
            return new Setup(replay.plan(params, resumeStep, scale), reports ? mlflow(env, timers) : null);
        } catch (IllegalArgumentException e) {
            return new Setup(TrainingPlan.unableToStart(e.getMessage()), null);
        }
    }

    private MlflowRunLog mlflow(Map<String, String> env, ScheduledExecutorService timers) {
        String uri = required(env, TRACKING_URI_ENV);
        String runId = required(env, RUN_ID_ENV);
        try {
            return new MlflowRunLog(http, timers, uri, runId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(TRACKING_URI_ENV + ": " + e.getMessage());
        }
    }

    /**
     * The replay of a curve file, read once and kept; a file that cannot be read is not kept, so the next pod tries
     * again. Fails with an IllegalArgumentException that says why.
     */
    private CompletableFuture<LearningCurveReplay> replay(String annotation) {
        Path file;
        try {
            file = Path.of(annotation.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return CompletableFuture.failedFuture(unreadable(annotation, e));
        }
        CompletableFuture<LearningCurveReplay> replay = replays.computeIfAbsent(file,
                f -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return new LearningCurveReplay(CurveFiles.read(f));
                    } catch (IOException | RuntimeException e) { // unreadable, or in neither format
                        throw unreadable(annotation, e);
                    }
                }, reader));
        replay.whenComplete((r, failure) -> {
            if (failure != null) {
                replays.remove(file, replay);
            }
        });
        return replay;
    }

    /** Why a file could not be read, without the future's wrapping. */
    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return cause instanceof IllegalArgumentException ? cause.getMessage() : String.valueOf(cause);
    }

    private static IllegalArgumentException unreadable(String file, Throwable why) {
        return new IllegalArgumentException(CURVES + ": cannot read learning curves " + file + ": " + why);
    }

    private static long resumeStep(Map<String, String> env) {
        String v = env.get(RESUME_STEP_ENV);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            long step = Long.parseLong(v.trim());
            if (step >= 0) {
                return step;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(RESUME_STEP_ENV + " must be a whole number ≥ 0, was '" + v + "'");
    }

    private static int rank(Map<String, String> env) {
        String v = env.get(RANK_ENV);
        try {
            return v == null || v.isBlank() ? 0 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(RANK_ENV + " must be a whole number, was '" + v + "'");
        }
    }

    private static double nonNegative(Map<String, String> annotations, String name, double byDefault) {
        String v = annotations.get(name);
        if (v == null || v.isBlank()) {
            return byDefault;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (d >= 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(name + " must be a finite number ≥ 0, was '" + v + "'");
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is not set");
        }
        return v.trim();
    }

    private static Map<String, String> annotations(Pod pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    /** The main (first) container's environment; values from references are not resolved. */
    private static Map<String, String> env(Pod pod) {
        var containers = pod.getSpec().getContainers();
        if (containers == null || containers.isEmpty() || containers.get(0).getEnv() == null) {
            return Map.of();
        }
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : containers.get(0).getEnv()) {
            if (e.getName() != null && e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            }
        }
        return env;
    }

    /**
     * One pod's training: a timer per report and one for the end. Each timer handles every report due up to its own, in
     * order, so two timers of the same instant cannot swap two reports or the last report and the end.
     */
    private final class Training implements Execution {

        private final ScheduledExecutorService timers;
        private final Consumer<ContainerExit> exit;
        private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();
        private TrainingPlan plan;
        private MlflowRunLog log;
        private int next;
        private volatile boolean stopped;

        Training(ScheduledExecutorService timers, Consumer<ContainerExit> exit) {
            this.timers = timers;
            this.exit = exit;
        }

        /** Starts the clock of the plan: its reports and its end are timed from now. */
        synchronized void begin(String podKey, Setup setup) {
            if (stopped) {
                return;
            }
            plan = setup.plan();
            log = setup.log();
            LOG.fine(() -> plan.recordedRun() < 0 ? "trainer " + podKey + " cannot start: " + plan.exitMessage()
                    : "trainer " + podKey + " replays run " + plan.recordedRun() + ": " + plan.reports().size()
                            + " reports" + (log == null ? " (not rank 0 of its gang: not sent)" : "") + ", exit "
                            + plan.exitCode() + " after " + plan.end().toMillis() + " ms");
            List<TrainingPlan.Report> reports = plan.reports();
            for (int i = 0; i < reports.size(); i++) {
                int upTo = i;
                scheduled.add(timers.schedule(() -> report(upTo), reports.get(i).at().toNanos(), TimeUnit.NANOSECONDS));
            }
            scheduled.add(timers.schedule(this::end, plan.end().toNanos(), TimeUnit.NANOSECONDS));
        }

        private synchronized void report(int upTo) {
            while (!stopped && next <= upTo) {
                TrainingPlan.Report r = plan.reports().get(next++);
                if (log != null) {
                    log.log(r.step(), r.metrics(), clock.millis());
                }
            }
        }

        private void end() {
            report(plan.reports().size() - 1);
            if (log == null) {
                exit();
            } else {
                // as a trainer whose last mlflow call returns before it exits: the pod ends after its metrics
                log.whenSent(this::exit);
            }
        }

        /** Not under this training's lock: the kubelet, writing the pod's end, stops this training. */
        private void exit() {
            if (!stopped) {
                exit.accept(new ContainerExit(plan.exitCode(), plan.exitMessage()));
            }
        }

        @Override
        public synchronized void stop() {
            stopped = true;
            scheduled.forEach(t -> t.cancel(false));
            if (log != null) {
                log.stop();
            }
        }
    }
}

package dev.capstan.executor.service;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent.WorkloadAdmitted;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.executor.config.ExecutorConfig;
import dev.capstan.executor.domain.AttemptTracker;
import dev.capstan.executor.domain.AttemptTracker.AttemptKey;
import dev.capstan.executor.domain.GangState;
import dev.capstan.executor.domain.GangState.Stage;
import dev.capstan.executor.domain.GangState.Verdict;
import dev.capstan.executor.domain.Names;
import dev.capstan.executor.domain.PodLabels;
import dev.capstan.executor.domain.PodObservation;
import dev.capstan.executor.domain.PodPlanner;
import dev.capstan.executor.domain.RetryBackoff;
import dev.capstan.executor.domain.Plans.AttemptPlan;
import dev.capstan.executor.kube.KubeGateway;
import dev.capstan.executor.kube.PodWatch;
import dev.capstan.executor.messaging.EventPublisher;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The executor's use cases: an admission becomes pods, a cancellation or preemption removes them,
 * and pod changes become execution events, each milestone once per admission.
 *
 * <p>Pod changes are evaluated on one thread from the informer's cache, so the gang's state is read
 * whole and transitions are reported in order; Kafka consumers call the other methods on their own
 * (ordered) worker threads.
 */
@ApplicationScoped
public class ExecutionService {

    private static final Logger LOG = Logger.getLogger(ExecutionService.class);

    private final KubeGateway kube;
    private final PodWatch pods;
    private final EventPublisher events;
    private final WorkloadSpecs specs;
    private final ExecutorConfig config;
    private final Clock clock;
    private final MeterRegistry meters;
    private final PodPlanner planner;
    private final RetryBackoff backoff;
    private final AttemptTracker tracker = new AttemptTracker();
    private final ExecutorService podEvents = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "executor-pod-events");
        t.setDaemon(true);
        return t;
    });
    /**
     * API writes that follow a reported outcome (outcome labels, tearing down a failed gang, deleting
     * expired pods): off the pod-events thread, so reporting never waits for the API server.
     */
    private final ScheduledExecutorService apiWrites = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "executor-api-writes");
        t.setDaemon(true);
        return t;
    });

    ExecutionService(KubeGateway kube, PodWatch pods, EventPublisher events, WorkloadSpecs specs,
            ExecutorConfig config, Clock clock, MeterRegistry meters) {
        this.kube = kube;
        this.pods = pods;
        this.events = events;
        this.specs = specs;
        this.config = config;
        this.clock = clock;
        this.meters = meters;
        this.backoff = new RetryBackoff(config.createBackoff(), config.createBackoffMax());
        this.planner = new PodPlanner(new PodPlanner.Settings(config.namespace(), config.clusterDomain(),
                config.pytorchPort(), config.tensorflowPort(), config.rayPort(), config.sshPort()));
        meters.gauge("capstan.executor.workload.specs", specs, WorkloadSpecs::size);
    }

    /**
     * Creates the admission's pods (idempotently) and reports PodsCreated. Waits for the workload's
     * spec when the admission came first; without a spec, or when the objects cannot be created,
     * the admission is reported failed so the scheduler frees its capacity.
     */
    public void admit(WorkloadAdmitted admission) {
        AttemptKey key = new AttemptKey(admission.workloadId(), admission.attempt());
        if (tracker.isTerminal(key)) {
            return; // redelivered after it finished or was released
        }
        if (releasedAsEnded(key)) {
            return;
        }
        Timer.Sample sample = Timer.start(meters);
        Optional<TrainingJobSpec> spec;
        try {
            spec = specs.await(admission.workloadId(), config.specWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the spec of " + key.workloadId(), e);
        }
        if (spec.isEmpty() && releasedAsEnded(key)) {
            return; // it ended while this admission waited for its spec
        }
        if (spec.isEmpty()) {
            fail(key, "executor-service has no spec for the workload (no WorkloadSubmitted on capstan.workloads within "
                    + config.specWait() + ")", false);
            return;
        }
        AttemptPlan plan;
        try {
            plan = planner.plan(admission, spec.get());
        } catch (RuntimeException e) {
            fail(key, "cannot plan the pods: " + e.getMessage(), false);
            return;
        }
        KubernetesClientException last = null;
        int tries = Math.max(1, config.createAttempts());
        for (int i = 1; i <= tries; i++) {
            try {
                kube.create(plan);
                last = null;
                break;
            } catch (KubernetesClientException e) {
                last = e;
                LOG.warnf("creating pods of %s attempt %d failed (try %d): %s", key.workloadId(), key.attempt(), i,
                        e.getMessage());
                if (e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != 409 && e.getCode() != 429) {
                    break; // the API rejected the objects: a retry sends the same ones
                }
                if (i < tries && !pause(backoff.delay(i, retryAfter(e)))) {
                    break; // interrupted: shutting down
                }
            }
        }
        if (last != null) {
            boolean clientError = last.getCode() >= 400 && last.getCode() < 500 && last.getCode() != 429;
            kube.deleteAttempt(Names.workloadLabel(key.workloadId()), key.attempt());
            fail(key, "cannot create pods: " + last.getMessage(), !clientError);
            return;
        }
        meters.counter("capstan.executor.pods.created").increment(plan.pods().size());
        sample.stop(meters.timer("capstan.executor.admission.duration"));
        if (!tracker.advance(key, Stage.CREATED).isEmpty()) {
            send(new ExecutionEvent.PodsCreated(key.workloadId(), key.attempt(), plan.podNames(), clock.instant()));
        }
        // The pods may have changed before the tracker knew them; read the gang once more.
        podEvents.execute(() -> evaluate(Names.workloadLabel(key.workloadId()), key.attempt()));
    }

    /** An admission of a workload that has ended (finished or cancelled) only releases its capacity. */
    private boolean releasedAsEnded(AttemptKey key) {
        Optional<String> why = specs.ended(key.workloadId());
        why.ifPresent(reason -> {
            tracker.release(key);
            send(new ExecutionEvent.CapacityReleased(key.workloadId(), key.attempt(), reason, clock.instant()));
        });
        return why.isPresent();
    }

    /** The Retry-After the API server sent with an error, if any. */
    private static OptionalLong retryAfter(KubernetesClientException e) {
        Status status = e.getStatus();
        Integer seconds = status == null || status.getDetails() == null ? null : status.getDetails().getRetryAfterSeconds();
        return seconds == null ? OptionalLong.empty() : OptionalLong.of(seconds);
    }

    /** Sleeps; false when interrupted (the interrupt is kept for the caller). */
    private static boolean pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Deletes a finished admission's pods after {@code capstan.executor.finished-ttl}. */
    private void expire(String workloadLabel, int attempt) {
        apiWrites.schedule(() -> {
            try {
                kube.deleteAttempt(workloadLabel, attempt);
            } catch (RuntimeException e) {
                LOG.warnf("cannot delete finished pods of %s attempt %d: %s", workloadLabel, attempt, e.getMessage());
            }
        }, config.finishedTtl().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Removes every unfinished admission of the workload and releases its capacity. */
    public void cancel(String workloadId, String reason) {
        specs.end(workloadId, "workload was cancelled before its pods were created");
        String label = Names.workloadLabel(workloadId);
        Set<Integer> attempts = new TreeSet<>();
        for (Pod p : pods.podsOfWorkload(label)) {
            if (PodWatch.label(p, PodLabels.OUTCOME) == null) {
                attempts.add(intOr(PodWatch.label(p, PodLabels.ATTEMPT)));
            }
        }
        tracker.active(workloadId).forEach(k -> attempts.add(k.attempt()));
        for (int attempt : attempts) {
            boolean held = tracker.release(new AttemptKey(workloadId, attempt));
            kube.deleteAttempt(label, attempt);
            if (held) {
                send(new ExecutionEvent.CapacityReleased(workloadId, attempt,
                        "cancelled" + (reason == null || reason.isBlank() ? "" : ": " + reason), clock.instant()));
            }
        }
    }

    /** Removes the admission's pods and reports its capacity released. */
    public void preempt(String workloadId, int attempt, String reason) {
        boolean held = tracker.release(new AttemptKey(workloadId, attempt));
        kube.deleteAttempt(Names.workloadLabel(workloadId), attempt);
        if (held) { // as for a cancel: a redelivered preemption, or one after the attempt ended, releases nothing
            send(new ExecutionEvent.CapacityReleased(workloadId, attempt,
                    "preempted" + (reason == null || reason.isBlank() ? "" : ": " + reason), clock.instant()));
        }
    }

    /** A pod was added or changed (informer thread): evaluate its gang on the pod-events thread. */
    public void podChanged(Pod pod) {
        String label = PodWatch.label(pod, PodLabels.WORKLOAD);
        String attempt = PodWatch.label(pod, PodLabels.ATTEMPT);
        if (label != null && attempt != null) {
            podEvents.execute(() -> evaluate(label, intOr(attempt)));
        }
    }

    /** A pod was deleted (informer thread). Losing a member of an unfinished gang fails it. */
    public void podDeleted(Pod pod) {
        podEvents.execute(() -> {
            String id = PodWatch.annotation(pod, PodLabels.WORKLOAD_ID);
            String attempt = PodWatch.label(pod, PodLabels.ATTEMPT);
            if (id == null || attempt == null || PodWatch.label(pod, PodLabels.OUTCOME) != null) {
                return;
            }
            AttemptKey key = new AttemptKey(id, intOr(attempt));
            if (tracker.isTerminal(key)) {
                return;
            }
            PodObservation o = PodWatch.observe(pod);
            if (o.succeeded()) {
                return; // a finished member may be cleaned up; the rest of the gang decides
            }
            if (!tracker.advance(key, Stage.FAILED).isEmpty()) {
                failed(key, PodWatch.label(pod, PodLabels.WORKLOAD),
                        "pod " + pod.getMetadata().getName() + " was deleted before the gang finished", true);
            }
        });
    }

    void evaluate(String workloadLabel, int attempt) {
        try {
            List<Pod> gang = pods.podsOf(workloadLabel, attempt);
            if (gang.isEmpty()) {
                return;
            }
            Pod any = gang.get(0);
            String id = Optional.ofNullable(PodWatch.annotation(any, PodLabels.WORKLOAD_ID)).orElse(workloadLabel);
            AttemptKey key = new AttemptKey(id, attempt);
            if (tracker.isTerminal(key)) {
                return;
            }
            List<PodObservation> observed = gang.stream().map(PodWatch::observe).toList();
            Optional<String> outcome = observed.stream().map(PodObservation::outcome).filter(o -> o != null).findFirst();
            if (outcome.isPresent()) {
                // Reported before a restart: remember, do not report again; its pods still expire.
                tracker.settle(key, "succeeded".equals(outcome.get()) ? Stage.SUCCEEDED : Stage.FAILED);
                expire(workloadLabel, attempt);
                return;
            }
            int gangSize = intOr(PodWatch.annotation(any, PodLabels.GANG_SIZE));
            Verdict verdict = GangState.evaluate(Math.max(gangSize, 1), observed);
            for (Stage milestone : tracker.advance(key, verdict.stage())) {
                report(key, milestone, verdict, workloadLabel, observed);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot evaluate pods of %s attempt %d", workloadLabel, attempt);
        }
    }

    private void report(AttemptKey key, Stage milestone, Verdict verdict, String workloadLabel,
            List<PodObservation> observed) {
        switch (milestone) {
            case CREATED -> send(new ExecutionEvent.PodsCreated(key.workloadId(), key.attempt(),
                    observed.stream().sorted(Comparator.comparingInt(PodObservation::rank))
                            .map(PodObservation::pod).toList(), clock.instant()));
            case RUNNING -> send(new ExecutionEvent.WorkloadRunning(key.workloadId(), key.attempt(), clock.instant()));
            case SUCCEEDED -> {
                send(new ExecutionEvent.WorkloadSucceeded(key.workloadId(), key.attempt(), clock.instant()));
                List<String> podNames = observed.stream().map(PodObservation::pod).toList();
                apiWrites.execute(() -> {
                    try {
                        kube.labelOutcome(podNames, "succeeded");
                    } catch (RuntimeException e) {
                        LOG.warnf("cannot label the outcome of %s: %s", workloadLabel, e.getMessage());
                    }
                });
                expire(workloadLabel, key.attempt());
            }
            case FAILED -> failed(key, workloadLabel, verdict.reason(), verdict.retryable());
            default -> {
            }
        }
    }

    /**
     * Reports a failed gang, tears it down off the reporting thread and lets its pods expire: one path for a failure
     * seen in the pods' states and for a member deleted under the gang.
     */
    private void failed(AttemptKey key, String workloadLabel, String reason, boolean retryable) {
        send(new ExecutionEvent.WorkloadFailed(key.workloadId(), key.attempt(), reason, retryable, clock.instant()));
        apiWrites.execute(() -> tearDown(workloadLabel, key.attempt()));
        expire(workloadLabel, key.attempt());
    }

    /** A failed gang: the failed pods stay for inspection (labelled), the unfinished ones go. */
    private void tearDown(String workloadLabel, int attempt) {
        try {
            tearDownNow(workloadLabel, attempt);
        } catch (RuntimeException e) {
            LOG.warnf("cannot tear down %s attempt %d: %s", workloadLabel, attempt, e.getMessage());
        }
    }

    private void tearDownNow(String workloadLabel, int attempt) {
        List<Pod> gang = pods.podsOf(workloadLabel, attempt);
        List<String> unfinished = gang.stream()
                .filter(p -> p.getStatus() == null || !Set.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
                .map(p -> p.getMetadata().getName()).toList();
        List<String> finished = gang.stream().map(p -> p.getMetadata().getName())
                .filter(n -> !unfinished.contains(n)).toList();
        kube.labelOutcome(finished, "failed");
        kube.deletePods(unfinished);
    }

    private void fail(AttemptKey key, String reason, boolean retryable) {
        tracker.advance(key, Stage.FAILED);
        LOG.warnf("workload %s attempt %d failed: %s", key.workloadId(), key.attempt(), reason);
        send(new ExecutionEvent.WorkloadFailed(key.workloadId(), key.attempt(), reason, retryable, clock.instant()));
    }

    private void send(CapstanEvent event) {
        meters.counter("capstan.executor.events", "type", event.type()).increment();
        events.publish(event).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.errorf(e, "cannot publish %s for %s", event.type(), event.subject());
            }
        });
    }

    private static int intOr(String s) {
        return PodWatch.intOr(s, 0);
    }

    @PreDestroy
    void stop() {
        podEvents.shutdown();
        apiWrites.shutdown(); // pending expiries go with the process; the next start re-reads the cluster
        try {
            podEvents.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

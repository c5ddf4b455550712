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
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
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
    private final ExecutorConfig config;
    private final Clock clock;
    private final MeterRegistry meters;
    private final PodPlanner planner;
    private final RetryBackoff backoff;
    /** How often the inference services' Services are reconciled with their replica pods. */
    static final int RECONCILE_SECONDS = 10;
    private final AttemptTracker tracker = new AttemptTracker();
    /** Reports decided but not sent yet because the admission's pods were still being deleted. */
    private final Map<AttemptKey, CapstanEvent> unreported = new ConcurrentHashMap<>();
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

    ExecutionService(KubeGateway kube, PodWatch pods, EventPublisher events, ExecutorConfig config, Clock clock,
            MeterRegistry meters) {
        this.kube = kube;
        this.pods = pods;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.meters = meters;
        this.backoff = new RetryBackoff(config.createBackoff(), config.createBackoffMax());
        this.planner = new PodPlanner(new PodPlanner.Settings(config.namespace(), config.clusterDomain(),
                config.pytorchPort(), config.tensorflowPort(), config.rayPort(), config.sshPort()));
        meters.gauge("capstan.executor.attempts.tracked", tracker, AttemptTracker::size);
    }

    /**
     * Creates the admission's pods (idempotently) and reports PodsCreated. The admission carries the spec it admitted,
     * so nothing is awaited from another topic. While the API server is unreachable or answers 5xx/429 the creation
     * is retried with back-off for as long as it takes (the workload waits, it is not failed for an outage); only
     * objects the API server rejects fail the admission, after its pods are deleted.
     */
    public void admit(WorkloadAdmitted admission) {
        AttemptKey key = new AttemptKey(admission.workloadId(), admission.attempt());
        if (tracker.isTerminal(key)) {
            if (unreported.containsKey(key)) {
                // Handled again because deleting its pods threw after it failed: finish that, then report.
                kube.deleteAttempt(Names.workloadLabel(key.workloadId()), key.attempt());
                sendPending(key);
            }
            return; // redelivered after it finished or was released
        }
        Timer.Sample sample = Timer.start(meters);
        TrainingJobSpec spec = admission.spec();
        if (spec == null) {
            fail(key, "the admission carries no spec (written by a scheduler older than this executor): "
                    + "submit the workload again", false);
            return;
        }
        AttemptPlan plan;
        try {
            plan = planner.plan(admission, spec);
        } catch (RuntimeException e) {
            fail(key, "cannot plan the pods: " + e.getMessage(), false);
            return;
        }
        for (int i = 1;; i++) {
            try {
                kube.create(plan);
                break;
            } catch (KubernetesClientException e) {
                if (rejected(e)) {
                    fail(key, "cannot create pods: " + e.getMessage(), false);
                    return;
                }
                LOG.warnf("creating pods of %s attempt %d failed (try %d), retrying: %s", key.workloadId(),
                        key.attempt(), i, e.getMessage());
                if (!pause(backoff.delay(i, retryAfter(e)))) {
                    throw new IllegalStateException("interrupted while creating the pods of " + key.workloadId());
                }
            }
        }
        meters.counter("capstan.executor.pods.created").increment(plan.pods().size());
        sample.stop(meters.timer("capstan.executor.admission.duration"));
        if (!tracker.advance(key, Stage.CREATED).isEmpty()) {
            send(new ExecutionEvent.PodsCreated(key.workloadId(), key.attempt(), plan.podNames(), clock.instant()));
        }
        // The pods may have changed before the tracker knew them; read the gang once more.
        podEvents.execute(() -> evaluate(Names.workloadLabel(key.workloadId()), key.attempt()));
    }

    /** The API server refused the objects themselves: sending them again gets the same answer. */
    private static boolean rejected(KubernetesClientException e) {
        int code = e.getCode();
        return code >= 400 && code < 500 && code != 408 && code != 409 && code != 429;
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
    private void expire(AttemptKey key, String workloadLabel) {
        int attempt = key.attempt();
        apiWrites.schedule(() -> {
            try {
                kube.deleteAttempt(workloadLabel, attempt);
                tracker.forget(key);
            } catch (RuntimeException e) {
                LOG.warnf("cannot delete finished pods of %s attempt %d: %s", workloadLabel, attempt, e.getMessage());
            }
        }, config.finishedTtl().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The scheduler revoked the admission (its workload was cancelled, or a replica was scaled away): its pods go, its
     * capacity is released. A replica's inference service loses its Kubernetes Service with its last replica pod (see
     * {@link #reconcileInferenceServices}).
     */
    public void revoke(String workloadId, int attempt, String reason) {
        boolean replica = pods.podsOf(Names.workloadLabel(workloadId), attempt).stream()
                .anyMatch(p -> PodWatch.label(p, PodLabels.INFERENCE_SERVICE) != null);
        release(new AttemptKey(workloadId, attempt), reason == null || reason.isBlank() ? "cancelled" : reason);
        if (replica) {
            apiWrites.schedule(this::reconcileInferenceServices, 2, TimeUnit.SECONDS);
        }
    }

    /**
     * Makes the inference services' Kubernetes Services match their replica pods, level-triggered: a Service exists
     * while its service has a replica pod (created with the first replica, again when something deleted it) and goes
     * with the last one (the service was deleted, or scaled to zero). Idempotent, so every executor instance may run
     * it; it runs every {@value #RECONCILE_SECONDS} s and after a replica is revoked. What the cache cannot tell yet
     * (before its first list) is left alone.
     */
    public void reconcileInferenceServices() {
        try {
            Set<String> serving = pods.servingInferenceServices();
            if (serving == null) {
                return;
            }
            Set<String> existing = kube.inferenceServices();
            for (String service : existing) {
                if (!serving.contains(service)) {
                    kube.deleteInferenceService(service);
                    LOG.infof("deleted the Service of inference service %s: it has no replica pod", service);
                }
            }
            for (String service : serving) {
                if (!existing.contains(service)) {
                    kube.createInferenceService(service);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("cannot reconcile the inference services' Services: %s", e.getMessage());
        }
    }

    /** Starts reconciling the inference services' Services periodically (once the pod watch is up). */
    public void startReconciling() {
        apiWrites.scheduleWithFixedDelay(this::reconcileInferenceServices, RECONCILE_SECONDS, RECONCILE_SECONDS,
                TimeUnit.SECONDS);
    }

    /** Removes the admission's pods and reports its capacity released. */
    public void preempt(String workloadId, int attempt, String reason) {
        release(new AttemptKey(workloadId, attempt),
                "preempted" + (reason == null || reason.isBlank() ? "" : ": " + reason));
    }

    /**
     * Marks the admission released, deletes its pods, then reports its capacity released unless an earlier report
     * (success, failure, release) already did. Marked first, so the deletions the pod watch sees are not read as a
     * member lost under a running gang; reported last, so the capacity is free only once the pods are gone. When the
     * deletion throws, the record is handled again and the report still pending is sent then.
     */
    private void release(AttemptKey key, String reason) {
        if (tracker.release(key)) {
            unreported.put(key, new ExecutionEvent.CapacityReleased(key.workloadId(), key.attempt(), reason,
                    clock.instant()));
        }
        kube.deleteAttempt(Names.workloadLabel(key.workloadId()), key.attempt());
        sendPending(key);
        forgetLater(key);
    }

    /** Sends the report an ended admission still owes, if any (after its pods were deleted). */
    private void sendPending(AttemptKey key) {
        CapstanEvent owed = unreported.remove(key);
        if (owed != null) {
            send(owed);
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
                expire(key, workloadLabel);
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
                expire(key, workloadLabel);
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
        expire(key, workloadLabel);
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

    /**
     * Fails an admission that could not be started: whatever it created goes first (no pod may keep GPUs the
     * scheduler is about to give away), then the failure is reported once.
     */
    private void fail(AttemptKey key, String reason, boolean retryable) {
        if (!tracker.advance(key, Stage.FAILED).isEmpty()) {
            LOG.warnf("workload %s attempt %d failed: %s", key.workloadId(), key.attempt(), reason);
            unreported.put(key, new ExecutionEvent.WorkloadFailed(key.workloadId(), key.attempt(), reason, retryable,
                    clock.instant()));
        }
        kube.deleteAttempt(Names.workloadLabel(key.workloadId()), key.attempt());
        sendPending(key);
        forgetLater(key);
    }

    /**
     * Publishes the event and returns once the broker has it, sending it again while the broker refuses it: a
     * record is acknowledged (and its offset committed) only after what it caused is on the broker. Consumers of
     * execution events are idempotent, so a resend after an unclear failure is harmless.
     */
    private void send(CapstanEvent event) {
        for (int i = 1;; i++) {
            try {
                events.publish(event).toCompletableFuture().get();
                meters.counter("capstan.executor.events", "type", event.type()).increment();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing " + event.type(), e);
            } catch (ExecutionException | RuntimeException e) {
                LOG.warnf("cannot publish %s for %s (try %d), retrying: %s", event.type(), event.subject(), i,
                        e instanceof ExecutionException ? e.getCause() : e);
                if (!pause(backoff.delay(i, OptionalLong.empty()))) {
                    throw new IllegalStateException("interrupted while publishing " + event.type());
                }
            }
        }
    }

    /** Forgets a finished admission once a redelivery of it can no longer come (after the pods' time to live). */
    private void forgetLater(AttemptKey key) {
        apiWrites.schedule(() -> tracker.forget(key), config.finishedTtl().toMillis(), TimeUnit.MILLISECONDS);
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

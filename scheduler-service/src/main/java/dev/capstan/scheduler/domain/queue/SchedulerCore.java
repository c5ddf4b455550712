package dev.capstan.scheduler.domain.queue;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.ServingReplica;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.scheduler.domain.placement.ClusterState;
import dev.capstan.scheduler.domain.placement.GangPlacement;
import dev.capstan.scheduler.domain.placement.GpuDevice;
import dev.capstan.scheduler.domain.placement.NodeSpec;
import dev.capstan.scheduler.domain.placement.PlacementPolicy;
import dev.capstan.scheduler.domain.placement.PlacementResult;
import dev.capstan.scheduler.domain.placement.PodRequest;
import dev.capstan.scheduler.domain.placement.GangRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The scheduler's state and its scheduling cycle, free of Kafka and of the clock (time comes in).
 *
 * <p>State is rebuilt from the event log: while {@link #replaying()} the core only records facts
 * (nodes, workloads, admissions, releases) in whatever order the topics deliver them; {@link
 * #finishReplay()} then takes the capacity of every admission that was not released, so a restart
 * neither forgets an admission nor gives its GPUs away twice. After that, events apply one by one.
 *
 * <p>A cycle: 1. waiting workloads by priority, then submission time, 2. place each workload's gang all-or-nothing
 * with the placement policy on the current cluster state, 3. admit what fits (taking capacity at
 * once so the next workload sees it), 4. report a pending reason for what does not, once per change.
 *
 * <p>Inference replicas are workloads too: a serving plan ({@link ScalingEvent.RevisionsPlanned}) becomes one
 * single-pod workload per replica, named {@code <service>-<revision>-<n>} with {@code n} counting up per service, so
 * a name is never used twice. They wait, are placed and count against their queue like any workload, preferably on
 * nodes that hold no other replica of their service (a node's loss then takes one replica, not the service). Unlike
 * a training job, a replica whose pod ended comes back (a new attempt), until a plan scales it away: then it is
 * cancelled, and its admission revoked. Which replicas exist follows from the plans alone, in their order, so every
 * scheduler reading the log agrees on their names.
 */
public final class SchedulerCore {

    /**
     * One admission attempt that holds capacity. Read back from the log, its placement is built at the
     * end of the replay, once the workload's spec (CPU and memory per pod) is known.
     */
    static final class Admission {
        final int attempt;
        final List<PodAssignment> pods;
        GangPlacement placement;

        Admission(int attempt, List<PodAssignment> pods, GangPlacement placement) {
            this.attempt = attempt;
            this.pods = pods;
            this.placement = placement;
        }

        int attempt() {
            return attempt;
        }

        GangPlacement placement() {
            return placement;
        }
    }

    /** One workload as the scheduler knows it. */
    static final class Entry {
        final String id;
        final TrainingJobSpec spec;
        final Instant submittedAt;
        final long arrival;
        /** Set for a replica of an inference service, null for a training job. */
        final ServingReplica serving;
        int attempt;
        boolean finished;
        /** The user cancelled it: an admission it still holds is revoked. */
        String cancelReason;
        String pendingReason;
        Instant finishedAt;
        /** A replica whose last attempts failed in a way a retry right away cannot fix is not placed before this. */
        Instant retryAt;
        /** Why it waits until {@link #retryAt}. */
        String retryReason;
        /** Its attempts in a row that failed so (0 after one that ended otherwise). */
        int hopelessFailures;

        Entry(String id, TrainingJobSpec spec, Instant submittedAt, long arrival, ServingReplica serving) {
            this.id = id;
            this.spec = spec;
            this.submittedAt = submittedAt;
            this.arrival = arrival;
            this.serving = serving;
        }
    }

    /** The replicas one inference service's plans asked for, per revision, oldest first. */
    static final class Served {
        final Map<String, List<String>> replicas = new TreeMap<>();
        long nextReplica;
    }

    /** Kubernetes' back-off for image pulls and crash loops: the first wait, doubled after each failure, and its cap. */
    static final Duration RETRY_BACKOFF_FIRST = Duration.ofSeconds(10);
    static final Duration RETRY_BACKOFF_MAX = Duration.ofSeconds(300);

    /** The taint that keeps a replica off the nodes that hold one of its service already, while another node fits. */
    static final String SPREAD_TAINT = "capstan.dev/replica-of-service";

    private final PlacementPolicy policy;
    private ClusterState cluster = new ClusterState();
    private final Map<String, NodeSpec> nodes = new TreeMap<>();
    /** The last update of each node, as read: what a checkpoint keeps. */
    private final Map<String, NodeEvent.NodeUpdated> nodeEvents = new TreeMap<>();
    /** Workloads not finished, and finished ones whose admission still holds capacity. */
    private final Map<String, Entry> workloads = new HashMap<>();
    /** Finished workloads, remembered until {@link #forgetFinishedBefore} so a late record about one changes nothing. */
    private final Map<String, Checkpoint.Finished> finished = new HashMap<>();
    /** Waiting workloads per queue, in arrival order. */
    private final Map<String, LinkedHashMap<String, Entry>> queues = new TreeMap<>();
    private final Map<String, Admission> live = new HashMap<>();
    /** Inference services by name: the replicas their plans ask for. */
    private final Map<String, Served> served = new TreeMap<>();
    /**
     * The highest released attempt of workloads not in {@link #finished} (which keeps its own), and when it was
     * released.
     */
    private final Map<String, Checkpoint.Released> released = new HashMap<>();
    /** The highest attempt of each workload whose revocation was published (read back from the log or decided). */
    private final Map<String, Integer> revokedUpTo = new HashMap<>();
    /** Cancelled workloads that may hold an admission not yet revoked: checked at the next cycle. */
    private final Set<String> toRevoke = new TreeSet<>();
    private boolean replaying = true;
    /** The earliest {@link Entry#retryAt} of the waiting replicas (null: none waits out a back-off). */
    private Instant nextRetry;
    private long arrivals;
    private boolean dirty = true;

    public SchedulerCore(PlacementPolicy policy) {
        this.policy = policy;
    }

    public boolean replaying() {
        return replaying;
    }

    /** Ends the replay: build the cluster from the nodes and take the capacity of live admissions. */
    public void finishReplay() {
        cluster = new ClusterState();
        nodes.values().forEach(cluster::upsertNode);
        for (var e : live.entrySet()) {
            Entry w = workloads.get(e.getKey());
            // Pods on a node that is gone are left out; the admission stays live until the executor releases it
            // (its pods elsewhere still run and hold their GPUs).
            e.getValue().placement = cluster.commitAvailable(
                    GangRequests.placement(e.getKey(), e.getValue().pods, w == null ? null : w.spec));
        }
        // Cancelled while admitted, in whatever order the topics were read: revoke what was not revoked yet.
        live.keySet().stream().filter(id -> cancelReason(id) != null).forEach(toRevoke::add);
        // Everything was read up to where the log stood: a release or revocation of a workload never submitted
        // (or forgotten) is about nothing the scheduler will ever hear of again.
        released.keySet().removeIf(this::unknown);
        revokedUpTo.keySet().removeIf(this::unknown);
        replaying = false;
        dirty = true;
    }

    /** Applies one event from any topic the scheduler reads. */
    public void apply(CapstanEvent event) {
        if (event instanceof NodeEvent n) {
            applyNode(n);
        } else if (event instanceof WorkloadEvent w) {
            applyWorkload(w);
        } else if (event instanceof PlacementEvent.WorkloadAdmitted a) {
            applyAdmitted(a);
        } else if (event instanceof PlacementEvent.WorkloadPending p) {
            // The reason published last: a restarted or standby scheduler does not publish it again unchanged.
            Entry e = workloads.get(p.workloadId());
            if (e != null && !e.finished && !live.containsKey(e.id)) {
                e.pendingReason = p.reason();
            }
        } else if (event instanceof PlacementEvent.AdmissionRevoked r) {
            revokedUpTo.merge(r.workloadId(), r.attempt(), Math::max);
        } else if (event instanceof ExecutionEvent e && e.releasesCapacity()) {
            ExecutionEvent.WorkloadFailed f = e instanceof ExecutionEvent.WorkloadFailed w ? w : null;
            release(e.workloadId(), e.attempt(), e.at(), f == null || f.retryable(), f == null ? null : f.reason());
        } else if (event instanceof ScalingEvent.RevisionsPlanned p) {
            applyPlan(p);
        }
    }

    private void applyNode(NodeEvent n) {
        if (n instanceof NodeEvent.NodeUpdated u) {
            NodeSpec spec = GangRequests.node(u);
            nodes.put(spec.name(), spec);
            nodeEvents.put(spec.name(), u);
            if (!replaying) {
                cluster.upsertNode(spec);
            }
        } else {
            nodes.remove(n.node());
            nodeEvents.remove(n.node());
            if (!replaying) {
                cluster.removeNode(n.node());
            }
        }
        dirty = true;
    }

    private void applyWorkload(WorkloadEvent w) {
        if (w instanceof WorkloadEvent.WorkloadSubmitted s) {
            submit(s.workloadId(), s.spec(), null, s.submittedAt());
        } else if (w instanceof WorkloadEvent.WorkloadCancelled c) {
            cancel(c.workloadId(), c.reason() == null || c.reason().isBlank() ? "cancelled" : "cancelled: " + c.reason(),
                    c.cancelledAt());
        }
        dirty = true;
    }

    private void submit(String id, TrainingJobSpec spec, ServingReplica serving, Instant at) {
        if (workloads.containsKey(id) || finished.containsKey(id)) {
            return; // redelivered
        }
        Entry e = new Entry(id, spec, at, arrivals++, serving);
        workloads.put(e.id, e);
        Admission admitted = live.get(e.id);
        Checkpoint.Released done = released.get(e.id);
        if (admitted != null) {
            e.attempt = admitted.attempt(); // the admission was read before the submission
        } else if (done != null) {
            e.attempt = done.attempt();
            if (serving != null) {
                enqueue(e); // a replica comes back after its pod ended
            } else {
                finish(e, done.at());
            }
        } else {
            enqueue(e);
        }
    }

    private void cancel(String id, String reason, Instant at) {
        Entry e = workloads.get(id);
        if (e != null && !e.finished) {
            dequeue(e);
            e.cancelReason = reason;
            if (live.containsKey(e.id)) {
                toRevoke.add(e.id); // its pods must go: the executor hears it on the admission's partition
            }
            finish(e, at);
        }
    }

    /**
     * Makes the replicas of a service match its plan: new replicas wait for placement, replicas beyond a revision's
     * count (the newest first) and those of revisions no longer planned are cancelled.
     */
    private void applyPlan(ScalingEvent.RevisionsPlanned p) {
        Served s = served.computeIfAbsent(p.service(), k -> new Served());
        Set<String> planned = new HashSet<>();
        for (ScalingEvent.Revision r : p.revisions()) {
            planned.add(r.name());
            List<String> ids = s.replicas.computeIfAbsent(r.name(), k -> new ArrayList<>());
            while (ids.size() < r.replicas()) {
                String id = p.service() + "-" + r.name() + "-" + s.nextReplica++;
                ids.add(id);
                submit(id, Replicas.spec(p), new ServingReplica(p.service(), r.name(), r.model(), r.modelVersion(),
                        r.artifactUri(), p.coldStartSeconds()), p.plannedAt());
            }
            while (ids.size() > Math.max(0, r.replicas())) {
                cancel(ids.remove(ids.size() - 1), "scaled down: revision " + r.name() + " needs " + r.replicas()
                        + " replicas", p.plannedAt());
            }
        }
        var it = s.replicas.entrySet().iterator();
        while (it.hasNext()) {
            var revision = it.next();
            if (!planned.contains(revision.getKey())) {
                String reason = p.revisions().isEmpty() ? ServingReplica.SERVICE_DELETED
                        : "revision " + revision.getKey() + " retired";
                revision.getValue().forEach(id -> cancel(id, reason, p.plannedAt()));
                it.remove();
            }
        }
        if (p.revisions().isEmpty()) {
            served.remove(p.service());
        }
        dirty = true;
    }

    private void applyAdmitted(PlacementEvent.WorkloadAdmitted a) {
        Admission current = live.get(a.workloadId());
        if (current != null && current.attempt() >= a.attempt() || releasedUpTo(a.workloadId()) >= a.attempt()) {
            return; // our own decision read back, or an admission already over
        }
        Entry e = workloads.get(a.workloadId());
        GangPlacement placement = null;
        if (!replaying) {
            placement = GangRequests.placement(a.workloadId(), a.pods(), e == null ? null : e.spec);
            cluster.commit(placement);
        }
        live.put(a.workloadId(), new Admission(a.attempt(), a.pods(), placement));
        if (e != null) {
            e.attempt = Math.max(e.attempt, a.attempt());
            e.pendingReason = null;
            dequeue(e);
        }
        if (!replaying && cancelReason(a.workloadId()) != null) {
            // The cancellation was read first (another topic): this admission must go too. (A replay decides this
            // at its end.)
            toRevoke.add(a.workloadId());
        }
    }

    private void release(String workloadId, int attempt, Instant at, boolean mayRunAgain, String failure) {
        Checkpoint.Finished done = finished.get(workloadId);
        if (done != null) {
            if (done.releasedUpTo() < attempt) {
                finished.put(workloadId, new Checkpoint.Finished(workloadId, done.attempt(), done.at(),
                        done.cancelReason(), attempt));
            }
        } else if (releasedUpTo(workloadId) < attempt) {
            released.put(workloadId, new Checkpoint.Released(workloadId, attempt, at));
        }
        Admission a = live.get(workloadId);
        if (a != null && a.attempt() == attempt) {
            live.remove(workloadId);
            toRevoke.remove(workloadId);
            if (!replaying) {
                cluster.releaseHeld(a.placement()); // a node removed meanwhile took its pods' capacity with it
            }
            dirty = true;
        }
        Entry e = workloads.get(workloadId);
        if (e != null && e.attempt <= attempt) {
            e.attempt = attempt;
            dequeue(e);
            if (e.serving != null && !e.finished) {
                // A replica its plan still wants: placed again. After a failure a retry cannot fix at once (an image
                // that cannot be pulled, a command not found), not before a back-off: Kubernetes' image-pull and
                // crash-loop back-off (10 s, doubling, at most 300 s), so a registry outage or a fixed tag heals
                // without anyone, and a version that never starts fails its rollout by the progress deadline.
                if (mayRunAgain) {
                    e.hopelessFailures = 0;
                    e.retryAt = null;
                } else {
                    e.hopelessFailures++;
                    e.retryAt = at == null ? null : at.plus(retryBackoff(e.hopelessFailures));
                    if (e.retryAt != null && (nextRetry == null || e.retryAt.isBefore(nextRetry))) {
                        nextRetry = e.retryAt;
                    }
                    e.retryReason = "attempt " + attempt + " failed" + (failure == null ? "" : ": " + failure)
                            + "; next attempt " + (e.retryAt == null ? "now" : "at " + e.retryAt);
                }
                enqueue(e);
                dirty = true;
            } else {
                // No retries of training jobs yet: an admission that ended ends the workload.
                finish(e, at);
            }
        }
    }

    /**
     * Marks a workload finished. Once its admission holds nothing any more, only its id, last attempt and finishing
     * time are kept (in {@link #finished}), until {@link #forgetFinishedBefore} forgets it.
     */
    private void finish(Entry e, Instant at) {
        e.finished = true;
        if (e.finishedAt == null) {
            e.finishedAt = at;
        }
        if (!live.containsKey(e.id)) {
            workloads.remove(e.id);
            Checkpoint.Released r = released.remove(e.id);
            finished.put(e.id, new Checkpoint.Finished(e.id, e.attempt, e.finishedAt, e.cancelReason,
                    r == null ? 0 : r.attempt()));
        }
    }

    /** The highest attempt of the workload whose capacity was released (0: none). */
    private int releasedUpTo(String workloadId) {
        Checkpoint.Released r = released.get(workloadId);
        if (r != null) {
            return r.attempt();
        }
        Checkpoint.Finished f = finished.get(workloadId);
        return f == null ? 0 : f.releasedUpTo();
    }

    /** Why the workload was cancelled; null if it was not (or is not known). */
    private String cancelReason(String workloadId) {
        Entry e = workloads.get(workloadId);
        if (e != null) {
            return e.cancelReason;
        }
        Checkpoint.Finished f = finished.get(workloadId);
        return f == null ? null : f.cancelReason();
    }

    /** Neither waiting, admitted, nor remembered as finished. */
    private boolean unknown(String workloadId) {
        return !workloads.containsKey(workloadId) && !live.containsKey(workloadId) && !finished.containsKey(workloadId);
    }

    /**
     * Forgets workloads that finished before {@code cutoff}: their ids, attempts, releases and revocations. A record
     * about one of them read later (a producer's late retry) is then ignored, where it would otherwise be a new
     * workload; the retention window is how late such a repeat may come. Keeps memory and checkpoints bounded by what
     * happens within the window, not by the length of the history.
     *
     * @return how many workloads were forgotten
     */
    public int forgetFinishedBefore(Instant cutoff) {
        int before = finished.size();
        finished.values().removeIf(f -> f.at() != null && f.at().isBefore(cutoff));
        // A release read before its admission (a standby reads the topics in any order) is kept until it is old.
        released.values().removeIf(f -> (f.at() == null || f.at().isBefore(cutoff)) && unknown(f.workloadId()));
        revokedUpTo.keySet().removeIf(id -> unknown(id) && !released.containsKey(id));
        return before - finished.size();
    }

    /**
     * What a restart needs to go on from this point of the log (see {@link Checkpoint}). Taken between cycles, after
     * the decisions of the last one were published.
     */
    public Checkpoint checkpoint() {
        List<Checkpoint.Workload> ws = workloads.values().stream().sorted(Comparator.comparingLong(e -> e.arrival))
                .map(e -> new Checkpoint.Workload(e.id, e.spec, e.submittedAt, e.arrival, e.attempt, e.finished,
                        e.finishedAt, e.cancelReason, e.pendingReason, e.serving))
                .toList();
        List<Checkpoint.Served> services = served.entrySet().stream().map(e -> new Checkpoint.Served(e.getKey(),
                e.getValue().replicas, e.getValue().nextReplica)).toList();
        List<Checkpoint.Held> held = live.entrySet().stream()
                .map(e -> new Checkpoint.Held(e.getKey(), e.getValue().attempt(), e.getValue().pods)).toList();
        return new Checkpoint(arrivals, List.copyOf(nodeEvents.values()), ws, held, List.copyOf(finished.values()),
                List.copyOf(released.values()), Map.copyOf(revokedUpTo), services);
    }

    /**
     * A core that knows what the checkpoint holds and is replaying: apply the log from the checkpoint's positions on,
     * then {@link #finishReplay()} (which takes the capacity of the admissions, as after a full replay).
     */
    public static SchedulerCore restore(PlacementPolicy policy, Checkpoint cp) {
        SchedulerCore core = new SchedulerCore(policy);
        cp.nodes().forEach(core::applyNode);
        cp.admissions().forEach(h -> core.live.put(h.workloadId(), new Admission(h.attempt(), h.pods(), null)));
        for (Checkpoint.Workload w : cp.workloads()) {
            Entry e = new Entry(w.id(), w.spec(), w.submittedAt(), w.arrival(), w.serving());
            e.attempt = w.attempt();
            e.finished = w.finished();
            e.finishedAt = w.finishedAt();
            e.cancelReason = w.cancelReason();
            e.pendingReason = w.pendingReason();
            core.workloads.put(e.id, e);
            if (!e.finished && !core.live.containsKey(e.id)) {
                core.enqueue(e); // in arrival order: the checkpoint lists them so
            }
        }
        cp.finished().forEach(f -> core.finished.put(f.workloadId(), f));
        cp.released().forEach(f -> core.released.put(f.workloadId(), f));
        core.revokedUpTo.putAll(cp.revokedUpTo());
        for (Checkpoint.Served s : cp.served()) {
            Served state = new Served();
            s.replicas().forEach((revision, ids) -> state.replicas.put(revision, new ArrayList<>(ids)));
            state.nextReplica = s.nextReplica();
            core.served.put(s.service(), state);
        }
        core.arrivals = cp.arrivals();
        return core;
    }

    /** How many finished workloads are remembered. */
    public int finishedRemembered() {
        return finished.size();
    }

    /** Whether anything changed since the last cycle that could let a waiting workload in. */
    public boolean needsCycle() {
        return (dirty || !toRevoke.isEmpty()) && !replaying;
    }

    /** {@link #needsCycle()}, or a replica's back-off ({@link Entry#retryAt}) is over at {@code now}. */
    public boolean needsCycle(Instant now) {
        return needsCycle() || !replaying && nextRetry != null && !now.isBefore(nextRetry);
    }

    /** The wait before attempt {@code failures} + 1 of a replica whose attempts failed hopelessly in a row. */
    static Duration retryBackoff(int failures) {
        long seconds = RETRY_BACKOFF_FIRST.toSeconds() << Math.min(10, Math.max(0, failures - 1));
        return Duration.ofSeconds(Math.min(RETRY_BACKOFF_MAX.toSeconds(), seconds));
    }

    /** Runs one scheduling cycle and returns the decisions to publish, in order. */
    public List<PlacementEvent> cycle(Instant now) {
        dirty = false;
        nextRetry = null; // found again below among the replicas still waiting out a back-off
        List<PlacementEvent> out = new ArrayList<>();
        revoke(now, out);
        List<Entry> heads = new ArrayList<>();
        queues.values().forEach(q -> heads.addAll(q.values()));
        // Submission time, not read order: after a restart the topics' partitions interleave differently.
        heads.sort(Comparator.comparingInt((Entry e) -> -e.spec.priority())
                .thenComparing(e -> e.submittedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingLong(e -> e.arrival));
        Map<String, List<GpuDevice>> gpus = null;
        // Within one cycle capacity only shrinks, so a shape that did not fit will not fit again: a
        // waiting workload of that shape that already shows its reason is not tried (a long queue of
        // identical jobs costs one placement attempt per cycle, not one per job).
        Set<String> unfitShapes = new HashSet<>();
        // Replicas per node of each inference service, counted once per cycle and kept up as replicas are placed.
        Map<String, Map<String, Integer>> replicasByNode = null;
        for (Entry e : heads) {
            if (e.retryAt != null) {
                if (now.isBefore(e.retryAt)) {
                    if (nextRetry == null || e.retryAt.isBefore(nextRetry)) {
                        nextRetry = e.retryAt;
                    }
                    if (!e.retryReason.equals(e.pendingReason)) {
                        e.pendingReason = e.retryReason;
                        out.add(new PlacementEvent.WorkloadPending(e.id, e.retryReason, now));
                    }
                    continue;
                }
                e.retryAt = null;
            }
            String shape = shape(e.spec);
            if (e.pendingReason != null && unfitShapes.contains(shape)) {
                continue;
            }
            int attempt = e.attempt + 1;
            GangRequest gang = GangRequests.gang(e.id, attempt, e.spec);
            PlacementResult result;
            if (e.serving == null) {
                result = policy.place(cluster, gang);
            } else {
                if (replicasByNode == null) {
                    replicasByNode = replicasByNode();
                }
                result = placeSpread(replicasByNode.computeIfAbsent(e.serving.service(), k -> new HashMap<>()), gang);
                if (result instanceof PlacementResult.Placed placed) {
                    Map<String, Integer> held = replicasByNode.get(e.serving.service());
                    placed.placement().pods().forEach(p -> held.merge(p.node(), 1, Integer::sum));
                }
            }
            if (result instanceof PlacementResult.Placed placed) {
                cluster.commit(placed.placement());
                e.attempt = attempt;
                e.pendingReason = null;
                dequeue(e);
                if (gpus == null) {
                    gpus = gpusByNode();
                }
                var pods = GangRequests.assignments(placed.placement(), e.spec, gpus);
                live.put(e.id, new Admission(attempt, pods, placed.placement()));
                out.add(new PlacementEvent.WorkloadAdmitted(e.id, attempt, e.spec.queue(), pods, now, e.spec,
                        e.serving));
            } else if (result instanceof PlacementResult.Unschedulable u) {
                unfitShapes.add(shape);
                if (!u.reason().equals(e.pendingReason)) {
                    e.pendingReason = u.reason();
                    out.add(new PlacementEvent.WorkloadPending(e.id, u.reason(), now));
                }
            }
        }
        return out;
    }

    /** The live replicas of every inference service per node. */
    private Map<String, Map<String, Integer>> replicasByNode() {
        Map<String, Map<String, Integer>> byService = new HashMap<>();
        for (var a : live.entrySet()) {
            Entry w = workloads.get(a.getKey());
            if (w != null && w.serving != null) {
                Map<String, Integer> held = byService.computeIfAbsent(w.serving.service(), k -> new HashMap<>());
                a.getValue().pods.forEach(p -> held.merge(p.node(), 1, Integer::sum));
            }
        }
        return byService;
    }

    /**
     * Places a replica on the nodes that hold the fewest of its service's replicas ({@code replicasByNode}) among those
     * it fits on: first as if every node holding more than the fewest carried {@link #SPREAD_TAINT}, then allowing one
     * more, and so on, and at last anywhere it fits. One node's loss then takes as few of the service's replicas as
     * the cluster allows.
     */
    private PlacementResult placeSpread(Map<String, Integer> replicasByNode, GangRequest gang) {
        Map<String, Integer> held = new HashMap<>(replicasByNode);
        held.keySet().retainAll(cluster.nodeNames());
        if (held.isEmpty()) {
            return policy.place(cluster, gang);
        }
        TreeSet<Integer> levels = new TreeSet<>(held.values());
        levels.add(0);
        for (int level : levels) {
            if (level == levels.last()) {
                break; // every node allowed: the plain placement below
            }
            Set<String> crowded = new TreeSet<>();
            held.forEach((node, n) -> {
                if (n > level) {
                    crowded.add(node);
                }
            });
            PlacementResult spread;
            try {
                for (String node : crowded) {
                    NodeSpec n = nodes.get(node);
                    Set<String> taints = new HashSet<>(n.taints());
                    taints.add(SPREAD_TAINT);
                    cluster.upsertNode(new NodeSpec(n.name(), n.cpuMilli(), n.memoryMib(), n.gpus(), n.labels(),
                            taints, n.ready()));
                }
                spread = policy.place(cluster, gang);
            } finally {
                crowded.forEach(node -> cluster.upsertNode(nodes.get(node)));
            }
            if (spread instanceof PlacementResult.Placed) {
                return spread;
            }
        }
        return policy.place(cluster, gang);
    }

    /**
     * Revokes the admissions of cancelled workloads, once each: the capacity stays taken until the executor reports
     * it released (its pods may still be running until they are deleted).
     */
    private void revoke(Instant now, List<PlacementEvent> out) {
        for (String id : toRevoke) {
            Admission a = live.get(id);
            String reason = cancelReason(id);
            if (a != null && reason != null && revokedUpTo.getOrDefault(id, 0) < a.attempt()) {
                revokedUpTo.put(id, a.attempt());
                out.add(new PlacementEvent.AdmissionRevoked(id, a.attempt(), reason, now));
            }
        }
        toRevoke.clear();
    }

    /** What a gang asks for, independent of names: gangs of one shape fit or not alike. */
    private static String shape(TrainingJobSpec s) {
        var r = s.resources();
        return s.workers() + "x" + r.gpus() + "/" + r.gpuMilli() + "/" + r.cpuMilli() + "/" + r.memoryMib() + "/"
                + new TreeSet<>(r.gpuModels());
    }

    private Map<String, List<GpuDevice>> gpusByNode() {
        Map<String, List<GpuDevice>> m = new HashMap<>();
        nodes.values().forEach(n -> m.put(n.name(), n.gpus()));
        return m;
    }

    private void enqueue(Entry e) {
        queues.computeIfAbsent(e.spec.queue(), q -> new LinkedHashMap<>()).put(e.id, e);
    }

    private void dequeue(Entry e) {
        var q = queues.get(e.spec.queue());
        if (q != null) {
            q.remove(e.id);
        }
    }

    /** What operators see: queues with their waiting workloads, and GPUs held by admissions. */
    public Snapshot snapshot() {
        Map<String, List<Snapshot.Waiting>> q = new TreeMap<>();
        queues.forEach((name, entries) -> q.put(name, entries.values().stream()
                .map(e -> new Snapshot.Waiting(e.id, e.spec.name(), e.spec.workers(), e.spec.resources().gpus(),
                        e.pendingReason, e.submittedAt)).toList()));
        Map<String, Integer> gpusInUse = new TreeMap<>();
        for (Admission a : live.values()) {
            a.pods.forEach(p -> gpusInUse.merge(p.node(), p.gpuIndices().size(), Integer::sum));
        }
        // One pod of each waiting workload, by shape: every worker of a gang asks for the same.
        Set<PodRequest> waitingShapes = new HashSet<>();
        queues.values().forEach(entries -> entries.values().forEach(e -> {
            var r = e.spec.resources();
            waitingShapes.add(new PodRequest("waiting", r.cpuMilli(), r.memoryMib(), r.gpus(), r.gpuMilli(),
                    new HashSet<>(r.gpuModels()), null, Set.of()));
        }));
        return new Snapshot(q, live.size(), nodes.size(),
                nodes.values().stream().mapToInt(n -> n.gpus().size()).sum(), gpusInUse, replaying,
                cluster.gpuMilliTotal(), cluster.gpuMilliAllocated(), cluster.strandedGpuMilli(waitingShapes));
    }

    /**
     * How long a workload admitted for the first time waited in its queue (submission to admission), or empty for a
     * later attempt (its wait began when the earlier one failed, not at submission) or a workload not known here.
     */
    public java.util.Optional<Duration> firstAdmissionWait(PlacementEvent.WorkloadAdmitted admitted) {
        Entry e = workloads.get(admitted.workloadId());
        if (admitted.attempt() != 1 || e == null || e.submittedAt == null
                || admitted.admittedAt().isBefore(e.submittedAt)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Duration.between(e.submittedAt, admitted.admittedAt()));
    }

    /**
     * An immutable view for the REST API and metrics. {@code gpuMilliStranded}: free GPU capacity that none of the
     * waiting workloads fits on ({@link ClusterState#strandedGpuMilli}).
     */
    public record Snapshot(Map<String, List<Waiting>> queues, int admitted, int nodes, int gpus,
            Map<String, Integer> gpusInUseByNode, boolean replaying, long gpuMilliTotal, long gpuMilliAllocated,
            long gpuMilliStranded) {
        /** A waiting workload and why it waits. */
        public record Waiting(String workloadId, String name, int workers, int gpusPerWorker, String pendingReason,
                Instant submittedAt) {
        }
    }
}

package dev.capstan.scheduler.domain.queue;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.scheduler.domain.placement.ClusterState;
import dev.capstan.scheduler.domain.placement.GangPlacement;
import dev.capstan.scheduler.domain.placement.GpuDevice;
import dev.capstan.scheduler.domain.placement.NodeSpec;
import dev.capstan.scheduler.domain.placement.PlacementPolicy;
import dev.capstan.scheduler.domain.placement.PlacementResult;
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
        int attempt;
        boolean finished;
        /** The user cancelled it: an admission it still holds is revoked. */
        String cancelReason;
        String pendingReason;

        Entry(String id, TrainingJobSpec spec, Instant submittedAt, long arrival) {
            this.id = id;
            this.spec = spec;
            this.submittedAt = submittedAt;
            this.arrival = arrival;
        }
    }

    private final PlacementPolicy policy;
    private ClusterState cluster = new ClusterState();
    private final Map<String, NodeSpec> nodes = new TreeMap<>();
    private final Map<String, Entry> workloads = new HashMap<>();
    /** Waiting workloads per queue, in arrival order. */
    private final Map<String, LinkedHashMap<String, Entry>> queues = new TreeMap<>();
    private final Map<String, Admission> live = new HashMap<>();
    private final Map<String, Integer> releasedUpTo = new HashMap<>();
    /** The highest attempt of each workload whose revocation was published (read back from the log or decided). */
    private final Map<String, Integer> revokedUpTo = new HashMap<>();
    /** Cancelled workloads that may hold an admission not yet revoked: checked at the next cycle. */
    private final Set<String> toRevoke = new TreeSet<>();
    private boolean replaying = true;
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
        live.keySet().stream().filter(id -> workloads.containsKey(id) && workloads.get(id).cancelReason != null)
                .forEach(toRevoke::add);
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
        } else if (event instanceof PlacementEvent.AdmissionRevoked r) {
            revokedUpTo.merge(r.workloadId(), r.attempt(), Math::max);
        } else if (event instanceof ExecutionEvent e && e.releasesCapacity()) {
            release(e.workloadId(), e.attempt());
        }
    }

    private void applyNode(NodeEvent n) {
        if (n instanceof NodeEvent.NodeUpdated u) {
            NodeSpec spec = GangRequests.node(u);
            nodes.put(spec.name(), spec);
            if (!replaying) {
                cluster.upsertNode(spec);
            }
        } else {
            nodes.remove(n.node());
            if (!replaying) {
                cluster.removeNode(n.node());
            }
        }
        dirty = true;
    }

    private void applyWorkload(WorkloadEvent w) {
        if (w instanceof WorkloadEvent.WorkloadSubmitted s) {
            if (workloads.containsKey(s.workloadId())) {
                return; // redelivered
            }
            Entry e = new Entry(s.workloadId(), s.spec(), s.submittedAt(), arrivals++);
            workloads.put(e.id, e);
            Admission admitted = live.get(e.id);
            if (admitted != null) {
                e.attempt = admitted.attempt(); // the admission was read before the submission
            } else if (releasedUpTo.containsKey(e.id)) {
                e.attempt = releasedUpTo.get(e.id);
                e.finished = true;
            } else {
                enqueue(e);
            }
        } else if (w instanceof WorkloadEvent.WorkloadCancelled c) {
            Entry e = workloads.get(c.workloadId());
            if (e != null) {
                dequeue(e);
                e.finished = true;
                e.cancelReason = c.reason() == null || c.reason().isBlank() ? "cancelled" : "cancelled: " + c.reason();
                if (live.containsKey(e.id)) {
                    toRevoke.add(e.id); // its pods must go: the executor hears it on the admission's partition
                }
            }
        }
        dirty = true;
    }

    private void applyAdmitted(PlacementEvent.WorkloadAdmitted a) {
        Admission current = live.get(a.workloadId());
        if (current != null && current.attempt() >= a.attempt()
                || releasedUpTo.getOrDefault(a.workloadId(), 0) >= a.attempt()) {
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
            dequeue(e);
        }
    }

    private void release(String workloadId, int attempt) {
        releasedUpTo.merge(workloadId, attempt, Math::max);
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
            // No retries yet: an admission that ended ends the workload.
            e.finished = true;
            dequeue(e);
        }
    }

    /** Whether anything changed since the last cycle that could let a waiting workload in. */
    public boolean needsCycle() {
        return (dirty || !toRevoke.isEmpty()) && !replaying;
    }

    /** Runs one scheduling cycle and returns the decisions to publish, in order. */
    public List<PlacementEvent> cycle(Instant now) {
        dirty = false;
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
        for (Entry e : heads) {
            String shape = shape(e.spec);
            if (e.pendingReason != null && unfitShapes.contains(shape)) {
                continue;
            }
            int attempt = e.attempt + 1;
            PlacementResult result = policy.place(cluster, GangRequests.gang(e.id, attempt, e.spec));
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
                out.add(new PlacementEvent.WorkloadAdmitted(e.id, attempt, e.spec.queue(), pods, now, e.spec));
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

    /**
     * Revokes the admissions of cancelled workloads, once each: the capacity stays taken until the executor reports
     * it released (its pods may still be running until they are deleted).
     */
    private void revoke(Instant now, List<PlacementEvent> out) {
        for (String id : toRevoke) {
            Admission a = live.get(id);
            Entry e = workloads.get(id);
            if (a != null && e != null && revokedUpTo.getOrDefault(id, 0) < a.attempt()) {
                revokedUpTo.put(id, a.attempt());
                out.add(new PlacementEvent.AdmissionRevoked(id, a.attempt(), e.cancelReason, now));
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
        return new Snapshot(q, live.size(), nodes.size(),
                nodes.values().stream().mapToInt(n -> n.gpus().size()).sum(), gpusInUse, replaying);
    }

    /** An immutable view for the REST API and metrics. */
    public record Snapshot(Map<String, List<Waiting>> queues, int admitted, int nodes, int gpus,
            Map<String, Integer> gpusInUseByNode, boolean replaying) {
        /** A waiting workload and why it waits. */
        public record Waiting(String workloadId, String name, int workers, int gpusPerWorker, String pendingReason,
                Instant submittedAt) {
        }
    }
}

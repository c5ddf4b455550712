package dev.capstan.scheduler.domain.placement;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * The capacity of the cluster and what is taken of it, with incremental indexes so that finding the
 * nodes a pod can use does not scan every node.
 *
 * <p>Indexes (ready nodes only), kept up to date on every commit, release and node change in O(1) per node:
 * <ul>
 *   <li>per GPU model: nodes by number of whole free GPUs (one bit set per count);</li>
 *   <li>per GPU model: nodes by the largest free share of a partly used GPU, in buckets of 100 milli-GPU;</li>
 *   <li>per GPU model: nodes with a MIG-capable GPU that has free slices;</li>
 *   <li>all ready nodes (for CPU-only pods).</li>
 * </ul>
 * Mutable and meant for one thread. Usage is kept per node as amounts taken, so that a node's capacity can
 * change ({@link #upsertNode}) without losing what is placed on it, and {@link #release} is the exact inverse
 * of {@link #commit}.
 */
public final class ClusterState {

    /** Share buckets of the partial-GPU index: bucket b holds nodes whose best partial GPU has b*100..b*100+99 free. */
    static final int SHARE_BUCKETS = 10;

    /** Internal per-node state. Policies in this package read it directly for speed. */
    static final class Node {
        final int id;
        NodeSpec spec;
        int modelId;          // id of spec.gpuModel() in the model table
        String rack;
        String zone;
        long cpuUsed;
        long memUsed;
        int[] gpuUsed = new int[0];   // milli-GPU taken per device (whole and shared pods)
        int[] migUsed = new int[0];   // MIG slices taken per device
        // derived, recomputed by refresh()
        long cpuFree;
        long memFree;
        int[] gpuFree = new int[0];   // milli-GPU free per device for whole/shared pods (0 when in MIG use)
        int wholeFree;
        int maxPartialFree;           // largest free share of a partly used GPU (0 if none)
        boolean migRoom;              // some MIG-capable GPU has a free slice
        boolean indexed;
        long version;                 // bumps on every change: cache key for policies
        NodeClass cls;                // equivalence class of identical state while indexed

        Node(int id) {
            this.id = id;
        }

        int gpuCount() {
            return spec.gpus().size();
        }

        long gpuFreeTotal() {
            long sum = 0;
            for (int f : gpuFree) {
                sum += f;
            }
            return sum;
        }

        boolean schedulable() {
            return spec.ready();
        }

        void refresh() {
            int n = spec.gpus().size();
            cpuFree = spec.cpuMilli() - cpuUsed;
            memFree = spec.memoryMib() - memUsed;
            if (gpuFree.length != n) {
                gpuFree = new int[n];
            }
            int whole = 0;
            int partial = 0;
            boolean mig = false;
            for (int i = 0; i < n; i++) {
                int used = i < gpuUsed.length ? gpuUsed[i] : 0;
                int slices = i < migUsed.length ? migUsed[i] : 0;
                int free = slices > 0 ? 0 : Math.max(0, 1000 - used);
                gpuFree[i] = free;
                if (free == 1000) {
                    whole++;
                } else if (free > partial) {
                    partial = free;
                }
                if (spec.gpus().get(i).migCapable() && used == 0 && slices < MigProfiles.SLICES_PER_GPU) {
                    mig = true;
                }
            }
            wholeFree = whole;
            maxPartialFree = partial;
            migRoom = mig;
            version++;
        }
    }

    /** Indexes of the nodes of one GPU model. */
    private static final class ModelIndex {
        final List<BitSet> byWholeFree = new ArrayList<>();
        final BitSet[] byPartialFree = new BitSet[SHARE_BUCKETS];
        final BitSet migRoom = new BitSet();
        final BitSet all = new BitSet();

        ModelIndex() {
            for (int b = 0; b < SHARE_BUCKETS; b++) {
                byPartialFree[b] = new BitSet();
            }
        }

        BitSet wholeFree(int k) {
            while (byWholeFree.size() <= k) {
                byWholeFree.add(new BitSet());
            }
            return byWholeFree.get(k);
        }
    }

    /**
     * Nodes in identical state as far as placing a single pod goes: same GPU model, same multiset of free GPU
     * shares, same free CPU and memory, same taints (and ready). Every policy scores such nodes identically, so a
     * placement scores one representative per class instead of every node; only the tie-break looks at members.
     * Nodes with MIG-capable or mixed-model GPUs (where device positions matter) are classes of their own.
     */
    static final class NodeClass {
        final ClassKey key;
        final BitSet members = new BitSet();
        int size;
        int any = -1;                 // some member (the representative)

        NodeClass(ClassKey key) {
            this.key = key;
        }
    }

    /** Identity of a node state for {@link NodeClass}. */
    static final class ClassKey {
        final int modelId;
        final long cpuFree;
        final long memFree;
        final int[] freeDesc;
        final Set<String> taints;
        final int singleton;          // node id for nodes that form their own class, else -1
        final int hash;

        ClassKey(Node node) {
            modelId = node.modelId;
            cpuFree = node.cpuFree;
            memFree = node.memFree;
            int[] f = node.gpuFree.clone();
            java.util.Arrays.sort(f);
            freeDesc = f;
            taints = node.spec.taints();
            boolean own = node.spec.gpuModel().indexOf('+') >= 0;
            for (GpuDevice d : node.spec.gpus()) {
                own |= d.migCapable();
            }
            singleton = own ? node.id : -1;
            int h = modelId;
            h = 31 * h + Long.hashCode(cpuFree);
            h = 31 * h + Long.hashCode(memFree);
            h = 31 * h + java.util.Arrays.hashCode(freeDesc);
            h = 31 * h + taints.hashCode();
            h = 31 * h + singleton;
            hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClassKey k && k.hash == hash && k.modelId == modelId && k.cpuFree == cpuFree
                    && k.memFree == memFree && k.singleton == singleton && java.util.Arrays.equals(k.freeDesc, freeDesc)
                    && k.taints.equals(taints);
        }
    }

    private final Map<ClassKey, NodeClass> classes = new HashMap<>();
    /** Classes by model id (index into {@link #models}); iteration order is insertion order. */
    private final List<java.util.LinkedHashSet<NodeClass>> classesByModel = new ArrayList<>();

    private final Map<String, Node> byName = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();          // by id; null once removed
    private final List<String> models = new ArrayList<>();       // model id -> model ("" = no GPU)
    private final Map<String, Integer> modelIds = new HashMap<>();
    private final List<ModelIndex> modelIndexes = new ArrayList<>();
    private final BitSet ready = new BitSet();
    private final Map<String, Map<String, PodPlacement>> placedByNode = new HashMap<>();
    private long gpuMilliTotal;
    private long gpuMilliAllocated;

    /** An empty cluster. */
    public ClusterState() {
    }

    /** A cluster with these nodes and nothing placed. */
    public static ClusterState of(List<NodeSpec> specs) {
        ClusterState c = new ClusterState();
        specs.forEach(c::upsertNode);
        return c;
    }

    // ------------------------------------------------------------------ mutation

    /**
     * Adds a node, or changes capacity, labels, taints or readiness of a known node. What is placed on a known
     * node stays placed (if the node shrank below it, it is over-committed until those pods are released).
     */
    public void upsertNode(NodeSpec spec) {
        Node node = byName.get(spec.name());
        if (node == null) {
            node = new Node(nodes.size());
            nodes.add(node);
            byName.put(spec.name(), node);
        } else {
            unindex(node);
            gpuMilliTotal -= node.gpuCount() * 1000L;
        }
        node.spec = spec;
        node.modelId = modelId(spec.gpuModel());
        node.rack = Topology.rackOf(spec);
        node.zone = Topology.zoneOf(spec);
        int n = spec.gpus().size();
        if (node.gpuUsed.length < n) {
            node.gpuUsed = java.util.Arrays.copyOf(node.gpuUsed, n);
            node.migUsed = java.util.Arrays.copyOf(node.migUsed, n);
        }
        gpuMilliTotal += n * 1000L;
        node.refresh();
        index(node);
    }

    /** Forgets a node and everything placed on it. */
    public void removeNode(String name) {
        Node node = byName.remove(name);
        if (node == null) {
            return;
        }
        unindex(node);
        gpuMilliTotal -= node.gpuCount() * 1000L;
        Map<String, PodPlacement> placed = placedByNode.remove(name);
        if (placed != null) {
            for (PodPlacement p : placed.values()) {
                gpuMilliAllocated -= takenGpuMilli(p);
            }
        }
        nodes.set(node.id, null);
    }

    /**
     * Takes the capacity a placement names. All or nothing: throws {@link IllegalStateException} (and takes
     * nothing) if any pod would over-commit CPU, memory, a GPU's share or MIG slices, names an unknown node or
     * GPU, or is already placed.
     */
    public void commit(GangPlacement placement) {
        List<PodPlacement> done = new ArrayList<>(placement.pods().size());
        try {
            for (PodPlacement p : placement.pods()) {
                apply(p);
                done.add(p);
            }
        } catch (IllegalStateException e) {
            for (int i = done.size() - 1; i >= 0; i--) {
                unapply(done.get(i));
            }
            throw new IllegalStateException("cannot commit gang " + placement.gangId() + ": " + e.getMessage(), e);
        }
    }

    /** Gives back the capacity of a committed placement: the exact inverse of {@link #commit}. */
    public void release(GangPlacement placement) {
        for (PodPlacement p : placement.pods()) {
            Map<String, PodPlacement> placed = placedByNode.get(p.node());
            if (placed == null || !p.equals(placed.get(p.podName()))) {
                throw new IllegalStateException("cannot release pod " + p.podName() + " of gang " + placement.gangId()
                        + ": it is not placed on node " + p.node() + " as described");
            }
        }
        for (PodPlacement p : placement.pods()) {
            unapply(p);
        }
    }

    /**
     * Takes the capacity of each pod of a placement read back from the log that can still be held: a pod on a node
     * that is gone (its pods went with it) or that no longer fits (the node shrank) is left out. Returns what was
     * taken, so the release later gives back exactly that. For rebuilding state, never for new decisions.
     */
    public GangPlacement commitAvailable(GangPlacement placement) {
        List<PodPlacement> held = new ArrayList<>(placement.pods().size());
        for (PodPlacement p : placement.pods()) {
            try {
                apply(p);
                held.add(p);
            } catch (IllegalStateException gone) {
                // not holdable any more: see above
            }
        }
        return new GangPlacement(placement.gangId(), held);
    }

    /**
     * Gives back what a placement still holds: pods on a node removed since (whose capacity went with the node) are
     * skipped instead of failing the release. Returns how many pods were skipped.
     */
    public int releaseHeld(GangPlacement placement) {
        int skipped = 0;
        for (PodPlacement p : placement.pods()) {
            Map<String, PodPlacement> placed = placedByNode.get(p.node());
            if (byName.containsKey(p.node()) && placed != null && p.equals(placed.get(p.podName()))) {
                unapply(p);
            } else {
                skipped++;
            }
        }
        return skipped;
    }

    /** Takes one pod's capacity (used by commit and by policies for tentative gang placement). */
    void apply(PodPlacement p) {
        Node node = byName.get(p.node());
        if (node == null) {
            throw new IllegalStateException("unknown node " + p.node() + " for pod " + p.podName());
        }
        Map<String, PodPlacement> placed = placedByNode.computeIfAbsent(p.node(), k -> new HashMap<>());
        if (placed.containsKey(p.podName())) {
            throw new IllegalStateException("pod " + p.podName() + " is already placed on node " + p.node());
        }
        if (p.cpuMilli() > node.cpuFree || p.memoryMib() > node.memFree) {
            throw new IllegalStateException("pod " + p.podName() + " needs " + p.cpuMilli() + "m CPU and "
                    + p.memoryMib() + " MiB on node " + p.node() + ", free are " + node.cpuFree + "m and "
                    + node.memFree + " MiB");
        }
        List<Integer> idx = p.gpuIndices();
        for (int i = 0; i < idx.size(); i++) {
            int g = idx.get(i);
            if (g < 0 || g >= node.gpuCount()) {
                throw new IllegalStateException("node " + p.node() + " has no GPU " + g + " (pod " + p.podName() + ")");
            }
            for (int j = 0; j < i; j++) {
                if (idx.get(j) == g) {
                    throw new IllegalStateException("pod " + p.podName() + " names GPU " + g + " twice");
                }
            }
            if (p.migProfile() != null) {
                int slices = MigProfiles.slices(p.migProfile());
                if (idx.size() != 1 || !node.spec.gpus().get(g).migCapable() || node.gpuUsed[g] > 0
                        || node.migUsed[g] + slices > MigProfiles.SLICES_PER_GPU) {
                    throw new IllegalStateException("GPU " + g + " of node " + p.node() + " has no room for MIG profile "
                            + p.migProfile() + " (pod " + p.podName() + ")");
                }
            } else if (p.gpuMilli() <= 0 || p.gpuMilli() > node.gpuFree[g]) {
                throw new IllegalStateException("GPU " + g + " of node " + p.node() + " has " + node.gpuFree[g]
                        + " milli-GPU free, pod " + p.podName() + " needs " + p.gpuMilli());
            }
        }
        unindex(node);
        node.cpuUsed += p.cpuMilli();
        node.memUsed += p.memoryMib();
        for (int g : idx) {
            if (p.migProfile() != null) {
                node.migUsed[g] += MigProfiles.slices(p.migProfile());
            } else {
                node.gpuUsed[g] += p.gpuMilli();
            }
        }
        node.refresh();
        index(node);
        placed.put(p.podName(), p);
        gpuMilliAllocated += takenGpuMilli(p);
    }

    /** Gives back one pod's capacity. */
    void unapply(PodPlacement p) {
        Node node = byName.get(p.node());
        Map<String, PodPlacement> placed = placedByNode.get(p.node());
        if (node == null || placed == null || placed.remove(p.podName()) == null) {
            throw new IllegalStateException("pod " + p.podName() + " is not placed on node " + p.node());
        }
        unindex(node);
        node.cpuUsed -= p.cpuMilli();
        node.memUsed -= p.memoryMib();
        for (int g : p.gpuIndices()) {
            if (p.migProfile() != null) {
                node.migUsed[g] -= MigProfiles.slices(p.migProfile());
            } else {
                node.gpuUsed[g] -= p.gpuMilli();
            }
        }
        node.refresh();
        index(node);
        gpuMilliAllocated -= takenGpuMilli(p);
    }

    private static long takenGpuMilli(PodPlacement p) {
        if (p.migProfile() != null) {
            return MigProfiles.slices(p.migProfile()) * 1000L / MigProfiles.SLICES_PER_GPU;
        }
        return (long) p.gpuIndices().size() * p.gpuMilli();
    }

    // ------------------------------------------------------------------ indexes

    private int modelId(String model) {
        Integer id = modelIds.get(model);
        if (id == null) {
            id = models.size();
            models.add(model);
            modelIds.put(model, id);
            modelIndexes.add(new ModelIndex());
            classesByModel.add(new java.util.LinkedHashSet<>());
        }
        return id;
    }

    private void index(Node node) {
        if (!node.schedulable()) {
            return;
        }
        ModelIndex mi = modelIndexes.get(node.modelId);
        mi.all.set(node.id);
        mi.wholeFree(node.wholeFree).set(node.id);
        if (node.maxPartialFree > 0) {
            mi.byPartialFree[node.maxPartialFree / 100].set(node.id);
        }
        if (node.migRoom) {
            mi.migRoom.set(node.id);
        }
        ready.set(node.id);
        node.indexed = true;
        ClassKey key = new ClassKey(node);
        NodeClass cls = classes.get(key);
        if (cls == null) {
            cls = new NodeClass(key);
            classes.put(key, cls);
            classesByModel.get(node.modelId).add(cls);
        }
        cls.members.set(node.id);
        cls.size++;
        cls.any = node.id;
        node.cls = cls;
    }

    private void unindex(Node node) {
        if (!node.indexed) {
            return;
        }
        ModelIndex mi = modelIndexes.get(node.modelId);
        mi.all.clear(node.id);
        mi.wholeFree(node.wholeFree).clear(node.id);
        if (node.maxPartialFree > 0) {
            mi.byPartialFree[node.maxPartialFree / 100].clear(node.id);
        }
        mi.migRoom.clear(node.id);
        ready.clear(node.id);
        node.indexed = false;
        NodeClass cls = node.cls;
        node.cls = null;
        cls.members.clear(node.id);
        if (--cls.size == 0) {
            classes.remove(cls.key);
            classesByModel.get(node.modelId).remove(cls);
        } else if (cls.any == node.id) {
            cls.any = cls.members.nextSetBit(0);
        }
    }

    /**
     * Calls {@code action} with every class of ready nodes that may have room for the pod (callers check the
     * representative with {@link #fits}).
     */
    void forEachCandidateClass(PodRequest pod, java.util.function.Consumer<NodeClass> action) {
        for (int m = 0; m < models.size(); m++) {
            String model = models.get(m);
            if (pod.gpus() > 0 && (model.isEmpty()
                    || (!pod.allowedGpuModels().isEmpty() && !modelMayMatch(model, pod)))) {
                continue;
            }
            for (NodeClass c : classesByModel.get(m)) {
                action.accept(c);
            }
        }
    }

    /** Number of classes of identical node state (for reports and tests). */
    int classCount() {
        return classes.size();
    }

    /** Whether the pod may use GPUs of the node's model(s) at all. */
    static boolean modelAllowed(Node node, PodRequest pod) {
        if (pod.allowedGpuModels().isEmpty()) {
            return true;
        }
        for (GpuDevice d : node.spec.gpus()) {
            if (pod.allowsModel(d.model())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Calls {@code action} with the id of every ready node that, by the indexes, may have GPU room for the pod
     * (a superset of the nodes where it fits; callers check with {@link #fits}). {@code within}, when not null,
     * restricts the nodes.
     */
    void forEachCandidate(PodRequest pod, BitSet within, IntConsumer action) {
        if (pod.gpus() == 0) {
            forEachIn(ready, within, action);
            return;
        }
        for (int m = 0; m < models.size(); m++) {
            String model = models.get(m);
            if (model.isEmpty() || (!pod.allowedGpuModels().isEmpty() && !modelMayMatch(model, pod))) {
                continue;
            }
            ModelIndex mi = modelIndexes.get(m);
            if (pod.isMig()) {
                forEachIn(mi.migRoom, within, action);
                continue;
            }
            int need = pod.isShared() ? 1 : pod.gpus();
            for (int k = Math.max(need, 1); k < mi.byWholeFree.size(); k++) {
                forEachIn(mi.byWholeFree.get(k), within, action);
            }
            if (pod.isShared()) {
                for (int b = pod.gpuMilli() / 100; b < SHARE_BUCKETS; b++) {
                    forEachIn(mi.byPartialFree[b], within, action);
                }
            }
        }
    }

    private static boolean modelMayMatch(String nodeModel, PodRequest pod) {
        if (pod.allowedGpuModels().contains(nodeModel)) {
            return true;
        }
        if (nodeModel.indexOf('+') >= 0) {
            for (String part : nodeModel.split("\\+")) {
                if (pod.allowedGpuModels().contains(part)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void forEachIn(BitSet set, BitSet within, IntConsumer action) {
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
            if (within == null || within.get(i)) {
                action.accept(i);
            }
        }
    }

    /** Whether the pod fits on the node now: ready, tolerated, CPU, memory, model and GPU room. */
    static boolean fits(Node node, PodRequest pod) {
        if (!node.schedulable() || !pod.tolerates(node.spec.taints())) {
            return false;
        }
        if (pod.cpuMilli() > node.cpuFree || pod.memoryMib() > node.memFree) {
            return false;
        }
        if (pod.gpus() == 0) {
            return true;
        }
        if (!modelAllowed(node, pod)) {
            return false;
        }
        return gpuRoom(node, pod);
    }

    /** Whether the node's GPUs (of allowed models) have room for the pod. */
    static boolean gpuRoom(Node node, PodRequest pod) {
        List<GpuDevice> devices = node.spec.gpus();
        boolean anyModel = pod.allowedGpuModels().isEmpty();
        if (pod.isMig()) {
            int slices = MigProfiles.slices(pod.migProfile());
            for (int g = 0; g < devices.size(); g++) {
                GpuDevice d = devices.get(g);
                if (d.migCapable() && node.gpuUsed[g] == 0 && node.migUsed[g] + slices <= MigProfiles.SLICES_PER_GPU
                        && (anyModel || pod.allowsModel(d.model()))) {
                    return true;
                }
            }
            return false;
        }
        int found = 0;
        for (int g = 0; g < devices.size(); g++) {
            if (node.gpuFree[g] >= pod.gpuMilli() && (anyModel || pod.allowsModel(devices.get(g).model()))) {
                if (++found >= pod.gpus()) {
                    return true;
                }
            }
        }
        return false;
    }

    Node node(int id) {
        return nodes.get(id);
    }

    Node nodeState(String name) {
        return byName.get(name);
    }

    int nodeSlots() {
        return nodes.size();
    }

    BitSet readyNodes() {
        return ready;
    }

    // ------------------------------------------------------------------ read accessors

    /** The node as last upserted, if known. */
    public Optional<NodeSpec> node(String name) {
        Node n = byName.get(name);
        return n == null ? Optional.empty() : Optional.of(n.spec);
    }

    /** Names of all known nodes. */
    public Set<String> nodeNames() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    /** Number of known nodes. */
    public int nodeCount() {
        return byName.size();
    }

    /** Free milli-GPU per device index of a node (0 for a GPU in MIG use); empty for an unknown node. */
    public List<Integer> freeGpuMilli(String name) {
        Node n = byName.get(name);
        if (n == null) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>(n.gpuFree.length);
        for (int f : n.gpuFree) {
            out.add(f);
        }
        return out;
    }

    /** Number of wholly free GPUs on a node (0 for an unknown node). */
    public int freeWholeGpus(String name) {
        Node n = byName.get(name);
        return n == null ? 0 : n.wholeFree;
    }

    /** Free CPU of a node in milli-cores (0 for an unknown node). */
    public long freeCpuMilli(String name) {
        Node n = byName.get(name);
        return n == null ? 0 : Math.max(0, n.cpuFree);
    }

    /** Free memory of a node in MiB (0 for an unknown node). */
    public long freeMemoryMib(String name) {
        Node n = byName.get(name);
        return n == null ? 0 : Math.max(0, n.memFree);
    }

    /** GPU capacity of all known nodes in milli-GPU. */
    public long gpuMilliTotal() {
        return gpuMilliTotal;
    }

    /** GPU capacity taken by placed pods in milli-GPU (a MIG instance counts slices / 7 of a GPU). */
    public long gpuMilliAllocated() {
        return gpuMilliAllocated;
    }

    /**
     * GPU capacity, in milli-GPU, left free on nodes where none of {@code waiting} fits: GPUs idle while work that
     * waits for GPUs cannot use them, because what the node has left (CPU, memory, GPU model or share, readiness,
     * taints) fits none of it. With no GPU request waiting nothing is stranded: free capacity without demand is spare.
     * The waiting requests are judged one pod at a time (a gang too big for the cluster does not strand a node its
     * pods would fit on).
     */
    public long strandedGpuMilli(java.util.Collection<PodRequest> waiting) {
        List<PodRequest> gpuPods = waiting.stream().filter(p -> p.gpus() > 0).toList();
        if (gpuPods.isEmpty()) {
            return 0;
        }
        long stranded = 0;
        for (Node n : byName.values()) {
            long free = n.gpuFreeTotal();
            if (free > 0 && gpuPods.stream().noneMatch(p -> fits(n, p))) {
                stranded += free;
            }
        }
        return stranded;
    }

    /** Number of GPUs on all known nodes. */
    public long gpuCount() {
        return gpuMilliTotal / 1000;
    }
}

package dev.capstan.scheduler.domain.placement;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/**
 * The shared mechanics of every policy: find the candidate nodes through the cluster's indexes, keep the nodes
 * where the pod fits, ask the policy for a score (lower is better) and pick the best; place gangs all or nothing.
 * Subclasses only say how good a node is for a pod and which GPU a shared pod takes.
 */
abstract class ScoringPolicy implements PlacementPolicy {

    /** Result of scoring one node: its score and, for shared and MIG pods, the GPU it would take. */
    static final class Pick {
        int gpu = -1;
    }

    /** How equally scored nodes are told apart. */
    enum Ties {
        /** Uniformly at random for each pod (upstream kube-scheduler's selectHost). */
        RANDOM,
        /**
         * By a fixed random priority of the nodes drawn once from the seed: the FGD paper's simulator breaks equal
         * scores by the smallest node name and prefixes every node name with its position in a seeded random
         * permutation, so the same node wins every tie of a run (a consistent, packing tie-break).
         */
        NODE_RANK,
        /** By the policy's {@link #tieBreak}, then by node rank. */
        POLICY
    }

    private final Ties tieMode;
    private final boolean stopAtFirst;
    private final long seed;
    protected final Random random;
    private long[] ranks = new long[0];
    private boolean[] ranked = new boolean[0];

    private int[] seen = new int[0];
    private int scan;

    // best of the current scan
    private ClusterState.Node best;
    private double bestScore;
    private double bestTie;
    private int bestGpu;
    private int ties;

    protected ScoringPolicy(boolean randomTies, boolean stopAtFirst, long seed) {
        this(randomTies ? Ties.RANDOM : Ties.POLICY, stopAtFirst, seed);
    }

    protected ScoringPolicy(Ties tieMode, boolean stopAtFirst, long seed) {
        this.tieMode = tieMode;
        this.stopAtFirst = stopAtFirst;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /**
     * The node's place in this policy's fixed random order of the nodes (lower wins a tie): a seeded hash of the
     * node name, so it does not depend on the order in which nodes were added and needs no renumbering.
     */
    protected final long rank(ClusterState.Node node) {
        int id = node.id;
        if (id >= ranks.length) {
            int len = Math.max(id + 1, ranks.length * 2);
            ranks = java.util.Arrays.copyOf(ranks, len);
            ranked = java.util.Arrays.copyOf(ranked, len);
        }
        if (!ranked[id]) {
            ranks[id] = rankKey(node);
            ranked[id] = true;
        }
        return ranks[id];
    }

    /** The key of a node's rank (lower wins ties); by default a seeded hash of the node name. */
    protected long rankKey(ClusterState.Node node) {
        return rankOf(node.spec.name(), seed);
    }

    /** The seed of this policy's random choices. */
    protected final long seed() {
        return seed;
    }

    /** A seeded 64-bit mix of the name (SplitMix64 finaliser over the string hash and the seed). */
    static long rankOf(String name, long seed) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001B3L;
        }
        h ^= h >>> 30;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 27;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return h;
    }

    /** Scores a node on which the pod fits; lower is better. Sets {@code pick.gpu} for shared/MIG pods. */
    protected abstract double score(ClusterState cluster, ClusterState.Node node, PodRequest pod, Pick pick);

    /** Second key for equal scores, lower is better (ignored when ties are broken at random). */
    protected double tieBreak(ClusterState.Node node, PodRequest pod) {
        return node.id;
    }

    /**
     * Called for every gang this policy is asked to place, every time it is asked (learning policies record the
     * request, once per gang: a gang that waits is asked about again every scheduling cycle).
     */
    protected void observe(GangRequest gang) {
    }

    @Override
    public PlacementResult place(ClusterState cluster, GangRequest gang) {
        observe(gang);
        if (gang.pods().size() == 1) {
            PodRequest pod = gang.pods().get(0);
            PodPlacement placed = choose(cluster, pod, null, null);
            if (placed == null) {
                return new PlacementResult.Unschedulable(Diagnosis.forPod(cluster, pod));
            }
            return new PlacementResult.Placed(new GangPlacement(gang.gangId(), List.of(placed)));
        }
        return GangPlacer.place(this, cluster, gang);
    }

    /**
     * The best placement of one pod among the nodes in {@code within} (all nodes when null), looking first at the
     * nodes in {@code prefer} (when not null) and taking one of those if the pod fits there. Null if it fits nowhere.
     */
    PodPlacement choose(ClusterState cluster, PodRequest pod, BitSet within, BitSet prefer) {
        if (within == null && prefer == null && !stopAtFirst) {
            ClusterState.Node node = scanClasses(cluster, pod);
            if (node == null) {
                return null;
            }
            int gpu = -1;
            if (pod.isShared()) {
                // the representative's GPU index need not be this member's: ask again for this node (policies
                // pick a GPU only for shared pods; a MIG slice's GPU is chosen in toPlacement)
                Pick pick = new Pick();
                score(cluster, node, pod, pick);
                gpu = pick.gpu;
            }
            return toPlacement(node, pod, gpu);
        }
        if (prefer != null && !prefer.isEmpty()) {
            BitSet both = (BitSet) prefer.clone();
            if (within != null) {
                both.and(within);
            }
            scanNodes(cluster, pod, both);
            if (best != null) {
                return toPlacement(best, pod, bestGpu);
            }
        }
        scanNodes(cluster, pod, within);
        return best == null ? null : toPlacement(best, pod, bestGpu);
    }

    private void scanNodes(ClusterState cluster, PodRequest pod, BitSet within) {
        best = null;
        ties = 0;
        if (seen.length < cluster.nodeSlots()) {
            seen = new int[Math.max(cluster.nodeSlots(), seen.length * 2)];
        }
        final int stamp = ++scan;
        final Pick pick = new Pick();
        cluster.forEachCandidate(pod, within, id -> {
            if (seen[id] == stamp || (stopAtFirst && best != null)) {
                return;
            }
            seen[id] = stamp;
            ClusterState.Node node = cluster.node(id);
            if (!ClusterState.fits(node, pod)) {
                return;
            }
            pick.gpu = -1;
            double s = score(cluster, node, pod, pick);
            if (Double.isNaN(s)) {
                return; // the policy rejects the node
            }
            consider(node, pod, s, pick.gpu);
        });
    }

    private final List<ClusterState.NodeClass> tied = new ArrayList<>();

    /**
     * The best node for a single pod, scoring one representative per class of identical node state: the classes
     * with the best score (and policy tie-break) are kept, and the winner among their members is chosen by the tie
     * rule (random member, lowest rank, or lowest id).
     */
    private ClusterState.Node scanClasses(ClusterState cluster, PodRequest pod) {
        tied.clear();
        final Pick pick = new Pick();
        final double[] bestS = {0, 0};
        cluster.forEachCandidateClass(pod, cls -> {
            ClusterState.Node rep = cluster.node(cls.any);
            if (!ClusterState.fits(rep, pod)) {
                return;
            }
            pick.gpu = -1;
            double s = score(cluster, rep, pod, pick);
            if (Double.isNaN(s)) {
                return;
            }
            double t = 0; // the tie-break keys on the node, not on its class: classes are equal here
            if (tied.isEmpty() || s < bestS[0] || (s == bestS[0] && t < bestS[1])) {
                tied.clear();
                tied.add(cls);
                bestS[0] = s;
                bestS[1] = t;
            } else if (s == bestS[0] && t == bestS[1]) {
                tied.add(cls);
            }
        });
        if (tied.isEmpty()) {
            return null;
        }
        if (tieMode == Ties.RANDOM) {
            int total = 0;
            for (ClusterState.NodeClass c : tied) {
                total += c.size;
            }
            int r = random.nextInt(total);
            for (ClusterState.NodeClass c : tied) {
                if (r < c.size) {
                    int id = c.members.nextSetBit(0);
                    while (r-- > 0) {
                        id = c.members.nextSetBit(id + 1);
                    }
                    return cluster.node(id);
                }
                r -= c.size;
            }
            throw new IllegalStateException("unreachable");
        }
        boolean byRank = tieMode == Ties.NODE_RANK;
        ClusterState.Node win = null;
        long winKey = 0;
        for (ClusterState.NodeClass c : tied) {
            if (!byRank) {
                // lowest id (the policy's default tie-break)
                ClusterState.Node n = cluster.node(c.members.nextSetBit(0));
                if (win == null || n.id < win.id) {
                    win = n;
                }
                continue;
            }
            for (int id = c.members.nextSetBit(0); id >= 0; id = c.members.nextSetBit(id + 1)) {
                ClusterState.Node n = cluster.node(id);
                long k = rank(n);
                if (win == null || k < winKey) {
                    win = n;
                    winKey = k;
                }
            }
        }
        return win;
    }

    private void consider(ClusterState.Node node, PodRequest pod, double s, int gpu) {
        if (best == null || s < bestScore) {
            best = node;
            bestScore = s;
            bestGpu = gpu;
            ties = 1;
            bestTie = tieMode == Ties.POLICY ? tieBreak(node, pod) : 0;
            return;
        }
        if (s > bestScore) {
            return;
        }
        switch (tieMode) {
            case RANDOM -> {
                // reservoir sampling: each of the equally good nodes is chosen with the same probability
                ties++;
                if (random.nextInt(ties) == 0) {
                    best = node;
                    bestGpu = gpu;
                }
            }
            case NODE_RANK -> {
                if (rank(node) < rank(best)) {
                    best = node;
                    bestGpu = gpu;
                }
            }
            case POLICY -> {
                double t = tieBreak(node, pod);
                if (t < bestTie || (t == bestTie && rank(node) < rank(best))) {
                    best = node;
                    bestGpu = gpu;
                    bestTie = t;
                }
            }
        }
    }

    /** Builds the placement of a pod on a node, choosing the GPUs (whole GPUs by {@link #wholeGpus}). */
    PodPlacement toPlacement(ClusterState.Node node, PodRequest pod, int gpu) {
        String name = node.spec.name();
        if (pod.gpus() == 0) {
            return new PodPlacement(pod.podName(), name, List.of(), 0, null, pod.cpuMilli(), pod.memoryMib());
        }
        if (pod.isMig()) {
            int g = gpu >= 0 ? gpu : GpuChoice.migGpu(node, pod);
            return new PodPlacement(pod.podName(), name, List.of(g), 0, pod.migProfile(), pod.cpuMilli(),
                    pod.memoryMib());
        }
        if (pod.isShared()) {
            int g = gpu >= 0 ? gpu : GpuChoice.tightestShare(node, pod);
            return new PodPlacement(pod.podName(), name, List.of(g), pod.gpuMilli(), null, pod.cpuMilli(),
                    pod.memoryMib());
        }
        return new PodPlacement(pod.podName(), name, wholeGpus(node, pod), 1000, null, pod.cpuMilli(),
                pod.memoryMib());
    }

    /** Which whole GPUs a pod takes on a node; by default those of one NVLink island when possible. */
    protected List<Integer> wholeGpus(ClusterState.Node node, PodRequest pod) {
        return GpuChoice.wholeGpus(node, pod);
    }

    /** Current list of GPUs on a node, sorted by free share descending, into {@code out}; returns the count. */
    static int sortedFree(ClusterState.Node node, int[] out) {
        int n = node.gpuFree.length;
        for (int i = 0; i < n; i++) {
            int v = node.gpuFree[i];
            int j = i - 1;
            while (j >= 0 && out[j] < v) {
                out[j + 1] = out[j];
                j--;
            }
            out[j + 1] = v;
        }
        return n;
    }
}

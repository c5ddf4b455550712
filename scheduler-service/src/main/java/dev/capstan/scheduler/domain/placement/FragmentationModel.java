package dev.capstan.scheduler.domain.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Expected GPU fragmentation of a node under a request mix (the idea of FGD, Weng et al., ATC '23): for each
 * typical request {@code t} with probability {@code p_t}, the part of the node's free GPU capacity that {@code t}
 * could not use — all of it when {@code t} does not fit on the node at all (GPU count, share, model, CPU,
 * optionally memory), otherwise the free shares of the GPUs too small for {@code t}. The fragmentation is
 * {@code sum_t p_t * unusable_t}, in milli-GPU.
 *
 * <p>The value depends only on the node's GPU model, its free shares as a multiset, and which typical requests
 * its free CPU and memory admit; it is memoised on exactly that, so a placement decision costs a few hash
 * look-ups per node once the common node states have been seen.
 */
final class FragmentationModel {

    /** One kind of request and its probability in the mix. */
    record TypicalPod(long cpuMilli, long memoryMib, int gpus, int gpuMilli, Set<String> models, double weight) {
    }

    private final TypicalPod[] pods;
    private final long[] cpu;
    private final long[] mem;
    private final int[] gpus;
    private final int[] milli;
    private final double[] weight;
    private final boolean useMemory;
    private final boolean cpuOnlyIsFragment;
    private final boolean capacityAware;
    private final long[] cpuLevels;
    private final long[] memLevels;
    private final List<boolean[]> accessByModel = new ArrayList<>();
    private final java.util.Map<String, Integer> localModelIds = new java.util.HashMap<>();
    private final LongPairDoubleMap memo = new LongPairDoubleMap(1 << 14);

    /**
     * @param useMemory         whether a typical request that lacks memory on the node counts its free GPUs as
     *                          fragments (the published FGD looks at CPU only)
     * @param cpuOnlyIsFragment the published FGD counts all free GPU capacity as fragment for CPU-only typical
     *                          requests; it adds the same amount to every node, but moves the rounded scores
     */
    FragmentationModel(List<TypicalPod> typical, boolean useMemory, boolean cpuOnlyIsFragment) {
        this(typical, useMemory, cpuOnlyIsFragment, false);
    }

    /**
     * @param capacityAware also count as fragment the fitting GPUs that the copies of a typical request the node's
     *                      free CPU (and memory, when used) can feed cannot reach: c copies of a k-GPU request reach
     *                      the c*k largest fitting GPUs, each usable as a whole as in FGD (FGD only asks whether one
     *                      copy fits)
     */
    FragmentationModel(List<TypicalPod> typical, boolean useMemory, boolean cpuOnlyIsFragment, boolean capacityAware) {
        this.pods = typical.toArray(new TypicalPod[0]);
        int n = pods.length;
        cpu = new long[n];
        mem = new long[n];
        gpus = new int[n];
        milli = new int[n];
        weight = new double[n];
        TreeSet<Long> cl = new TreeSet<>();
        TreeSet<Long> ml = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            cpu[i] = pods[i].cpuMilli();
            mem[i] = pods[i].memoryMib();
            gpus[i] = pods[i].gpus();
            milli[i] = pods[i].gpuMilli();
            weight[i] = pods[i].weight();
            if (gpus[i] > 0) {
                cl.add(cpu[i]);
                ml.add(mem[i]);
            }
        }
        this.useMemory = useMemory;
        this.cpuOnlyIsFragment = cpuOnlyIsFragment;
        this.capacityAware = capacityAware;
        cpuLevels = cl.stream().mapToLong(Long::longValue).toArray();
        memLevels = useMemory ? ml.stream().mapToLong(Long::longValue).toArray() : new long[0];
    }

    /** An empty model: nothing is fragment. */
    static FragmentationModel empty() {
        return new FragmentationModel(List.of(), false, false);
    }

    int size() {
        return pods.length;
    }

    /** Local id of the node's GPU model (model ids of clusters differ; the memo must not mix them). */
    private int localModel(ClusterState.Node node) {
        String model = node.spec.gpuModel();
        Integer id = localModelIds.get(model);
        if (id == null) {
            id = accessByModel.size();
            localModelIds.put(model, id);
            boolean[] acc = new boolean[pods.length];
            for (int t = 0; t < pods.length; t++) {
                Set<String> allowed = pods[t].models();
                if (allowed.isEmpty()) {
                    acc[t] = true;
                } else {
                    for (GpuDevice d : node.spec.gpus()) {
                        if (allowed.contains(d.model())) {
                            acc[t] = true;
                            break;
                        }
                    }
                }
            }
            accessByModel.add(acc);
        }
        return id;
    }

    private static int level(long[] levels, long free) {
        // number of thresholds <= free
        int lo = 0;
        int hi = levels.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (levels[mid] <= free) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Fragmentation of a node whose GPUs have the free shares {@code freeDesc[0..n)} (sorted, largest first) and
     * the given free CPU and memory.
     */
    double fragmentation(ClusterState.Node node, int[] freeDesc, int n, long cpuFree, long memFree) {
        if (pods.length == 0) {
            return 0;
        }
        int model = localModel(node);
        int cpuLevel;
        int memLevel;
        if (capacityAware) {
            // copies of a request depend on the amounts: key on them at 0.5 core / 1 GiB (requests are multiples)
            cpuFree = Math.max(-1, Math.floorDiv(cpuFree, 500)) * 500;
            memFree = Math.max(-1, Math.floorDiv(memFree, 1024)) * 1024;
            cpuLevel = (int) Math.min(4095, cpuFree / 500 + 1);
            memLevel = (int) Math.min(4095, memFree / 1024 + 1);
        } else {
            cpuLevel = level(cpuLevels, cpuFree);
            memLevel = useMemory ? level(memLevels, memFree) : 0;
        }
        if (n > 8 || model >= 1024 || cpuLevel >= 4096 || memLevel >= 4096) {
            return compute(accessByModel.get(model), freeDesc, n, cpuFree, memFree);
        }
        long k1 = 0;
        for (int i = 0; i < Math.min(n, 6); i++) {
            k1 = (k1 << 10) | Math.max(0, freeDesc[i]);
        }
        long k2 = 0;
        for (int i = 6; i < n; i++) {
            k2 = (k2 << 10) | Math.max(0, freeDesc[i]);
        }
        k2 |= ((long) n << 20) | ((long) model << 24) | ((long) cpuLevel << 34) | ((long) memLevel << 46);
        double v = memo.get(k1, k2);
        if (!Double.isNaN(v)) {
            return v;
        }
        // every CPU/memory amount of the same level admits the same typical requests: same value
        v = compute(accessByModel.get(model), freeDesc, n, cpuFree, memFree);
        if (memo.size() > 4_000_000) {
            memo.clear();
        }
        memo.put(k1, k2, v);
        return v;
    }

    private double compute(boolean[] acc, int[] f, int n, long cpuFree, long memFree) {
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += Math.max(0, f[i]);
        }
        if (total == 0) {
            return 0;
        }
        double frag = 0;
        for (int t = 0; t < pods.length; t++) {
            double w = weight[t];
            if (gpus[t] == 0) {
                if (cpuOnlyIsFragment) {
                    frag += w * total;
                }
                continue;
            }
            if (!acc[t] || cpu[t] > cpuFree || (useMemory && mem[t] > memFree)) {
                frag += w * total;
                continue;
            }
            int need = milli[t];
            int fitting = 0;
            long usable = 0;
            while (fitting < n && f[fitting] >= need) {
                usable += f[fitting];
                fitting++;
            }
            if (fitting < gpus[t]) {
                frag += w * total;
                continue;
            }
            if (capacityAware) {
                long copies = cpu[t] > 0 ? cpuFree / cpu[t] : Long.MAX_VALUE;
                if (useMemory && mem[t] > 0) {
                    copies = Math.min(copies, memFree / mem[t]);
                }
                if (copies < Long.MAX_VALUE / 1_000_000) {
                    // as FGD, a GPU that a copy can reach is usable as a whole: the copies the CPU can feed reach
                    // at most copies * gpus GPUs (the largest ones); the rest of the fitting GPUs are stranded
                    long reach = Math.min(fitting, copies * gpus[t]);
                    if (reach < fitting) {
                        usable = 0;
                        for (int i = 0; i < reach; i++) {
                            usable += f[i];
                        }
                    }
                }
            }
            frag += w * (total - usable);
        }
        return frag;
    }

    /** Inserts {@code v} into a descending array a[0..n) replacing one occurrence of {@code old}. */
    static void replaceSorted(int[] src, int n, int old, int v, int[] dst) {
        System.arraycopy(src, 0, dst, 0, n);
        int pos = 0;
        while (pos < n && dst[pos] != old) {
            pos++;
        }
        dst[pos] = v;
        // restore descending order (v <= old, so move it right)
        while (pos + 1 < n && dst[pos + 1] > dst[pos]) {
            int tmp = dst[pos];
            dst[pos] = dst[pos + 1];
            dst[pos + 1] = tmp;
            pos++;
        }
    }

    /** Open-addressing map from a pair of longs to a double; NaN means absent. */
    static final class LongPairDoubleMap {
        private long[] keys1;
        private long[] keys2;
        private double[] vals;
        private boolean[] used;
        private int size;

        LongPairDoubleMap(int capacity) {
            alloc(Integer.highestOneBit(Math.max(16, capacity)) * 2);
        }

        private void alloc(int cap) {
            keys1 = new long[cap];
            keys2 = new long[cap];
            vals = new double[cap];
            used = new boolean[cap];
            size = 0;
        }

        int size() {
            return size;
        }

        void clear() {
            Arrays.fill(used, false);
            size = 0;
        }

        private static int hash(long a, long b) {
            long h = a * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(b * 0xC2B2AE3D27D4EB4FL, 31);
            h ^= h >>> 29;
            return (int) h;
        }

        double get(long a, long b) {
            int mask = used.length - 1;
            int i = hash(a, b) & mask;
            while (used[i]) {
                if (keys1[i] == a && keys2[i] == b) {
                    return vals[i];
                }
                i = (i + 1) & mask;
            }
            return Double.NaN;
        }

        void put(long a, long b, double v) {
            if ((size + 1) * 2 > used.length) {
                long[] k1 = keys1;
                long[] k2 = keys2;
                double[] vs = vals;
                boolean[] us = used;
                alloc(used.length * 2);
                for (int i = 0; i < us.length; i++) {
                    if (us[i]) {
                        put(k1[i], k2[i], vs[i]);
                    }
                }
            }
            int mask = used.length - 1;
            int i = hash(a, b) & mask;
            while (used[i]) {
                if (keys1[i] == a && keys2[i] == b) {
                    vals[i] = v;
                    return;
                }
                i = (i + 1) & mask;
            }
            used[i] = true;
            keys1[i] = a;
            keys2[i] = b;
            vals[i] = v;
            size++;
        }
    }
}

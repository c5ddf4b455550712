package dev.capstan.console.domain;

import java.util.List;
import java.util.Map;

/**
 * How much of a node's free GPU capacity the workloads that come cannot use: the fragmentation measure of Weng et al.,
 * "Beware of Fragmentation: Scheduling GPU-Sharing Workloads with Fragmentation Gradient Descent" (USENIX ATC '23),
 * computed against the mix of pod requests the cluster has seen lately rather than a fixed one.
 *
 * <p>For one pod request of the mix, the free GPU capacity of a node is fragmented when that pod cannot use it:
 * <ul>
 *   <li>all of it, when the pod does not fit on the node at all (not ready, too little free CPU or memory, no
 *       acceptable GPU model, fewer usable GPUs than it asks);</li>
 *   <li>otherwise, for a whole-GPU pod, the free share of partly used GPUs (and of GPUs split into MIG slices);
 *       for a shared pod of {@code m} milli-GPU, the free share of each GPU with less than {@code m} free.</li>
 * </ul>
 * A node's fragmentation is the mix-weighted mean of that over the mix; CPU-only pods are left out of the mix (they
 * use no GPU, so they tell nothing about stranded GPUs). The cluster's stranded GPUs are the sum over nodes.
 */
public final class Fragmentation {

    /** Compute slices of a MIG-capable GPU (A100/H100), as the scheduler counts them. */
    public static final int MIG_SLICES = 7;

    private Fragmentation() {
    }

    /** One GPU's free capacity: milli-GPU free for whole or shared pods, or free MIG slices when split. */
    public record FreeGpu(String model, int freeMilli, boolean migSplit, int freeSlices) {
        /** Free capacity in milli-GPU whatever the kind. */
        int capacityMilli() {
            return migSplit ? freeSlices * 1000 / MIG_SLICES : freeMilli;
        }
    }

    /** A node's free capacity. */
    public record FreeNode(boolean ready, long freeCpuMilli, long freeMemoryMib, List<FreeGpu> gpus) {
        long freeMilli() {
            return gpus.stream().mapToLong(FreeGpu::capacityMilli).sum();
        }
    }

    /**
     * Milli-GPU of the node's free capacity that the mix cannot use, weighted by how often each request occurs.
     *
     * @param mix pod requests with their weights (any positive numbers; they are normalised)
     */
    public static double fragmentedMilli(FreeNode node, Map<PodRequest, Integer> mix) {
        long free = node.freeMilli();
        if (free == 0) {
            return 0;
        }
        double weights = 0;
        double fragmented = 0;
        for (var e : mix.entrySet()) {
            PodRequest pod = e.getKey();
            if (!pod.usesGpu() || e.getValue() <= 0) {
                continue;
            }
            weights += e.getValue();
            fragmented += e.getValue() * unusableMilli(node, pod, free);
        }
        return weights == 0 ? 0 : fragmented / weights;
    }

    /** Free milli-GPU of the node that one such pod could not use. */
    static long unusableMilli(FreeNode node, PodRequest pod, long free) {
        if (!node.ready() || node.freeCpuMilli() < pod.cpuMilli() || node.freeMemoryMib() < pod.memoryMib()) {
            return free;
        }
        long usable = 0;
        int usableGpus = 0;
        for (FreeGpu g : node.gpus()) {
            if (!pod.accepts(g.model())) {
                continue;
            }
            boolean fits;
            if (pod.whole()) {
                fits = !g.migSplit() && g.freeMilli() >= 1000;
            } else {
                fits = g.capacityMilli() >= pod.gpuMilli();
            }
            if (fits) {
                usableGpus++;
                usable += g.capacityMilli();
            }
        }
        if (usableGpus < pod.gpus()) {
            return free;
        }
        return free - usable;
    }
}

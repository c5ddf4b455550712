package dev.capstan.console.domain;

import java.time.Instant;
import java.util.List;

/**
 * The GPU map page: nodes grouped by rack and GPU model, each GPU a cell.
 *
 * @param groups        nodes by rack and GPU model
 * @param gpus          GPUs in the cluster
 * @param allocatedGpus GPU capacity held by pods (shares add up)
 * @param idleGpus      GPUs nothing holds
 * @param strandedGpus  free GPU capacity the recent pod mix cannot use ({@link Fragmentation}), in GPUs
 * @param mix           the pod requests fragmentation is measured against, with how often each was seen
 * @param at            when the map was built
 */
public record GpuMap(List<Group> groups, int gpus, double allocatedGpus, int idleGpus, double strandedGpus,
        List<MixEntry> mix, Instant at) {

    /** Nodes of one rack with one GPU model. */
    public record Group(String rack, String gpuModel, List<NodeCells> nodes) {
    }

    /**
     * One node.
     *
     * @param freeGpus       free GPU capacity, in GPUs
     * @param fragmentedGpus the part of it the mix cannot use, in GPUs
     * @param fragmentation  fragmentedGpus / freeGpus (0 when nothing is free)
     */
    public record NodeCells(String name, String rack, String gpuModel, boolean ready, long cpuMilli, long cpuUsedMilli,
            long memoryMib, long memoryUsedMib, List<Cell> gpus, double freeGpus, double fragmentedGpus,
            double fragmentation) {
    }

    /**
     * One GPU.
     *
     * @param state     free, whole (one pod holds all of it), shared (pods hold shares) or mig (split into slices)
     * @param usedMilli milli-GPU held
     */
    public record Cell(int index, String model, String state, int usedMilli, List<Use> uses) {
    }

    /** A pod holding (part of) a GPU. */
    public record Use(String workloadId, String pod, int milli, String migProfile, String queue, String kind) {
    }

    /** A pod request of the mix and how many of the recent pods asked for it. */
    public record MixEntry(PodRequest request, int count) {
    }
}

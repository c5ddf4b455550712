package dev.capstan.scheduler.domain.placement;

import java.util.List;
import java.util.Objects;

/**
 * Where one pod goes and what it takes there.
 *
 * @param gpuIndices device indices on the node (empty for CPU-only pods)
 * @param gpuMilli   share taken on each listed GPU (1000 = whole GPU; 0 for CPU-only and MIG pods)
 * @param migProfile the MIG profile taken on the single listed GPU, or {@code null}
 * @param cpuMilli   CPU the pod takes on the node
 * @param memoryMib  memory the pod takes on the node
 */
public record PodPlacement(String podName, String node, List<Integer> gpuIndices, int gpuMilli, String migProfile,
                           long cpuMilli, long memoryMib) {

    public PodPlacement {
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(node, "node");
        gpuIndices = List.copyOf(gpuIndices == null ? List.of() : gpuIndices);
        if (cpuMilli < 0 || memoryMib < 0) {
            throw new IllegalArgumentException("pod " + podName + ": negative CPU or memory");
        }
    }

    /**
     * A placement that takes GPUs only (no CPU or memory). Prefer the full constructor: a replayed placement
     * built with this one does not take back the pod's CPU and memory.
     */
    public PodPlacement(String podName, String node, List<Integer> gpuIndices, int gpuMilli, String migProfile) {
        this(podName, node, gpuIndices, gpuMilli, migProfile, 0, 0);
    }
}

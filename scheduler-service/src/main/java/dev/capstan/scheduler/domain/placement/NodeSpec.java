package dev.capstan.scheduler.domain.placement;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A node as the placement engine sees it: allocatable CPU, memory and GPUs, topology labels
 * (see {@link Topology}), taints and readiness.
 */
public record NodeSpec(String name, long cpuMilli, long memoryMib, List<GpuDevice> gpus,
                       Map<String, String> labels, Set<String> taints, boolean ready) {

    public NodeSpec {
        Objects.requireNonNull(name, "name");
        gpus = List.copyOf(gpus == null ? List.of() : gpus);
        labels = Map.copyOf(labels == null ? Map.of() : labels);
        taints = Set.copyOf(taints == null ? Set.of() : taints);
        if (cpuMilli < 0 || memoryMib < 0) {
            throw new IllegalArgumentException("negative capacity on node " + name);
        }
        for (int i = 0; i < gpus.size(); i++) {
            if (gpus.get(i).index() != i) {
                throw new IllegalArgumentException("GPU indices of node " + name + " must be 0.." + (gpus.size() - 1)
                        + " in order, got " + gpus.get(i).index() + " at position " + i);
            }
        }
    }

    /** A ready, untainted node whose {@code gpuCount} GPUs all have the same model and one NVLink island. */
    public static NodeSpec uniform(String name, long cpuMilli, long memoryMib, int gpuCount, String model,
                                   Map<String, String> labels) {
        List<GpuDevice> devices = new java.util.ArrayList<>(gpuCount);
        for (int i = 0; i < gpuCount; i++) {
            devices.add(new GpuDevice(i, model, 0, "0"));
        }
        return new NodeSpec(name, cpuMilli, memoryMib, devices, labels, Set.of(), true);
    }

    /** The GPU model of the node (models of mixed nodes are joined with '+'), or {@code ""} without GPUs. */
    public String gpuModel() {
        if (gpus.isEmpty()) {
            return "";
        }
        String first = gpus.get(0).model();
        for (GpuDevice d : gpus) {
            if (!d.model().equals(first)) {
                return String.join("+", gpus.stream().map(GpuDevice::model).distinct().sorted().toList());
            }
        }
        return first;
    }
}

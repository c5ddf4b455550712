package dev.capstan.console.domain;

import dev.capstan.events.Resources;
import java.util.List;

/**
 * What one pod asks for, as the GPU map weighs fragmentation against it.
 *
 * @param gpus      GPUs per pod (0 for a CPU-only pod)
 * @param gpuMilli  share of each GPU in milli-GPU; 1000 = whole GPUs
 * @param gpuModels acceptable GPU models, empty for any
 * @param cpuMilli  CPU per pod
 * @param memoryMib memory per pod
 */
public record PodRequest(int gpus, int gpuMilli, List<String> gpuModels, long cpuMilli, long memoryMib) {

    public PodRequest {
        gpuModels = gpuModels == null ? List.of() : List.copyOf(gpuModels);
    }

    /** The per-pod request of a workload's resources. */
    public static PodRequest of(Resources r) {
        if (r == null) {
            return new PodRequest(0, 0, List.of(), 0, 0);
        }
        int milli = r.gpuMilli() <= 0 ? 1000 : r.gpuMilli();
        return new PodRequest(r.gpus(), milli, r.gpuModels(), r.cpuMilli(), r.memoryMib());
    }

    boolean usesGpu() {
        return gpus > 0;
    }

    boolean whole() {
        return gpuMilli >= 1000;
    }

    boolean accepts(String model) {
        return gpuModels.isEmpty() || gpuModels.stream().anyMatch(m -> m.equalsIgnoreCase(model));
    }

    /** GPU capacity one pod takes, in milli-GPU. */
    long gpuMilliTotal() {
        return (long) gpus * Math.min(gpuMilli, 1000);
    }
}

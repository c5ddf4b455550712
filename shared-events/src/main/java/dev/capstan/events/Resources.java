package dev.capstan.events;

import java.util.List;

/**
 * What one pod (worker or replica) asks for.
 *
 * @param gpus      whole GPUs, or 1 with {@code gpuMilli < 1000} for a share of one GPU
 * @param gpuMilli  per-GPU share in milli-GPU; 1000 means whole GPUs
 * @param gpuModels allowed GPU models; empty means any
 * @param cpuMilli  CPU in milli-cores
 * @param memoryMib memory in MiB
 */
public record Resources(int gpus, int gpuMilli, List<String> gpuModels, long cpuMilli, long memoryMib) {
    public Resources {
        gpuModels = gpuModels == null ? List.of() : List.copyOf(gpuModels);
    }
}

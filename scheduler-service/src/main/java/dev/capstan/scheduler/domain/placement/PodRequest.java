package dev.capstan.scheduler.domain.placement;

import java.util.Objects;
import java.util.Set;

/**
 * What one pod asks for.
 *
 * @param gpus             number of GPUs (0 = CPU-only pod)
 * @param gpuMilli         share of each GPU in milli-GPU: 1000 for whole GPUs, less than 1000 only with
 *                         {@code gpus == 1} (a shared GPU, as the trace's gpu_milli)
 * @param allowedGpuModels GPU models the pod may run on; empty = any
 * @param migProfile       MIG profile such as {@code 1g.10gb} or {@code 3g.40gb}; {@code null} = none. A MIG pod
 *                         asks for {@code gpus == 1} and gets one instance of that profile on a MIG-capable GPU.
 * @param tolerations      taints the pod tolerates
 */
public record PodRequest(String podName, long cpuMilli, long memoryMib, int gpus, int gpuMilli,
                         Set<String> allowedGpuModels, String migProfile, Set<String> tolerations) {

    public PodRequest {
        Objects.requireNonNull(podName, "podName");
        allowedGpuModels = Set.copyOf(allowedGpuModels == null ? Set.of() : allowedGpuModels);
        tolerations = Set.copyOf(tolerations == null ? Set.of() : tolerations);
        if (cpuMilli < 0 || memoryMib < 0 || gpus < 0) {
            throw new IllegalArgumentException("pod " + podName + ": negative request");
        }
        if (gpus == 0) {
            gpuMilli = 0;
        } else if (gpuMilli <= 0 || gpuMilli > 1000) {
            throw new IllegalArgumentException("pod " + podName + ": gpuMilli must be in 1..1000, got " + gpuMilli);
        } else if (gpuMilli < 1000 && gpus != 1) {
            throw new IllegalArgumentException("pod " + podName + ": a GPU share below 1000 milli needs gpus == 1, got "
                    + gpus + " GPUs of " + gpuMilli);
        }
        if (migProfile != null) {
            if (gpus != 1) {
                throw new IllegalArgumentException("pod " + podName + ": a MIG profile needs gpus == 1");
            }
            MigProfiles.slices(migProfile); // validates
        }
    }

    /** A CPU-only or whole-GPU pod without constraints. */
    public static PodRequest of(String podName, long cpuMilli, long memoryMib, int gpus) {
        return new PodRequest(podName, cpuMilli, memoryMib, gpus, gpus == 0 ? 0 : 1000, Set.of(), null, Set.of());
    }

    /** A pod sharing one GPU with others ({@code gpuMilli < 1000}). */
    public static PodRequest shared(String podName, long cpuMilli, long memoryMib, int gpuMilli) {
        return new PodRequest(podName, cpuMilli, memoryMib, 1, gpuMilli, Set.of(), null, Set.of());
    }

    /** Whether the pod takes a part of one GPU. */
    public boolean isShared() {
        return gpus == 1 && gpuMilli < 1000 && migProfile == null;
    }

    /** Whether the pod takes a MIG instance. */
    public boolean isMig() {
        return migProfile != null;
    }

    /** Whether the pod takes whole GPUs (at least one). */
    public boolean isWholeGpu() {
        return gpus > 0 && gpuMilli == 1000 && migProfile == null;
    }

    /** GPU request in milli-GPU over all of the pod's GPUs (a MIG instance counts its slices / 7). */
    public long totalGpuMilli() {
        if (migProfile != null) {
            return MigProfiles.slices(migProfile) * 1000L / MigProfiles.SLICES_PER_GPU;
        }
        return (long) gpus * gpuMilli;
    }

    /** Whether the pod may use a GPU of this model. */
    public boolean allowsModel(String model) {
        return allowedGpuModels.isEmpty() || allowedGpuModels.contains(model);
    }

    /** Whether the pod tolerates all of these taints. */
    public boolean tolerates(Set<String> taints) {
        return taints.isEmpty() || tolerations.containsAll(taints);
    }
}

package dev.capstan.submission.domain;

import dev.capstan.events.Resources;
import java.util.List;

/**
 * The CPU and memory a pod gets when its spec leaves them out, in proportion to the GPU it asks for: a pod with two
 * whole GPUs gets twice the per-GPU amounts, one with half a GPU ({@code gpuMilli} 500) half of them, a pod without a
 * GPU the CPU-only amounts. What a spec states is never changed.
 *
 * <p>Why per GPU: on a GPU node the GPUs are the scarce resource and CPU and memory come with them (cloud GPU
 * instances are sold that way), so a default tied to the GPU count keeps a node's CPU and memory from running out
 * before its GPUs do, while a job that needs more says so.
 *
 * @param cpuMilliPerGpu      millicores per whole GPU
 * @param memoryMibPerGpu     MiB per whole GPU
 * @param cpuMilliWithoutGpu  millicores of a pod without a GPU
 * @param memoryMibWithoutGpu MiB of a pod without a GPU
 */
public record ResourceDefaults(long cpuMilliPerGpu, long memoryMibPerGpu, long cpuMilliWithoutGpu,
        long memoryMibWithoutGpu) {

    /**
     * 4 cores and 16 GiB per whole GPU; 1 core and 4 GiB without one. The per-GPU figures are those of the smallest
     * single-GPU cloud instances (AWS g4dn.xlarge with a T4 and g5.xlarge with an A10G: 4 vCPUs and 16 GiB each);
     * larger training nodes give more per GPU (AWS p4d.24xlarge: 96 vCPUs and 1,152 GiB for 8 A100s, 12 and 144 per
     * GPU; GCP a2-highgpu-1g: 12 vCPUs and 85 GB per A100), so the small figure fits on every one of them and on
     * local-stack's simulated nodes (12 cores and 96 GiB per A100, 8 and 32 per T4). Without a GPU: 1 core with
     * 4 GiB, the memory-to-CPU ratio of general-purpose instances (AWS m5/m6i, GCP n2-standard).
     */
    public static final ResourceDefaults STANDARD = new ResourceDefaults(4_000, 16_384, 1_000, 4_096);

    /** A milli-GPU is a thousandth of a GPU: the amounts per GPU are scaled by {@code gpus × gpuMilli / 1000}. */
    private static final long MILLI = 1_000;

    public ResourceDefaults {
        if (cpuMilliPerGpu <= 0 || memoryMibPerGpu <= 0 || cpuMilliWithoutGpu <= 0 || memoryMibWithoutGpu <= 0) {
            throw new IllegalArgumentException("resource defaults must be positive");
        }
    }

    /**
     * The resources with CPU ({@code cpuMilli}) and memory ({@code memoryMib}) filled in where they are 0 (left
     * out); no resources at all are a pod without a GPU. Call after whole GPUs were filled in ({@code gpuMilli}
     * 1000). Amounts are rounded up, as Kubernetes rounds a request.
     */
    public Resources fill(Resources r) {
        if (r == null) {
            return new Resources(0, 1000, List.of(), cpuMilliWithoutGpu, memoryMibWithoutGpu);
        }
        if (r.cpuMilli() != 0 && r.memoryMib() != 0) {
            return r;
        }
        // GPU values validation will refuse (negative, a share outside 1..1000) are clamped here, so that the
        // refusal names only the GPU field, not also a CPU or memory the user never wrote.
        long gpuMilli = (long) Math.max(0, r.gpus()) * Math.min(1000, Math.max(0, r.gpuMilli()));
        long cpu = gpuMilli == 0 ? cpuMilliWithoutGpu : perGpu(cpuMilliPerGpu, gpuMilli);
        long memory = gpuMilli == 0 ? memoryMibWithoutGpu : perGpu(memoryMibPerGpu, gpuMilli);
        return new Resources(r.gpus(), r.gpuMilli(), r.gpuModels(), r.cpuMilli() != 0 ? r.cpuMilli() : cpu,
                r.memoryMib() != 0 ? r.memoryMib() : memory);
    }

    /** {@code amount × gpuMilli / 1000}, rounded up. */
    private static long perGpu(long amount, long gpuMilli) {
        return -Math.floorDiv(-Math.multiplyExact(amount, gpuMilli), MILLI); // ceiling division (Java 17)
    }
}

package dev.capstan.scheduler.domain.placement;

import java.util.Objects;

/**
 * One physical GPU of a node.
 *
 * @param index        device index on the node (what CUDA_VISIBLE_DEVICES names)
 * @param model        GPU model, e.g. {@code A100}, {@code V100M32}
 * @param memoryMib    device memory
 * @param nvlinkIsland GPUs with the same island id are connected by NVLink; {@code ""} when unknown
 * @param migCapable   whether the GPU may be partitioned into MIG instances (7 compute slices)
 */
public record GpuDevice(int index, String model, long memoryMib, String nvlinkIsland, boolean migCapable) {

    public GpuDevice {
        Objects.requireNonNull(model, "model");
        nvlinkIsland = nvlinkIsland == null ? "" : nvlinkIsland;
        if (index < 0) {
            throw new IllegalArgumentException("GPU index must be >= 0: " + index);
        }
    }

    /** A GPU that cannot be partitioned with MIG. */
    public GpuDevice(int index, String model, long memoryMib, String nvlinkIsland) {
        this(index, model, memoryMib, nvlinkIsland, false);
    }
}

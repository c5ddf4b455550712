package dev.capstan.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Node capacity on the compacted {@code capstan.nodes}; produced by executor-service; key = node name. */
public sealed interface NodeEvent extends CapstanEvent {

    String node();

    @Override
    default String subject() {
        return node();
    }

    /** One GPU of a node and its place in the node's topology. */
    record Gpu(int index, String model, long memoryMib, String nvlinkIsland) {
    }

    /**
     * The node as it is now: capacity, GPUs, topology labels (rack, zone), readiness and taints.
     */
    record NodeUpdated(String node, long cpuMilli, long memoryMib, List<Gpu> gpus, Map<String, String> labels,
            boolean ready, List<String> taints, Instant at) implements NodeEvent {
        public NodeUpdated {
            gpus = gpus == null ? List.of() : List.copyOf(gpus);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            taints = taints == null ? List.of() : List.copyOf(taints);
        }
    }

    /** The node left the cluster. */
    record NodeRemoved(String node, Instant at) implements NodeEvent {
    }
}

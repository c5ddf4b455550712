package dev.capstan.executor.domain;

import dev.capstan.events.NodeEvent.Gpu;
import dev.capstan.events.NodeEvent.NodeUpdated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Describes a node for the scheduler: capacity, one entry per GPU with its model, memory and NVLink
 * island (from the GPU feature-discovery labels and the {@value #NVLINK_ISLANDS} annotation), the
 * topology labels, readiness and taints.
 */
public final class NodeDescriber {

    public static final String GPU_PRODUCT = "nvidia.com/gpu.product";
    public static final String GPU_MEMORY = "nvidia.com/gpu.memory";
    /** Islands separated by commas, each a range or one index: {@code 0-3,4-7}. */
    public static final String NVLINK_ISLANDS = "capstan.dev/nvlink-islands";

    /**
     * A node as read from the API, in plain values.
     *
     * @param gpus     allocatable {@code nvidia.com/gpu}
     * @param taints   as {@code key=value:Effect}
     */
    public record NodeFacts(String name, long cpuMilli, long memoryMib, int gpus, Map<String, String> labels,
            Map<String, String> annotations, boolean ready, List<String> taints) {
        public NodeFacts {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
            taints = taints == null ? List.of() : List.copyOf(taints);
        }
    }

    private NodeDescriber() {
    }

    /** The event for the node as it is now. */
    public static NodeUpdated describe(NodeFacts n, Instant at) {
        String model = n.labels().getOrDefault(GPU_PRODUCT, "unknown");
        long memory = parseLong(n.labels().get(GPU_MEMORY));
        Map<Integer, String> islands = islands(n.annotations().get(NVLINK_ISLANDS));
        List<Gpu> gpus = new ArrayList<>();
        for (int i = 0; i < n.gpus(); i++) {
            // Without island information each GPU is its own island: no NVLink is assumed.
            gpus.add(new Gpu(i, model, memory, islands.getOrDefault(i, "gpu-" + i)));
        }
        Map<String, String> labels = new TreeMap<>();
        n.labels().forEach((k, v) -> {
            if (k.startsWith("topology.") || k.startsWith("nvidia.com/") || k.equals("node.kubernetes.io/instance-type")) {
                labels.put(k, v);
            }
        });
        return new NodeUpdated(n.name(), n.cpuMilli(), n.memoryMib(), gpus, labels, n.ready(), n.taints(), at);
    }

    /** GPU index → island name ({@code island-<k>} for the k-th entry of the annotation). */
    static Map<Integer, String> islands(String annotation) {
        Map<Integer, String> m = new TreeMap<>();
        if (annotation == null || annotation.isBlank()) {
            return m;
        }
        String[] parts = annotation.split(",");
        for (int k = 0; k < parts.length; k++) {
            String p = parts[k].trim();
            try {
                int dash = p.indexOf('-');
                int first = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int last = dash < 0 ? first : Integer.parseInt(p.substring(dash + 1).trim());
                for (int i = first; i <= last; i++) {
                    m.put(i, "island-" + k);
                }
            } catch (NumberFormatException e) {
                // An unreadable entry describes no GPUs; the others still count.
            }
        }
        return m;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

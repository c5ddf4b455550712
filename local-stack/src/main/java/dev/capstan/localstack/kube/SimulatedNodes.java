package dev.capstan.localstack.kube;

import dev.capstan.localstack.kube.SimulatedClusterConfig.NodeGroup;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Builds the Node objects of a simulated cluster: capacity, GPU labels as the NVIDIA GPU feature
 * discovery would set them, Capstan topology labels, and the NVLink island annotation.
 */
public final class SimulatedNodes {

    /** The extended resource of whole NVIDIA GPUs (device plugin). */
    public static final String GPU_RESOURCE = "nvidia.com/gpu";
    public static final String GPU_PRODUCT = "nvidia.com/gpu.product";
    public static final String GPU_COUNT = "nvidia.com/gpu.count";
    /** Memory of one GPU in MiB (as GPU feature discovery labels it). */
    public static final String GPU_MEMORY = "nvidia.com/gpu.memory";
    public static final String RACK = "topology.capstan.dev/rack";
    public static final String ZONE = "topology.capstan.dev/zone";
    /**
     * Which GPU indices share an NVLink island: islands separated by commas, each a range or a single
     * index, in island order, e.g. {@code 0-3,4-7}; island {@code i} is the i-th entry.
     */
    public static final String NVLINK_ISLANDS = "capstan.dev/nvlink-islands";
    /** Marks nodes that only the simulated kubelet runs. */
    public static final String SIMULATED = "capstan.dev/simulated";
    /** The one zone of a single-machine cluster. */
    public static final String LOCAL_ZONE = "local-1";

    private SimulatedNodes() {
    }

    /** Every node of the configuration, in group order. */
    public static List<Node> build(SimulatedClusterConfig cfg, Instant now) {
        List<Node> nodes = new ArrayList<>();
        int hostNumber = 0;
        for (NodeGroup g : cfg.nodeGroups()) {
            for (int i = 0; i < g.count(); i++) {
                hostNumber++;
                nodes.add(node(g, i, hostNumber, now));
            }
        }
        return nodes;
    }

    /** The {@code i}-th node of a group; {@code hostNumber} makes its IP address unique in the cluster. */
    static Node node(NodeGroup g, int i, int hostNumber, Instant now) {
        String name = g.namePrefix() + "-" + i;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("topology.kubernetes.io/zone", LOCAL_ZONE);
        labels.put(ZONE, LOCAL_ZONE);
        labels.put(RACK, g.namePrefix() + "-rack-" + (i % g.racks()));
        labels.put(SIMULATED, "true");
        Map<String, String> annotations = new LinkedHashMap<>();
        if (g.gpusPerNode() > 0) {
            labels.put(GPU_PRODUCT, g.gpuModel());
            labels.put(GPU_COUNT, Integer.toString(g.gpusPerNode()));
            labels.put(GPU_MEMORY, Long.toString(g.gpuMemoryMib()));
            annotations.put(NVLINK_ISLANDS, islands(g.gpusPerNode(), g.nvlinkIslandsPerNode()));
        }
        return new NodeBuilder()
                .withNewMetadata().withName(name).withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec().endSpec()
                .withStatus(status(g, name, hostNumber, now))
                .build();
    }

    /** The island annotation value: {@code gpus} indices split into {@code islands} equal ranges. */
    static String islands(int gpus, int islands) {
        int size = gpus / islands;
        StringJoiner j = new StringJoiner(",");
        for (int k = 0; k < islands; k++) {
            int first = k * size;
            int last = first + size - 1;
            j.add(first == last ? Integer.toString(first) : first + "-" + last);
        }
        return j.toString();
    }

    private static NodeStatus status(NodeGroup g, String name, int hostNumber, Instant now) {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(g.cpuMilli() + "m"));
        capacity.put("memory", new Quantity(g.memoryMib() + "Mi"));
        capacity.put("pods", new Quantity("110"));
        if (g.gpusPerNode() > 0) {
            capacity.put(GPU_RESOURCE, new Quantity(Integer.toString(g.gpusPerNode())));
        }
        String ip = "10.0." + (hostNumber / 250) + "." + (hostNumber % 250 + 1);
        String t = now.toString();
        return new NodeStatusBuilder()
                .withCapacity(capacity)
                .withAllocatable(new LinkedHashMap<>(capacity))
                .withConditions(condition("Ready", "True", "KubeletReady", "simulated kubelet is posting ready status", t),
                        condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "", t),
                        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "", t),
                        condition("PIDPressure", "False", "KubeletHasSufficientPID", "", t))
                .addNewAddress().withType("InternalIP").withAddress(ip).endAddress()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .withNewNodeInfo()
                .withArchitecture("amd64").withOperatingSystem("linux").withOsImage("Capstan simulated node")
                .withKubeletVersion("v1.32.0-capstan-sim").withKubeProxyVersion("v1.32.0-capstan-sim")
                .withContainerRuntimeVersion("sim://1.0").withKernelVersion("6.1.0")
                .withMachineID("").withSystemUUID("").withBootID("")
                .endNodeInfo()
                .build();
    }

    private static NodeCondition condition(String type, String status, String reason, String message, String t) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(t).withLastTransitionTime(t).build();
    }
}

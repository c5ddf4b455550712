package dev.capstan.localstack.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the simulated cluster looks like: the API server's port, the GPU nodes, and how the simulated
 * kubelet behaves.
 *
 * @param port           the API server's port on 127.0.0.1; 0 picks a free one
 * @param nodeGroups     groups of identical nodes
 * @param podStartDelay  how long a bound pod stays Pending before it runs (image pull, start-up)
 * @param defaultRunTime how long a pod runs when it has no {@value SimulatedKubelet#RUN_SECONDS} annotation
 * @param failureRate    probability in [0, 1] that a pod ends Failed (exit code 1) instead of Succeeded
 * @param seed           seed of the failure draw; the same seed and pod name give the same outcome
 */
public record SimulatedClusterConfig(int port, List<NodeGroup> nodeGroups, Duration podStartDelay,
        Duration defaultRunTime, double failureRate, long seed) {

    public SimulatedClusterConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        nodeGroups = List.copyOf(nodeGroups);
        Objects.requireNonNull(podStartDelay, "podStartDelay");
        Objects.requireNonNull(defaultRunTime, "defaultRunTime");
        if (podStartDelay.isNegative() || defaultRunTime.isNegative()) {
            throw new IllegalArgumentException("podStartDelay and defaultRunTime must not be negative");
        }
        if (failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("failureRate must be in [0, 1], was " + failureRate);
        }
        long distinct = nodeGroups.stream().map(NodeGroup::namePrefix).distinct().count();
        if (distinct != nodeGroups.size()) {
            throw new IllegalArgumentException("node group name prefixes must be distinct");
        }
    }

    /**
     * A group of identical nodes named {@code <namePrefix>-0 … <namePrefix>-<count-1>}.
     *
     * @param namePrefix           node name prefix, e.g. {@code a100}
     * @param count                number of nodes
     * @param gpuModel             value of {@code nvidia.com/gpu.product}, e.g. {@code A100-80GB}; ignored when no GPUs
     * @param gpusPerNode          {@code nvidia.com/gpu} capacity of each node (0 for CPU-only nodes)
     * @param gpuMemoryMib         memory of one GPU in MiB
     * @param cpuMilli             CPU capacity in milli-cores
     * @param memoryMib            memory capacity in MiB
     * @param racks                the nodes are spread round-robin over this many racks ({@code <namePrefix>-rack-<i>})
     * @param nvlinkIslandsPerNode the node's GPUs are split into this many equal NVLink islands
     */
    public record NodeGroup(String namePrefix, int count, String gpuModel, int gpusPerNode, long gpuMemoryMib,
            long cpuMilli, long memoryMib, int racks, int nvlinkIslandsPerNode) {

        public NodeGroup {
            if (namePrefix == null || !namePrefix.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new IllegalArgumentException("namePrefix must be a DNS label, was '" + namePrefix + "'");
            }
            if (count < 0 || gpusPerNode < 0 || gpuMemoryMib < 0 || cpuMilli <= 0 || memoryMib <= 0) {
                throw new IllegalArgumentException("node group " + namePrefix
                        + ": count, GPUs and GPU memory must be ≥ 0, CPU and memory > 0");
            }
            if (racks < 1) {
                throw new IllegalArgumentException("node group " + namePrefix + ": racks must be ≥ 1");
            }
            if (gpusPerNode > 0 && (nvlinkIslandsPerNode < 1 || gpusPerNode % nvlinkIslandsPerNode != 0)) {
                throw new IllegalArgumentException("node group " + namePrefix
                        + ": nvlinkIslandsPerNode must be ≥ 1 and divide gpusPerNode");
            }
            if (gpusPerNode > 0 && (gpuModel == null || gpuModel.isBlank())) {
                throw new IllegalArgumentException("node group " + namePrefix + ": gpuModel is required with GPUs");
            }
        }
    }

    /**
     * The demo cluster of {@code ./capstan up}: 8 nodes, 40 GPUs. Four 8 × A100-80GB nodes over two
     * racks (two NVLink islands of four GPUs each), four 4 × T4 nodes on one rack (no NVLink: one
     * island per GPU). Pods start after 1 s and run 5 s unless they say otherwise; nothing fails.
     */
    public static SimulatedClusterConfig demo(int port) {
        return new SimulatedClusterConfig(port, List.of(
                new NodeGroup("a100", 4, "A100-80GB", 8, 81_920, 96_000, 786_432, 2, 2),
                new NodeGroup("t4", 4, "T4", 4, 15_360, 32_000, 131_072, 1, 4)),
                Duration.ofSeconds(1), Duration.ofSeconds(5), 0.0, 42L);
    }

    /** The same cluster with another failure rate and seed. */
    public SimulatedClusterConfig withFailures(double rate, long newSeed) {
        return new SimulatedClusterConfig(port, nodeGroups, podStartDelay, defaultRunTime, rate, newSeed);
    }

    /** Number of nodes over all groups. */
    public int nodeCount() {
        return nodeGroups.stream().mapToInt(NodeGroup::count).sum();
    }

    /**
     * Reads a cluster description from a YAML file; missing top-level keys take the values of
     * {@link #demo(int)} with {@code defaultPort}. Example:
     *
     * <pre>
     * port: 6443
     * podStartDelay: 2s        # 500ms, 2s, 1m or ISO-8601 (PT2S)
     * defaultRunTime: 30s
     * failureRate: 0.05
     * seed: 7
     * nodeGroups:
     *   - namePrefix: h100
     *     count: 2
     *     gpuModel: H100-80GB
     *     gpusPerNode: 8
     *     gpuMemoryMib: 81920
     *     cpuMilli: 128000
     *     memoryMib: 1048576
     *     racks: 1               # default 1
     *     nvlinkIslandsPerNode: 1 # default 1
     * </pre>
     */
    public static SimulatedClusterConfig load(Path yamlFile, int defaultPort) throws IOException {
        try (InputStream in = Files.newInputStream(yamlFile)) {
            return parse(in, defaultPort);
        }
    }

    /** Reads a cluster description in the YAML shape of {@link #load(Path, int)}. */
    public static SimulatedClusterConfig parse(InputStream yaml, int defaultPort) throws IOException {
        Object root = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("cluster file: expected a mapping at the top level");
        }
        SimulatedClusterConfig d = demo(defaultPort);
        List<NodeGroup> groups = d.nodeGroups();
        Object rawGroups = map.get("nodeGroups");
        if (rawGroups != null) {
            if (!(rawGroups instanceof List<?> list)) {
                throw new IllegalArgumentException("cluster file: nodeGroups must be a list");
            }
            groups = new ArrayList<>();
            for (Object g : list) {
                if (!(g instanceof Map<?, ?> gm)) {
                    throw new IllegalArgumentException("cluster file: each node group must be a mapping");
                }
                groups.add(new NodeGroup(string(gm, "namePrefix", null), (int) number(gm, "count", 1),
                        string(gm, "gpuModel", null), (int) number(gm, "gpusPerNode", 0),
                        number(gm, "gpuMemoryMib", 0), number(gm, "cpuMilli", 8_000),
                        number(gm, "memoryMib", 32_768), (int) number(gm, "racks", 1),
                        (int) number(gm, "nvlinkIslandsPerNode", 1)));
            }
        }
        return new SimulatedClusterConfig((int) number(map, "port", d.port()), groups,
                duration(map, "podStartDelay", d.podStartDelay()), duration(map, "defaultRunTime", d.defaultRunTime()),
                map.containsKey("failureRate") ? Double.parseDouble(String.valueOf(map.get("failureRate")))
                        : d.failureRate(),
                number(map, "seed", d.seed()));
    }

    private static String string(Map<?, ?> m, String key, String dflt) {
        Object v = m.get(key);
        return v == null ? dflt : String.valueOf(v);
    }

    private static long number(Map<?, ?> m, String key, long dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(String.valueOf(v).trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cluster file: " + key + " must be a whole number, was '" + v + "'");
        }
    }

    private static Duration duration(Map<?, ?> m, String key, Duration dflt) {
        Object v = m.get(key);
        return v == null ? dflt : parseDuration(key, String.valueOf(v));
    }

    /** Parses {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 3m}, a bare number of seconds, or ISO-8601. */
    static Duration parseDuration(String key, String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("pt")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            if (s.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
            }
            if (s.endsWith("s")) {
                s = s.substring(0, s.length() - 1);
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(s.trim()) * 1000));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cluster file: " + key + " is not a duration: '" + text + "'");
        }
    }
}

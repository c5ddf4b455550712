package dev.capstan.executor.domain;

import java.util.List;
import java.util.Map;

/** The desired Kubernetes objects of one admission, as plain data (the kube adapter builds them). */
public final class Plans {

    private Plans() {
    }

    /** A named container port (and the matching service port). */
    public record Port(String name, int port) {
    }

    /**
     * One pod of the gang.
     *
     * @param hostname  the pod's hostname (its DNS name inside the headless service)
     * @param subdomain the headless service, or null when the attempt has none
     * @param wholeGpus {@code nvidia.com/gpu} request and limit; 0 for a GPU share or a CPU pod
     * @param serving   how a serving replica is probed and kept running; null for a training pod (never restarted)
     */
    public record PodPlan(String name, String hostname, String subdomain, String node, String role, int rank,
            String image, List<String> command, Map<String, String> env, Map<String, String> labels,
            Map<String, String> annotations, int wholeGpus, long cpuMilli, long memoryMib, List<Port> ports,
            Serving serving) {
        public PodPlan {
            command = List.copyOf(command);
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
            labels = Map.copyOf(labels);
            annotations = Map.copyOf(annotations);
            ports = List.copyOf(ports);
        }
    }

    /**
     * A serving replica's container: restarted in place when it exits, and ready once {@code readinessPath} answers
     * on {@code port}, probed from {@code initialDelaySeconds} (the cold start) on.
     */
    public record Serving(int port, String readinessPath, int initialDelaySeconds) {
    }

    /**
     * The headless service that gives each pod of a gang a stable DNS name, or ({@code headless == false}) the
     * Service in front of an inference service's ready replicas.
     */
    public record ServicePlan(String name, Map<String, String> labels, Map<String, String> selector,
            List<Port> ports, boolean headless) {
        public ServicePlan {
            labels = Map.copyOf(labels);
            selector = Map.copyOf(selector);
            ports = List.copyOf(ports);
        }
    }

    /** Everything one admission needs; {@code service} is null for a single pod without a framework. */
    public record AttemptPlan(String workloadId, int attempt, ServicePlan service, List<PodPlan> pods) {
        public AttemptPlan {
            pods = List.copyOf(pods);
        }

        public List<String> podNames() {
            return pods.stream().map(PodPlan::name).toList();
        }
    }
}

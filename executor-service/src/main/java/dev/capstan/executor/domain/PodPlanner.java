package dev.capstan.executor.domain;

import dev.capstan.events.Framework;
import dev.capstan.events.PlacementEvent.WorkloadAdmitted;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Resources;
import dev.capstan.events.ServingReplica;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.executor.domain.Plans.AttemptPlan;
import dev.capstan.executor.domain.Plans.PodPlan;
import dev.capstan.executor.domain.Plans.Port;
import dev.capstan.executor.domain.Plans.ServicePlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Turns an admission (pod → node → GPUs) and the user's job spec into the pods and headless service
 * to create: names, labels, GPU environment and the distributed-training environment of the framework.
 *
 * <p>Precedence of environment variables: the user's {@code env} first, then what the executor sets
 * (GPU visibility, framework wiring, {@code CAPSTAN_*}) — a user value cannot break the gang's wiring.
 * Likewise the user's annotations are copied but {@code capstan.dev/*} annotations are the executor's.
 */
public final class PodPlanner {

    /**
     * Where the pods live and which ports the frameworks use.
     *
     * @param namespace     namespace of pods and services
     * @param clusterDomain cluster DNS domain, e.g. {@code cluster.local}
     */
    public record Settings(String namespace, String clusterDomain, int pytorchPort, int tensorflowPort,
            int rayPort, int sshPort) {
        public static Settings defaults(String namespace) {
            return new Settings(namespace, "cluster.local", 29500, 2222, 6379, 22);
        }
    }

    /** One pod's place in the gang as the framework wiring sees it. */
    record Member(String name, String role, int rank, String host, int gpus) {
    }

    private final Settings settings;

    public PodPlanner(Settings settings) {
        this.settings = Objects.requireNonNull(settings);
    }

    /** The port a serving replica listens on, and the path that answers once the model is loaded (KServe's V2). */
    public static final int SERVING_PORT = 8080;
    public static final String READINESS_PATH = "/v2/health/ready";

    /** The plan of one admission of {@code spec}: a training gang's pods, or one serving replica. */
    public AttemptPlan plan(WorkloadAdmitted admission, TrainingJobSpec spec) {
        if (admission.serving() != null) {
            return replica(admission, spec, admission.serving());
        }
        String workloadId = admission.workloadId();
        int attempt = admission.attempt();
        List<PodAssignment> assignments = admission.pods().stream()
                .sorted(Comparator.comparingInt(PodAssignment::rank)).toList();
        if (assignments.isEmpty()) {
            throw new IllegalArgumentException("admission of " + workloadId + " has no pods");
        }
        Framework framework = spec.framework() == null ? Framework.NONE : spec.framework();
        boolean needsService = framework != Framework.NONE || assignments.size() > 1;
        String serviceName = needsService ? Names.serviceName(workloadId, attempt) : null;
        List<Port> ports = ports(framework);

        List<Member> members = new ArrayList<>();
        for (PodAssignment a : assignments) {
            String name = Names.podName(a.pod(), workloadId, attempt, a.role(), a.rank());
            String host = serviceName == null ? name
                    : name + "." + serviceName + "." + settings.namespace() + ".svc." + settings.clusterDomain();
            members.add(new Member(name, role(a), a.rank(), host, a.gpuIndices().size()));
        }

        Map<String, String> selector = Map.of(PodLabels.WORKLOAD, Names.workloadLabel(workloadId),
                PodLabels.ATTEMPT, Integer.toString(attempt));
        List<PodPlan> pods = new ArrayList<>();
        for (int i = 0; i < assignments.size(); i++) {
            PodAssignment a = assignments.get(i);
            Member self = members.get(i);
            pods.add(pod(admission, spec, framework, a, self, members, serviceName, selector, ports));
        }
        ServicePlan service = serviceName == null ? null
                : new ServicePlan(serviceName, withManagedBy(selector), selector, ports, true);
        return new AttemptPlan(workloadId, attempt, service, pods);
    }

    /**
     * One replica of an inference service: a pod labelled with its service and revision, restarted in place when
     * its server exits, ready once it answers {@link #READINESS_PATH} (probed from its cold start on), and the
     * service's Service, which selects the ready replicas of every revision (it outlives any one replica and goes
     * with the service). The model comes in KServe's environment names ({@code STORAGE_URI}, {@code MODEL_NAME}).
     */
    private AttemptPlan replica(WorkloadAdmitted admission, TrainingJobSpec spec, ServingReplica serving) {
        if (admission.pods().size() != 1) {
            throw new IllegalArgumentException("a replica of " + serving.service() + " has one pod, the admission names "
                    + admission.pods().size());
        }
        PodAssignment a = admission.pods().get(0);
        String name = Names.podName(a.pod(), admission.workloadId(), admission.attempt(), "replica", 0);
        String serviceLabel = Names.dnsLabel(serving.service(), Names.MAX_LABEL);
        Map<String, String> labels = new LinkedHashMap<>(withManagedBy(Map.of(PodLabels.WORKLOAD,
                Names.workloadLabel(admission.workloadId()), PodLabels.ATTEMPT, Integer.toString(admission.attempt()))));
        labels.put(PodLabels.ROLE, "replica");
        labels.put(PodLabels.RANK, "0");
        labels.put(PodLabels.INFERENCE_SERVICE, serviceLabel);
        labels.put(PodLabels.REVISION, Names.dnsLabel(serving.revision(), Names.MAX_LABEL));

        boolean share = a.gpuMilli() > 0 && a.gpuMilli() < 1000;
        Map<String, String> annotations = annotations(admission, spec, a, share, 1);
        annotations.put(PodLabels.MODEL, serving.model() + ":" + serving.modelVersion());

        Map<String, String> env = new LinkedHashMap<>(spec.env());
        env.putAll(gpuEnv(a, share));
        env.put("CAPSTAN_WORKLOAD_ID", admission.workloadId());
        env.put("CAPSTAN_ATTEMPT", Integer.toString(admission.attempt()));
        env.put("CAPSTAN_INFERENCE_SERVICE", serving.service());
        env.put("CAPSTAN_REVISION", serving.revision());
        env.put("MODEL_NAME", serving.model());
        env.put("MODEL_VERSION", Integer.toString(serving.modelVersion()));
        if (serving.artifactUri() != null) {
            env.put("STORAGE_URI", serving.artifactUri());
        }
        env.put("PORT", Integer.toString(SERVING_PORT));

        List<Port> ports = List.of(new Port("http", SERVING_PORT));
        Resources r = spec.resources();
        PodPlan pod = new PodPlan(name, name, null, a.node(), "replica", 0, spec.image(), spec.command(), env, labels,
                annotations, share ? 0 : a.gpuIndices().size(), r == null ? 0 : r.cpuMilli(),
                r == null ? 0 : r.memoryMib(), ports,
                new Plans.Serving(SERVING_PORT, READINESS_PATH, Math.max(0, serving.coldStartSeconds())));
        return new AttemptPlan(admission.workloadId(), admission.attempt(), inferenceService(serviceLabel),
                List.of(pod));
    }

    /**
     * The Kubernetes Service of an inference service, by the label value its replica pods carry: a ClusterIP Service
     * selecting the ready replicas of every revision.
     */
    public static ServicePlan inferenceService(String serviceLabel) {
        Map<String, String> selector = Map.of(PodLabels.INFERENCE_SERVICE, serviceLabel);
        return new ServicePlan(Names.serviceOf(serviceLabel), withManagedBy(selector), selector,
                List.of(new Port("http", SERVING_PORT)), false);
    }

    private PodPlan pod(WorkloadAdmitted admission, TrainingJobSpec spec, Framework framework, PodAssignment a,
            Member self, List<Member> members, String serviceName, Map<String, String> selector, List<Port> ports) {
        Resources r = spec.resources();
        boolean share = a.gpuMilli() > 0 && a.gpuMilli() < 1000;
        int wholeGpus = share ? 0 : a.gpuIndices().size();

        Map<String, String> labels = new LinkedHashMap<>(withManagedBy(selector));
        labels.put(PodLabels.ROLE, Names.dnsLabel(self.role(), Names.MAX_LABEL));
        labels.put(PodLabels.RANK, Integer.toString(a.rank()));

        Map<String, String> annotations = annotations(admission, spec, a, share, members.size());

        Map<String, String> env = new LinkedHashMap<>(spec.env());
        env.putAll(gpuEnv(a, share));
        env.put("CAPSTAN_WORKLOAD_ID", admission.workloadId());
        env.put("CAPSTAN_ATTEMPT", Integer.toString(admission.attempt()));
        env.put("CAPSTAN_ROLE", self.role());
        env.put("CAPSTAN_RANK", Integer.toString(a.rank()));
        env.put("CAPSTAN_WORLD_SIZE", Integer.toString(members.size()));
        Map<String, String> frameworkEnv = frameworkEnv(framework, self, members);
        env.putAll(frameworkEnv);
        if (frameworkEnv.containsKey(MPI_HOSTFILE_ENV)) {
            annotations.put(PodLabels.MPI_HOSTFILE, frameworkEnv.get(MPI_HOSTFILE_ENV));
        }

        long cpu = r == null ? 0 : r.cpuMilli();
        long mem = r == null ? 0 : r.memoryMib();
        return new PodPlan(self.name(), self.name(), serviceName, a.node(), self.role(), a.rank(), spec.image(),
                spec.command(), env, labels, annotations, wholeGpus, cpu, mem, ports, null);
    }

    /**
     * The user's annotations without {@code capstan.dev/*} ones, then the executor's: the workload, its gang size,
     * queue and the pod's GPUs, so that all of it can be read back from the API alone.
     */
    private static Map<String, String> annotations(WorkloadAdmitted admission, TrainingJobSpec spec, PodAssignment a,
            boolean share, int gangSize) {
        Map<String, String> annotations = new LinkedHashMap<>(spec.annotations());
        annotations.keySet().removeIf(k -> k.startsWith("capstan.dev/"));
        annotations.put(PodLabels.WORKLOAD_ID, admission.workloadId());
        annotations.put(PodLabels.GANG_SIZE, Integer.toString(gangSize));
        if (admission.queue() != null) {
            annotations.put(PodLabels.QUEUE, admission.queue());
        }
        if (!a.gpuIndices().isEmpty()) {
            annotations.put(PodLabels.GPU_INDICES, join(a.gpuIndices()));
        }
        if (share) {
            annotations.put(PodLabels.GPU_MILLI, Integer.toString(a.gpuMilli()));
        }
        if (a.gpuModel() != null) {
            annotations.put(PodLabels.GPU_MODEL, a.gpuModel());
        }
        if (a.migProfile() != null) {
            annotations.put(PodLabels.MIG_PROFILE, a.migProfile());
        }
        return annotations;
    }

    /**
     * GPU visibility. {@code NVIDIA_VISIBLE_DEVICES} names the node's GPU indices (what the NVIDIA
     * runtime exposes); inside the container those GPUs are renumbered from 0, so
     * {@code CUDA_VISIBLE_DEVICES} is {@code 0..n-1}. A pod without GPUs gets {@code void}, so a CUDA
     * base image (which defaults to {@code all}) sees none. A share adds the fraction for MPS.
     */
    static Map<String, String> gpuEnv(PodAssignment a, boolean share) {
        Map<String, String> env = new LinkedHashMap<>();
        List<Integer> idx = a.gpuIndices();
        if (idx.isEmpty()) {
            env.put("NVIDIA_VISIBLE_DEVICES", "void");
            return env;
        }
        env.put("NVIDIA_VISIBLE_DEVICES", join(idx));
        env.put("CUDA_VISIBLE_DEVICES", IntStream.range(0, idx.size()).mapToObj(Integer::toString)
                .collect(Collectors.joining(",")));
        env.put("CAPSTAN_GPU_INDICES", join(idx));
        if (share) {
            env.put("CAPSTAN_GPU_MILLI", Integer.toString(a.gpuMilli()));
            // CUDA MPS caps this client's share of the GPU's SMs.
            env.put("CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", Integer.toString(Math.max(1, a.gpuMilli() / 10)));
        }
        return env;
    }

    static final String MPI_HOSTFILE_ENV = "CAPSTAN_MPI_HOSTFILE";

    /** The environment that wires the gang together for its framework. */
    Map<String, String> frameworkEnv(Framework framework, Member self, List<Member> members) {
        Map<String, String> env = new LinkedHashMap<>();
        Member first = members.get(0);
        switch (framework) {
            case PYTORCH -> {
                // torch.distributed env:// rendezvous; rank 0 is the master (as Kubeflow's PyTorchJob).
                env.put("MASTER_ADDR", first.host());
                env.put("MASTER_PORT", Integer.toString(settings.pytorchPort()));
                env.put("WORLD_SIZE", Integer.toString(members.size()));
                env.put("RANK", Integer.toString(self.rank()));
                env.put("PYTHONUNBUFFERED", "1");
            }
            case TENSORFLOW -> env.put("TF_CONFIG", tfConfig(self, members));
            case RAY -> {
                String head = first.host() + ":" + settings.rayPort();
                boolean isHead = self == first;
                env.put("RAY_HEAD_ADDRESS", head);
                env.put("RAY_PORT", Integer.toString(settings.rayPort()));
                env.put("CAPSTAN_RAY_NODE_TYPE", isHead ? "head" : "worker");
                if (!isHead) {
                    // `ray start --address=$RAY_ADDRESS` on workers; the head starts with --head.
                    env.put("RAY_ADDRESS", head);
                }
            }
            case MPI -> {
                env.put(MPI_HOSTFILE_ENV, members.stream()
                        .map(m -> m.host() + " slots=" + Math.max(1, m.gpus()))
                        .collect(Collectors.joining("\n")));
                env.put("CAPSTAN_MPI_LAUNCHER", first.host());
                env.put("CAPSTAN_MPI_NP", Integer.toString(members.stream().mapToInt(m -> Math.max(1, m.gpus())).sum()));
                env.put("OMPI_MCA_orte_keep_fqdn_hostnames", "true");
                env.put("OMPI_MCA_plm_rsh_args", "-p " + settings.sshPort());
            }
            case NONE -> {
            }
        }
        return env;
    }

    /**
     * TF_CONFIG: the cluster spec (task type → addresses in rank order) and this pod's task. Roles map
     * to TensorFlow task types; {@code master} is TensorFlow's {@code chief}.
     */
    String tfConfig(Member self, List<Member> members) {
        Map<String, List<String>> cluster = new LinkedHashMap<>();
        for (Member m : members) {
            cluster.computeIfAbsent(tfTaskType(m.role()), k -> new ArrayList<>())
                    .add(m.host() + ":" + settings.tensorflowPort());
        }
        String type = tfTaskType(self.role());
        int index = (int) members.stream().filter(m -> tfTaskType(m.role()).equals(type))
                .takeWhile(m -> m != self).count();
        String clusterJson = cluster.entrySet().stream()
                .map(e -> quote(e.getKey()) + ":[" + e.getValue().stream().map(PodPlanner::quote)
                        .collect(Collectors.joining(",")) + "]")
                .collect(Collectors.joining(","));
        return "{\"cluster\":{" + clusterJson + "},\"task\":{\"type\":" + quote(type) + ",\"index\":" + index
                + "},\"environment\":\"cloud\"}";
    }

    static String tfTaskType(String role) {
        String r = role == null ? "worker" : role.toLowerCase(java.util.Locale.ROOT);
        return switch (r) {
            case "master", "chief" -> "chief";
            case "ps", "evaluator" -> r;
            default -> "worker";
        };
    }

    private List<Port> ports(Framework framework) {
        return switch (framework) {
            case PYTORCH -> List.of(new Port("pytorch", settings.pytorchPort()));
            case TENSORFLOW -> List.of(new Port("tfjob", settings.tensorflowPort()));
            case RAY -> List.of(new Port("gcs", settings.rayPort()));
            case MPI -> List.of(new Port("ssh", settings.sshPort()));
            case NONE -> List.of();
        };
    }

    private static String role(PodAssignment a) {
        return a.role() == null || a.role().isBlank() ? (a.rank() == 0 ? "master" : "worker") : a.role();
    }

    private static Map<String, String> withManagedBy(Map<String, String> labels) {
        Map<String, String> m = new LinkedHashMap<>(labels);
        m.put(PodLabels.MANAGED_BY, PodLabels.MANAGER);
        return m;
    }

    private static String join(List<Integer> xs) {
        return xs.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

package dev.capstan.executor.domain;

/**
 * Labels and annotations that tie Kubernetes objects to their workload. They are the executor's only
 * state: after a restart everything is read back from them.
 */
public final class PodLabels {
    /** Label: the workload (as a DNS-safe label value, see {@link Names#workloadLabel}). */
    public static final String WORKLOAD = "capstan.dev/workload";
    /** Label: the admission attempt (1, 2, …). */
    public static final String ATTEMPT = "capstan.dev/attempt";
    /** Label: master, worker, chief, ps, head, launcher … */
    public static final String ROLE = "capstan.dev/role";
    /** Label: 0-based rank in the gang. */
    public static final String RANK = "capstan.dev/rank";
    /** Label set once the attempt's outcome was reported: {@code succeeded} or {@code failed}. */
    public static final String OUTCOME = "capstan.dev/outcome";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** Label: the inference service a replica pod (and its Kubernetes Service) belongs to. */
    public static final String INFERENCE_SERVICE = dev.capstan.events.ServingReplica.SERVICE_LABEL;
    /** Label: the revision a replica serves ({@code v7}). */
    public static final String REVISION = dev.capstan.events.ServingReplica.REVISION_LABEL;
    public static final String MANAGER = "capstan-executor";

    /** Annotation: the workload id exactly as in the events. */
    public static final String WORKLOAD_ID = "capstan.dev/workload-id";
    /** Annotation: the number of pods in the gang, so gang state is known from the API alone. */
    public static final String GANG_SIZE = "capstan.dev/gang-size";
    public static final String QUEUE = "capstan.dev/queue";
    /** Annotation: GPU indices on the node, comma separated. */
    public static final String GPU_INDICES = "capstan.dev/gpu-indices";
    /** Annotation: the share of one GPU in milli-GPU, only for shares (&lt; 1000). */
    public static final String GPU_MILLI = "capstan.dev/gpu-milli";
    public static final String GPU_MODEL = "capstan.dev/gpu-model";
    public static final String MIG_PROFILE = "capstan.dev/mig-profile";
    /** Annotation: the model a replica serves, {@code name:version}. */
    public static final String MODEL = dev.capstan.events.ServingReplica.MODEL_ANNOTATION;
    /** Annotation: the MPI hostfile, one {@code host slots=N} line per pod. */
    public static final String MPI_HOSTFILE = "capstan.dev/mpi-hostfile";

    /** The extended resource of whole NVIDIA GPUs. */
    public static final String GPU_RESOURCE = "nvidia.com/gpu";

    private PodLabels() {
    }
}

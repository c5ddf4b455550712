package dev.capstan.localstack.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A kubelet for every simulated node, in one process (KWOK-style). Nothing schedules pods here: a pod
 * runs when its {@code spec.nodeName} names a node of the cluster.
 *
 * <ol>
 *   <li>Admission: a bound Pending pod whose node does not exist stays Pending with a
 *       {@code PodScheduled=False/NodeNotFound} condition (and is reconsidered when the node appears);
 *       one that asks for more {@code nvidia.com/gpu} than the node has left fails with reason
 *       {@code OutOfnvidia.com/gpu}, as a real kubelet does — so a double allocation is visible.</li>
 *   <li>After {@code podStartDelay} the pod is Running (start time, pod IP, containers running, Ready). A pod
 *       with a readiness probe is Ready only once the probe's initial delay has passed (an inference replica's
 *       cold start).</li>
 *   <li>After the annotation {@value #RUN_SECONDS} (else {@code defaultRunTime}) it is Succeeded, or Failed
 *       with exit code 1 / reason Error with probability {@code failureRate} (drawn from the seed and the
 *       pod's name, so a run is reproducible), or with the exit code of the annotation {@value #EXIT_CODE}.
 *       A pod with restart policy {@code Always} (a serving replica) runs until it is deleted.</li>
 *   <li>A pod that a {@link PodProgram} runs (the {@link SimulatedTrainer}: annotation
 *       {@value SimulatedTrainer#CURVES}) ends instead when its program exits, with the program's exit code and
 *       message; its run-seconds and exit-code annotations are not read.</li>
 * </ol>
 * Deleted pods stop being simulated and free their GPUs. Status is written through the status
 * subresource (a plain update would overwrite it). Timers run on one small scheduled executor; no
 * thread sleeps, so thousands of pods cost a map entry and a timer each.
 */
final class SimulatedKubelet implements AutoCloseable {

    /** Pod annotation: how many seconds (decimals allowed) the pod runs before it exits. */
    static final String RUN_SECONDS = "sim.capstan.dev/run-seconds";
    /** Pod annotation: exit code of the main container; non-zero makes the pod fail. */
    static final String EXIT_CODE = "sim.capstan.dev/exit-code";

    private static final Logger LOG = Logger.getLogger(SimulatedKubelet.class.getName());

    private enum Stage { NODE_MISSING, STARTING, RUNNING }

    /** One pod the kubelet currently drives. Mutated only under the kubelet's lock. */
    private static final class Tracked {
        final String uid;
        final String node;
        final int gpus;
        Stage stage;
        ScheduledFuture<?> timer;
        PodProgram.Execution program;

        Tracked(String uid, String node, int gpus, Stage stage) {
            this.uid = uid;
            this.node = node;
            this.gpus = gpus;
            this.stage = stage;
        }
    }

    private final KubernetesClient client;
    private final SimulatedClusterConfig cfg;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final List<PodProgram> programs;
    private final Map<String, Tracked> tracked = new HashMap<>();
    private final Map<String, Integer> gpusInUse = new HashMap<>();
    private final Map<String, String> nodeIps = new ConcurrentHashMap<>();
    private final AtomicInteger podIps = new AtomicInteger();
    private SharedIndexInformer<Node> nodeInformer;
    private SharedIndexInformer<Pod> podInformer;

    /** A kubelet whose pods run {@code programs} when one of them {@link PodProgram#runs} the pod. */
    SimulatedKubelet(KubernetesClient client, SimulatedClusterConfig cfg, Clock clock, List<PodProgram> programs) {
        this.client = client;
        this.cfg = cfg;
        this.clock = clock;
        this.programs = List.copyOf(programs);
        this.timers = Executors.newScheduledThreadPool(4, r -> {
            Thread t = new Thread(r, "simulated-kubelet");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching nodes and pods; returns once both caches are in sync. */
    void start() {
        nodeInformer = client.nodes().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                nodeAppeared(node);
            }

            @Override
            public void onUpdate(Node oldNode, Node newNode) {
                nodeAppeared(newNode);
            }

            @Override
            public void onDelete(Node node, boolean unknownFinalState) {
                nodeIps.remove(node.getMetadata().getName());
            }
        }, 0);
        podInformer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                observe(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                observe(newPod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                forget(key(pod), pod.getMetadata().getUid());
            }
        }, 0);
    }

    /** Whether the pod {@code namespace/name} is driven right now. */
    synchronized boolean simulates(String key) {
        return tracked.containsKey(key);
    }

    private void nodeAppeared(Node node) {
        String name = node.getMetadata().getName();
        String ip = node.getStatus() == null || node.getStatus().getAddresses() == null ? null
                : node.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                        .map(a -> a.getAddress()).findFirst().orElse(null);
        nodeIps.put(name, ip == null ? "10.0.255.1" : ip);
        List<String> waiting = new ArrayList<>();
        synchronized (this) {
            tracked.forEach((k, t) -> {
                if (t.stage == Stage.NODE_MISSING && t.node.equals(name)) {
                    waiting.add(k);
                }
            });
            waiting.forEach(tracked::remove);
        }
        for (String k : waiting) {
            Pod pod = podInformer == null ? null : podInformer.getStore().getByKey(k);
            if (pod != null) {
                observe(pod);
            }
        }
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private void observe(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node == null || node.isEmpty()) {
            return;
        }
        String key = key(pod);
        String uid = pod.getMetadata().getUid();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (pod.getMetadata().getDeletionTimestamp() != null || "Succeeded".equals(phase) || "Failed".equals(phase)) {
            forget(key, uid);
            return;
        }
        if (phase != null && !"Pending".equals(phase)) {
            return; // Running (or Unknown) without us: someone else drives this pod.
        }
        int gpus = gpuLimit(pod);
        String rejection = null;
        synchronized (this) {
            Tracked t = tracked.get(key);
            if (t != null && java.util.Objects.equals(t.uid, uid)) {
                return;
            }
            if (t != null) {
                release(key, t); // same name, new pod
            }
            if (!nodeIps.containsKey(node)) {
                tracked.put(key, new Tracked(uid, node, 0, Stage.NODE_MISSING));
            } else {
                int capacity = gpuCapacity(node);
                int used = gpusInUse.getOrDefault(node, 0);
                if (gpus > 0 && used + gpus > capacity) {
                    rejection = "Node didn't have enough resource: nvidia.com/gpu, requested: " + gpus
                            + ", used: " + used + ", capacity: " + capacity;
                } else {
                    Tracked admitted = new Tracked(uid, node, gpus, Stage.STARTING);
                    gpusInUse.merge(node, gpus, Integer::sum);
                    tracked.put(key, admitted);
                    admitted.timer = timers.schedule(() -> run(key, uid), cfg.podStartDelay().toMillis(),
                            TimeUnit.MILLISECONDS);
                    return;
                }
            }
        }
        if (rejection != null) {
            String message = rejection;
            timers.execute(() -> writeStatus(pod, uid, s -> rejected(s, message)));
        } else {
            timers.execute(() -> writeStatus(pod, uid, s -> nodeMissing(s, node)));
        }
    }

    private int gpuCapacity(String node) {
        Node n = nodeInformer.getStore().getByKey(node);
        if (n == null || n.getStatus() == null || n.getStatus().getAllocatable() == null) {
            return 0;
        }
        Quantity q = n.getStatus().getAllocatable().get(SimulatedNodes.GPU_RESOURCE);
        return q == null ? 0 : q.getNumericalAmount().intValue();
    }

    private static int gpuLimit(Pod pod) {
        int total = 0;
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getResources() == null) {
                continue;
            }
            Quantity q = c.getResources().getLimits() == null ? null
                    : c.getResources().getLimits().get(SimulatedNodes.GPU_RESOURCE);
            if (q == null && c.getResources().getRequests() != null) {
                q = c.getResources().getRequests().get(SimulatedNodes.GPU_RESOURCE);
            }
            if (q != null) {
                total += q.getNumericalAmount().intValue();
            }
        }
        return total;
    }

    private void run(String key, String uid) {
        Pod pod = podInformer.getStore().getByKey(key);
        if (pod == null || !stillTracked(key, uid)) {
            return;
        }
        int n = podIps.incrementAndGet(); // one number for both parts: four status writers share the counter
        String podIp = "10.244." + ((n / 250) % 250) + "." + (n % 250 + 1);
        String hostIp = nodeIps.getOrDefault(pod.getSpec().getNodeName(), "10.0.255.1");
        Probe probe = readinessProbe(pod);
        // A probe without an initial delay passes at once: the pod is ready as it runs (one status write, not two).
        Probe delayed = probe != null && probe.getInitialDelaySeconds() != null && probe.getInitialDelaySeconds() > 0
                ? probe : null;
        if (!writeStatus(pod, uid, s -> running(s, pod, podIp, hostIp, delayed == null))) {
            forget(key, uid);
            return;
        }
        boolean serving = "Always".equals(pod.getSpec().getRestartPolicy());
        PodProgram program = programOf(pod);
        synchronized (this) {
            Tracked t = tracked.get(key);
            if (t == null || !java.util.Objects.equals(t.uid, uid)) {
                return;
            }
            t.stage = Stage.RUNNING;
            if (delayed != null) {
                // The readiness probe passes once its initial delay is over: a replica's cold start.
                t.timer = timers.schedule(() -> ready(key, uid), delayed.getInitialDelaySeconds() * 1000L,
                        TimeUnit.MILLISECONDS);
            } else if (!serving && program == null) {
                t.timer = timers.schedule(() -> finish(key, uid, exitOf(pod)), runTime(pod).toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        if (program != null) {
            startProgram(key, uid, pod, program);
        }
    }

    private PodProgram programOf(Pod pod) {
        return programs.stream().filter(p -> p.runs(pod)).findFirst().orElse(null);
    }

    /** Its exit ends the pod as the run-seconds timer does. Called outside the lock: a program may take a while. */
    private void startProgram(String key, String uid, Pod pod, PodProgram program) {
        PodProgram.Execution execution;
        try {
            execution = program.start(pod, timers, exit -> finish(key, uid, exit));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the program of pod " + key + " failed to start", e);
            finish(key, uid, new PodProgram.ContainerExit(128, "the simulated program failed to start: " + e));
            return;
        }
        boolean attached = false;
        synchronized (this) {
            Tracked t = tracked.get(key);
            if (t != null && java.util.Objects.equals(t.uid, uid)) {
                t.program = execution;
                attached = true;
            }
        }
        if (!attached) {
            execution.stop(); // deleted while it started
        }
    }

    /** A pod restarted in place runs until it is deleted; one with a readiness probe is ready after its delay. */
    private void ready(String key, String uid) {
        Pod pod = podInformer.getStore().getByKey(key);
        if (pod != null && stillTracked(key, uid)) {
            writeStatus(pod, uid, s -> {
                s.setConditions(conditions("True", null));
                if (s.getContainerStatuses() != null) {
                    s.getContainerStatuses().forEach(c -> c.setReady(true));
                }
                return s;
            });
        }
        boolean serving = pod != null && "Always".equals(pod.getSpec().getRestartPolicy());
        if (pod != null && !serving && programOf(pod) == null) {
            synchronized (this) {
                Tracked t = tracked.get(key);
                if (t != null && java.util.Objects.equals(t.uid, uid)) {
                    t.timer = timers.schedule(() -> finish(key, uid, exitOf(pod)), runTime(pod).toMillis(),
                            TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private static Probe readinessProbe(Pod pod) {
        var containers = pod.getSpec().getContainers();
        return containers == null || containers.isEmpty() ? null : containers.get(0).getReadinessProbe();
    }

    private void finish(String key, String uid, PodProgram.ContainerExit exit) {
        Pod pod = podInformer.getStore().getByKey(key);
        if (pod != null && stillTracked(key, uid)) {
            writeStatus(pod, uid, s -> terminated(s, pod, exit));
        }
        forget(key, uid);
    }

    private synchronized boolean stillTracked(String key, String uid) {
        Tracked t = tracked.get(key);
        return t != null && java.util.Objects.equals(t.uid, uid);
    }

    private synchronized void forget(String key, String uid) {
        Tracked t = tracked.get(key);
        if (t != null && (uid == null || java.util.Objects.equals(t.uid, uid))) {
            tracked.remove(key);
            release(key, t);
        }
    }

    private void release(String key, Tracked t) {
        if (t.timer != null) {
            t.timer.cancel(false);
        }
        if (t.program != null) {
            t.program.stop();
        }
        if (t.stage != Stage.NODE_MISSING && t.gpus > 0) {
            gpusInUse.merge(t.node, -t.gpus, Integer::sum);
        }
    }

    Duration runTime(Pod pod) {
        String v = annotation(pod, RUN_SECONDS);
        if (v != null) {
            try {
                double seconds = Double.parseDouble(v.trim());
                if (seconds >= 0) {
                    return Duration.ofMillis(Math.round(seconds * 1000));
                }
            } catch (NumberFormatException e) {
                LOG.fine(() -> "ignoring " + RUN_SECONDS + "=" + v + " on " + key(pod));
            }
        }
        return cfg.defaultRunTime();
    }

    private PodProgram.ContainerExit exitOf(Pod pod) {
        return new PodProgram.ContainerExit(exitCode(pod), null);
    }

    int exitCode(Pod pod) {
        String v = annotation(pod, EXIT_CODE);
        if (v != null) {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                LOG.fine(() -> "ignoring " + EXIT_CODE + "=" + v + " on " + key(pod));
            }
        }
        if (cfg.failureRate() <= 0) {
            return 0;
        }
        long mixed = cfg.seed() * 0x9E3779B97F4A7C15L ^ key(pod).hashCode();
        return new SplittableRandom(mixed).nextDouble() < cfg.failureRate() ? 1 : 0;
    }

    private static String annotation(Pod pod, String name) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        return a == null ? null : a.get(name);
    }

    /**
     * Applies {@code change} to the pod's status through the status subresource. Returns false when the
     * pod is gone or was replaced (another uid).
     */
    private boolean writeStatus(Pod pod, String uid, UnaryOperator<PodStatus> change) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                // First from the informer's cache (one request less per write); after a conflict, from the API.
                Pod cached = attempt == 0 && podInformer != null ? podInformer.getIndexer().getByKey(ns + "/" + name)
                        : null;
                Pod current = cached != null ? clone(cached) : client.pods().inNamespace(ns).withName(name).get();
                if (current == null || !java.util.Objects.equals(current.getMetadata().getUid(), uid)) {
                    return false;
                }
                PodStatus status = current.getStatus() == null ? new PodStatus() : current.getStatus();
                current.setStatus(change.apply(status));
                client.pods().inNamespace(ns).resource(current).updateStatus();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return false;
                }
                if (e.getCode() != 409) {
                    LOG.log(Level.WARNING, "cannot update the status of pod " + ns + "/" + name, e);
                    return false;
                }
                // 409: the pod changed since we read it; read it again.
            }
        }
        return false;
    }

    private static Pod clone(Pod pod) {
        return new io.fabric8.kubernetes.api.model.PodBuilder(pod).build();
    }

    private String now() {
        return clock.instant().toString();
    }

    private PodStatus nodeMissing(PodStatus s, String node) {
        s.setPhase("Pending");
        s.setConditions(List.of(condition("PodScheduled", "False", "NodeNotFound",
                "node \"" + node + "\" named by spec.nodeName does not exist")));
        return s;
    }

    private PodStatus rejected(PodStatus s, String message) {
        s.setPhase("Failed");
        s.setReason("OutOf" + SimulatedNodes.GPU_RESOURCE);
        s.setMessage("Pod was rejected: " + message);
        s.setStartTime(now());
        return s;
    }

    private PodStatus running(PodStatus s, Pod pod, String podIp, String hostIp, boolean ready) {
        String t = now();
        s.setPhase("Running");
        s.setReason(null);
        s.setMessage(null);
        s.setStartTime(t);
        s.setPodIP(podIp);
        s.setHostIP(hostIp);
        s.setConditions(conditions(ready ? "True" : "False", ready ? null : "ContainersNotReady"));
        s.setContainerStatuses(containerStatuses(pod, ready,
                new ContainerStateBuilder().withNewRunning().withStartedAt(t).endRunning().build()));
        return s;
    }

    private PodStatus terminated(PodStatus s, Pod pod, PodProgram.ContainerExit exit) {
        s.setPhase(exit.code() == 0 ? "Succeeded" : "Failed");
        s.setConditions(conditions("False", "PodCompleted"));
        s.setContainerStatuses(containerStatuses(pod, false, new ContainerStateBuilder().withNewTerminated()
                .withExitCode(exit.code()).withReason(exit.reason()).withMessage(exit.message())
                .withStartedAt(s.getStartTime()).withFinishedAt(now()).endTerminated().build()));
        return s;
    }

    /** The four conditions of a scheduled, initialised pod; readiness as given. */
    private List<PodCondition> conditions(String ready, String notReadyReason) {
        return List.of(condition("PodScheduled", "True", null, null), condition("Initialized", "True", null, null),
                condition("ContainersReady", ready, notReadyReason, null),
                condition("Ready", ready, notReadyReason, null));
    }

    /** One status per container of the pod, all in {@code state}. */
    private static List<ContainerStatus> containerStatuses(Pod pod, boolean running, ContainerState state) {
        List<ContainerStatus> cs = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            cs.add(new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                    .withImageID("sim://" + c.getImage())
                    .withContainerID("sim://" + pod.getMetadata().getUid() + "/" + c.getName())
                    .withReady(running).withStarted(running).withRestartCount(0).withState(state).build());
        }
        return cs;
    }

    private PodCondition condition(String type, String status, String reason, String message) {
        String t = now();
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(t).withLastProbeTime(null).build();
    }

    @Override
    public void close() {
        if (podInformer != null) {
            podInformer.close();
        }
        if (nodeInformer != null) {
            nodeInformer.close();
        }
        synchronized (this) {
            tracked.values().forEach(t -> {
                if (t.program != null) {
                    t.program.stop();
                }
            });
        }
        timers.shutdownNow();
        synchronized (this) {
            tracked.clear();
            gpusInUse.clear();
        }
    }
}

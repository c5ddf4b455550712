package dev.capstan.executor.kube;

import dev.capstan.executor.config.ExecutorConfig;
import dev.capstan.executor.domain.PodLabels;
import dev.capstan.executor.domain.PodObservation;
import dev.capstan.executor.domain.PodObservation.ContainerProblem;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Watches the executor's pods (label {@code capstan.dev/workload}) with an informer, indexed by
 * admission, and hands every change to a listener. Reads come from the informer's cache.
 */
@ApplicationScoped
public class PodWatch {

    static final String BY_ATTEMPT = "attempt";
    static final String BY_WORKLOAD = "workload";


    private final KubernetesClient client;
    private final String namespace;
    private volatile SharedIndexInformer<Pod> informer;

    PodWatch(KubernetesClient client, ExecutorConfig config) {
        this.client = client;
        this.namespace = config.namespace();
    }

    /** Starts watching; {@code changed} gets adds and updates, {@code deleted} deletions. Returns once synced. */
    public void start(Consumer<Pod> changed, Consumer<Pod> deleted) {
        SharedIndexInformer<Pod> i = client.pods().inNamespace(namespace).withLabel(PodLabels.WORKLOAD)
                .runnableInformer(0);
        i.addIndexers(Map.of(
                BY_ATTEMPT, p -> List.of(attemptKey(label(p, PodLabels.WORKLOAD), label(p, PodLabels.ATTEMPT))),
                BY_WORKLOAD, p -> List.of(String.valueOf(label(p, PodLabels.WORKLOAD)))));
        i.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                changed.accept(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                changed.accept(newPod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                deleted.accept(pod);
            }
        });
        informer = i;
        i.run();
    }

    public boolean watching() {
        SharedIndexInformer<Pod> i = informer;
        return i != null && i.isWatching();
    }

    /** The pods of one admission, from the cache. */
    public List<Pod> podsOf(String workloadLabel, int attempt) {
        SharedIndexInformer<Pod> i = informer;
        return i == null ? List.of() : i.getIndexer().byIndex(BY_ATTEMPT, attemptKey(workloadLabel, Integer.toString(attempt)));
    }

    /**
     * The inference services (their label values) that have a replica pod not being deleted, from the cache; null
     * before the first list is in (nothing can be told then).
     */
    public java.util.Set<String> servingInferenceServices() {
        SharedIndexInformer<Pod> i = informer;
        if (i == null || !i.hasSynced()) {
            return null;
        }
        java.util.Set<String> serving = new java.util.HashSet<>();
        for (Pod p : i.getStore().list()) {
            String service = label(p, PodLabels.INFERENCE_SERVICE);
            if (service != null && p.getMetadata().getDeletionTimestamp() == null) {
                serving.add(service);
            }
        }
        return serving;
    }

    /** Every pod of a workload, from the cache. */
    public List<Pod> podsOfWorkload(String workloadLabel) {
        SharedIndexInformer<Pod> i = informer;
        return i == null ? List.of() : i.getIndexer().byIndex(BY_WORKLOAD, workloadLabel);
    }

    public void stop() {
        SharedIndexInformer<Pod> i = informer;
        if (i != null) {
            i.close();
        }
    }

    private static String attemptKey(String workload, String attempt) {
        return workload + "#" + attempt;
    }

    public static String label(Pod pod, String key) {
        Map<String, String> l = pod.getMetadata().getLabels();
        return l == null ? null : l.get(key);
    }

    public static String annotation(Pod pod, String key) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }

    /** The pod as the domain sees it. */
    public static PodObservation observe(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        String reason = pod.getStatus() == null ? null : pod.getStatus().getReason();
        String message = pod.getStatus() == null ? null : pod.getStatus().getMessage();
        return new PodObservation(pod.getMetadata().getName(), intOr(label(pod, PodLabels.RANK), 0), phase, reason,
                message, problem(pod), label(pod, PodLabels.OUTCOME), ready(pod));
    }

    /** The pod's Ready condition, or null when none is reported. */
    private static Boolean ready(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .map(c -> "True".equals(c.getStatus())).orElse(null);
    }

    private static ContainerProblem problem(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
            if (cs.getState() == null) {
                continue;
            }
            ContainerStateTerminated t = cs.getState().getTerminated();
            if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
                return new ContainerProblem(cs.getName(), t.getExitCode(), t.getReason(), t.getMessage(), false);
            }
            ContainerStateWaiting w = cs.getState().getWaiting();
            if (w != null && w.getReason() != null && !"ContainerCreating".equals(w.getReason())
                    && !"PodInitializing".equals(w.getReason())) {
                return new ContainerProblem(cs.getName(), null, w.getReason(), w.getMessage(), true);
            }
        }
        return null;
    }

    /** A number label or annotation ({@code s}), or {@code dflt} when it is missing or not a number. */
    public static int intOr(String s, int dflt) {
        try {
            return s == null ? dflt : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}

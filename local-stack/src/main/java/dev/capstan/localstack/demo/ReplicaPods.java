package dev.capstan.localstack.demo;

import dev.capstan.events.ServingReplica;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replica pods of one inference service as the Kubernetes API shows them, kept current by an informer: the
 * executor creates one pod per replica, labelled {@value #SERVICE_LABEL} with the service and {@value #REVISION_LABEL}
 * with the revision it serves, and annotated {@value #MODEL_ANNOTATION} with the model version
 * ({@code name:version}). A replica serves once its pod is Running and Ready and is not being deleted.
 */
final class ReplicaPods implements AutoCloseable {

    static final String SERVICE_LABEL = ServingReplica.SERVICE_LABEL;
    static final String REVISION_LABEL = ServingReplica.REVISION_LABEL;
    static final String MODEL_ANNOTATION = ServingReplica.MODEL_ANNOTATION;

    private final SharedIndexInformer<Pod> informer;

    /**
     * Starts watching the service's replica pods in {@code namespace} and returns once the first list is in. The
     * label value is the service's name: the API accepts only inference services whose name is a valid label.
     */
    ReplicaPods(KubernetesClient kube, String namespace, String service) {
        this.informer = kube.pods().inNamespace(namespace).withLabel(SERVICE_LABEL, service).inform();
    }

    /** Ready replicas per revision now; revisions without a ready replica are left out. */
    Map<String, Integer> readyByRevision() {
        return readyByRevision(informer.getStore().list());
    }

    /**
     * The model version ({@code name:version}) a revision's pods say they serve, or null when no pod of it is known
     * or none says.
     */
    String modelVersionOf(String revision) {
        for (Pod pod : informer.getStore().list()) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            Map<String, String> annotations = pod.getMetadata().getAnnotations();
            if (labels != null && revision.equals(labels.get(REVISION_LABEL)) && annotations != null
                    && annotations.get(MODEL_ANNOTATION) != null) {
                return annotations.get(MODEL_ANNOTATION);
            }
        }
        return null;
    }

    /** Ready replicas per revision label among {@code pods}; pods without the label are not replicas of any. */
    static Map<String, Integer> readyByRevision(Collection<Pod> pods) {
        Map<String, Integer> ready = new TreeMap<>();
        for (Pod pod : pods) {
            Map<String, String> labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
            String revision = labels == null ? null : labels.get(REVISION_LABEL);
            if (revision != null && serves(pod)) {
                ready.merge(revision, 1, Integer::sum);
            }
        }
        return ready;
    }

    /** Whether a replica pod takes requests: Running, condition {@code Ready=True}, and no deletion under way. */
    static boolean serves(Pod pod) {
        if (pod.getMetadata() == null || pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null
                || !"Running".equals(pod.getStatus().getPhase()) || pod.getStatus().getConditions() == null) {
            return false;
        }
        return pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Stops the informer; the client stays open (it belongs to the caller). */
    @Override
    public void close() {
        informer.stop();
    }
}

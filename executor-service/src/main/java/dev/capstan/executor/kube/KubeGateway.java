package dev.capstan.executor.kube;

import dev.capstan.executor.config.ExecutorConfig;
import dev.capstan.executor.domain.PodLabels;
import dev.capstan.executor.domain.PodPlanner;
import dev.capstan.executor.domain.Plans.AttemptPlan;
import dev.capstan.executor.domain.Plans.PodPlan;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.util.Collection;

/** Writes to the Kubernetes API: creates an admission's objects, labels and deletes pods. */
@ApplicationScoped
public class KubeGateway {

    private final KubernetesClient client;
    private final String namespace;

    KubeGateway(KubernetesClient client, ExecutorConfig config) {
        this.client = client;
        this.namespace = config.namespace();
    }

    /**
     * Creates the headless service and every pod of the plan, skipping what already exists (same
     * deterministic name): redelivery of the admission creates nothing twice and never overwrites a
     * running pod's status.
     */
    public void create(AttemptPlan plan) {
        if (plan.service() != null) {
            createIfAbsent(client.services().inNamespace(namespace)
                    .resource(KubeObjects.service(plan.service(), namespace)));
        }
        for (PodPlan pod : plan.pods()) {
            createIfAbsent(client.pods().inNamespace(namespace).resource(KubeObjects.pod(pod, namespace)));
        }
    }

    private static <T extends HasMetadata> void createIfAbsent(Resource<T> resource) {
        try {
            resource.create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
    }

    /** Deletes the pods and service of one admission (by labels); deleting nothing is fine. */
    public void deleteAttempt(String workloadLabel, int attempt) {
        client.pods().inNamespace(namespace).withLabel(PodLabels.WORKLOAD, workloadLabel)
                .withLabel(PodLabels.ATTEMPT, Integer.toString(attempt)).delete();
        client.services().inNamespace(namespace).withLabel(PodLabels.WORKLOAD, workloadLabel)
                .withLabel(PodLabels.ATTEMPT, Integer.toString(attempt)).delete();
    }

    /** The inference services (their label values) that have a Service of ours. */
    public java.util.Set<String> inferenceServices() {
        return client.services().inNamespace(namespace).withLabel(PodLabels.INFERENCE_SERVICE)
                .withLabel(PodLabels.MANAGED_BY, PodLabels.MANAGER).list().getItems().stream()
                .map(s -> s.getMetadata().getLabels().get(PodLabels.INFERENCE_SERVICE))
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Creates the Service of an inference service unless it exists. */
    public void createInferenceService(String serviceLabel) {
        createIfAbsent(client.services().inNamespace(namespace)
                .resource(KubeObjects.service(PodPlanner.inferenceService(serviceLabel), namespace)));
    }

    /** Deletes the Kubernetes Service of an inference service (by its label); deleting nothing is fine. */
    public void deleteInferenceService(String serviceLabel) {
        client.services().inNamespace(namespace).withLabel(PodLabels.INFERENCE_SERVICE, serviceLabel)
                .withLabel(PodLabels.MANAGED_BY, PodLabels.MANAGER).delete();
    }

    /** Deletes the named pods (the unfinished members of a failed gang). */
    public void deletePods(Collection<String> names) {
        for (String name : names) {
            client.pods().inNamespace(namespace).withName(name).delete();
        }
    }

    /** Labels the named pods with the reported outcome; a pod that is gone is skipped. */
    public void labelOutcome(Collection<String> names, String outcome) {
        for (String name : names) {
            try {
                client.pods().inNamespace(namespace).withName(name)
                        .edit(p -> {
                            p.getMetadata().getLabels().put(PodLabels.OUTCOME, outcome);
                            return p;
                        });
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                    throw e;
                }
            }
        }
    }
}

package dev.capstan.localstack.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.localstack.kube.SimulatedCluster;
import dev.capstan.localstack.kube.SimulatedClusterConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaPodsTest {

    @Test
    void aReplicaServesWhenRunningAndReadyAndNotBeingDeleted() {
        Pod ready = status(replica("chat", "v1", "a"), "Running", "True");
        Pod deleting = new PodBuilder(ready).editMetadata().withName("b")
                .withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();

        assertThat(ReplicaPods.serves(ready)).isTrue();
        assertThat(ReplicaPods.serves(status(replica("chat", "v1", "c"), "Running", "False"))).isFalse();
        assertThat(ReplicaPods.serves(status(replica("chat", "v1", "d"), "Pending", "False"))).isFalse();
        assertThat(ReplicaPods.serves(replica("chat", "v1", "e"))).isFalse();
        assertThat(ReplicaPods.serves(deleting)).isFalse();
    }

    @Test
    void readyReplicasAreCountedPerRevisionLabel() {
        Pod unlabelled = status(new PodBuilder().withNewMetadata().withName("x").endMetadata().build(), "Running",
                "True");

        Map<String, Integer> ready = ReplicaPods.readyByRevision(List.of(
                status(replica("chat", "v1", "a"), "Running", "True"),
                status(replica("chat", "v1", "b"), "Running", "True"),
                status(replica("chat", "v2", "c"), "Running", "True"),
                status(replica("chat", "v2", "d"), "Running", "False"),
                status(replica("chat", "v3", "e"), "Pending", "False"),
                unlabelled));

        assertThat(ready).containsExactly(Map.entry("v1", 2), Map.entry("v2", 1));
    }

    @Test
    void theInformerFollowsTheServicesReplicaPodsOnTheApiServer() {
        SimulatedClusterConfig cfg = new SimulatedClusterConfig(0, List.of(
                new SimulatedClusterConfig.NodeGroup("a100", 1, "A100", 8, 81_920, 96_000, 786_432, 1, 1)),
                Duration.ofMillis(100), Duration.ofMinutes(10), 0.0, 1L);
        try (SimulatedCluster cluster = SimulatedCluster.start(cfg);
                KubernetesClient kube = SimulatedCluster.clientFor(cluster.masterUrl());
                ReplicaPods pods = new ReplicaPods(kube, InferenceGateway.REPLICA_NAMESPACE, "chat")) {
            var inNamespace = kube.pods().inNamespace(InferenceGateway.REPLICA_NAMESPACE);
            inNamespace.resource(serving(replica("chat", "v1", "chat-v1-0"))).create();
            inNamespace.resource(serving(replica("chat", "v1", "chat-v1-1"))).create();
            inNamespace.resource(serving(replica("chat", "v2", "chat-v2-0"))).create();
            inNamespace.resource(serving(replica("other", "v1", "other-v1-0"))).create();
            kube.pods().inNamespace("default").resource(serving(replica("chat", "v1", "elsewhere"))).create();

            // Only this service's pods in the replicas' namespace count, once ready (a second after they run).
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                    kube.pods().inAnyNamespace().list().getItems().stream().filter(ReplicaPods::serves).count() == 5);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> pods.readyByRevision().equals(Map.of("v1", 2, "v2", 1)));
            assertThat(pods.modelVersionOf("v2")).isEqualTo("chat:2");
            assertThat(pods.modelVersionOf("v9")).isNull();

            inNamespace.withName("chat-v1-0").delete();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> pods.readyByRevision().equals(Map.of("v1", 1, "v2", 1)));
        }
    }

    /** A replica pod of {@code service} as the executor labels it, bound to node {@code a100-0}. */
    private static Pod replica(String service, String revision, String name) {
        return new PodBuilder().withNewMetadata().withName(name)
                .addToLabels(ReplicaPods.SERVICE_LABEL, service).addToLabels(ReplicaPods.REVISION_LABEL, revision)
                .addToAnnotations(ReplicaPods.MODEL_ANNOTATION, service + ":" + revision.substring(1)).endMetadata()
                .withNewSpec().withNodeName("a100-0").withRestartPolicy("Always")
                .addNewContainer().withName("server").withImage("registry/serve:1").endContainer().endSpec().build();
    }

    /**
     * The replica with a readiness probe, as the executor writes it: the simulated kubelet keeps it running and makes
     * it ready a second after it started.
     */
    private static Pod serving(Pod pod) {
        return new PodBuilder(pod).editSpec().editFirstContainer().withNewReadinessProbe().withNewHttpGet()
                .withPath("/v2/health/ready").withNewPort(8080).endHttpGet().withInitialDelaySeconds(1)
                .endReadinessProbe().endContainer().endSpec().build();
    }

    private static Pod status(Pod pod, String phase, String ready) {
        return new PodBuilder(pod).withNewStatus().withPhase(phase).addNewCondition().withType("Ready")
                .withStatus(ready).endCondition().endStatus().build();
    }
}

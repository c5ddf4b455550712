package dev.capstan.localstack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.localstack.kube.SimulatedClusterConfig.NodeGroup;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated cluster as another process sees it: over HTTP, through a plain fabric8 client. */
class SimulatedClusterTest {

    static SimulatedCluster cluster;
    static KubernetesClient kube;

    @BeforeAll
    static void start() {
        SimulatedClusterConfig cfg = new SimulatedClusterConfig(0, List.of(
                new NodeGroup("a100", 2, "A100-80GB", 8, 81_920, 96_000, 786_432, 2, 2),
                new NodeGroup("t4", 1, "T4", 4, 15_360, 32_000, 131_072, 1, 4),
                new NodeGroup("cpu", 1, null, 0, 0, 16_000, 65_536, 1, 1)),
                Duration.ofMillis(200), Duration.ofMillis(300), 0.0, 1L);
        cluster = SimulatedCluster.start(cfg);
        kube = SimulatedCluster.clientFor(cluster.masterUrl());
    }

    @AfterAll
    static void stop() {
        kube.close();
        cluster.close();
    }

    @Test
    void nodesShowTheirGpusTopologyAndReadiness() {
        List<Node> nodes = kube.nodes().list().getItems();

        assertThat(nodes).extracting(n -> n.getMetadata().getName())
                .containsExactlyInAnyOrder("a100-0", "a100-1", "t4-0", "cpu-0");
        Node a100 = kube.nodes().withName("a100-1").get();
        assertThat(a100.getStatus().getCapacity()).containsEntry("nvidia.com/gpu", new Quantity("8"))
                .containsEntry("cpu", new Quantity("96000m"));
        assertThat(a100.getStatus().getAllocatable()).containsEntry("nvidia.com/gpu", new Quantity("8"));
        assertThat(a100.getMetadata().getLabels())
                .containsEntry("nvidia.com/gpu.product", "A100-80GB")
                .containsEntry("nvidia.com/gpu.count", "8")
                .containsEntry("nvidia.com/gpu.memory", "81920")
                .containsEntry("topology.capstan.dev/rack", "a100-rack-1")
                .containsEntry("topology.capstan.dev/zone", "local-1");
        assertThat(a100.getMetadata().getAnnotations()).containsEntry("capstan.dev/nvlink-islands", "0-3,4-7");
        assertThat(a100.getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
        assertThat(kube.nodes().withName("t4-0").get().getMetadata().getAnnotations())
                .containsEntry("capstan.dev/nvlink-islands", "0,1,2,3");
        assertThat(kube.nodes().withName("cpu-0").get().getStatus().getCapacity()).doesNotContainKey("nvidia.com/gpu");
        assertThat(kube.nodes().withLabel("nvidia.com/gpu.product", "A100-80GB").list().getItems()).hasSize(2);
    }

    @Test
    void aBoundPodRunsAndThenSucceeds() {
        kube.pods().inNamespace("capstan").resource(pod("train-0", "a100-0", 2, Map.of(
                SimulatedKubelet.RUN_SECONDS, "0.5"))).create();

        Pod running = awaitPod("train-0", p -> "Running".equals(phase(p)));
        assertThat(running.getStatus().getStartTime()).isNotBlank();
        assertThat(running.getStatus().getContainerStatuses()).singleElement()
                .satisfies(cs -> assertThat(cs.getState().getRunning()).isNotNull());
        assertThat(running.getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
        // The spec the client wrote is untouched by status writes.
        assertThat(running.getSpec().getNodeName()).isEqualTo("a100-0");

        Pod done = awaitPod("train-0", p -> "Succeeded".equals(phase(p)));
        assertThat(done.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isZero();
    }

    @Test
    void aServingReplicaIsReadyAfterItsProbesInitialDelayAndRunsUntilDeleted() throws Exception {
        Pod replica = new PodBuilder(pod("chat-v1-0", "a100-1", 1, Map.of(SimulatedKubelet.RUN_SECONDS, "0.2")))
                .editSpec().withRestartPolicy("Always").editFirstContainer().withNewReadinessProbe().withNewHttpGet()
                .withPath("/v2/health/ready").withNewPort(8080).endHttpGet().withInitialDelaySeconds(1)
                .endReadinessProbe().endContainer().endSpec().build();
        kube.pods().inNamespace("capstan").resource(replica).create();

        Pod cold = awaitPod("chat-v1-0", p -> "Running".equals(phase(p)));
        assertThat(cold.getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=False"));
        Pod ready = awaitPod("chat-v1-0", p -> p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
        // Past its run-seconds (0.2 s) and for a while after: a pod restarted in place does not end.
        org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(1))
                .atMost(java.time.Duration.ofSeconds(3)).until(() -> "Running".equals(
                        phase(kube.pods().inNamespace("capstan").withName("chat-v1-0").get())));
        assertThat(ready.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
        kube.pods().inNamespace("capstan").withName("chat-v1-0").delete();
    }

    @Test
    void aPodAskingForFailureFailsWithItsExitCode() {
        kube.pods().inNamespace("capstan").resource(pod("crash-0", "t4-0", 1, Map.of(
                SimulatedKubelet.RUN_SECONDS, "0.1", SimulatedKubelet.EXIT_CODE, "3"))).create();

        Pod failed = awaitPod("crash-0", p -> "Failed".equals(phase(p)));

        var terminated = failed.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertThat(terminated.getExitCode()).isEqualTo(3);
        assertThat(terminated.getReason()).isEqualTo("Error");
    }

    @Test
    void aPodOnAMissingNodeStaysPendingAndSaysWhy() {
        kube.pods().inNamespace("capstan").resource(pod("lost-0", "no-such-node", 1, Map.of())).create();

        Pod pending = awaitPod("lost-0", p -> p.getStatus() != null && p.getStatus().getConditions() != null
                && !p.getStatus().getConditions().isEmpty());

        assertThat(phase(pending)).isEqualTo("Pending");
        assertThat(pending.getStatus().getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("NodeNotFound");
            assertThat(c.getMessage()).contains("no-such-node");
        });
    }

    @Test
    void aPodAskingForMoreGpusThanTheNodeHasLeftIsRejected() {
        kube.pods().inNamespace("capstan").resource(pod("big-a", "a100-1", 6, Map.of(
                SimulatedKubelet.RUN_SECONDS, "30"))).create();
        awaitPod("big-a", p -> "Running".equals(phase(p)));

        kube.pods().inNamespace("capstan").resource(pod("big-b", "a100-1", 4, Map.of())).create();
        Pod rejected = awaitPod("big-b", p -> "Failed".equals(phase(p)));

        assertThat(rejected.getStatus().getReason()).isEqualTo("OutOfnvidia.com/gpu");
        assertThat(rejected.getStatus().getMessage()).contains("requested: 4, used: 6, capacity: 8");

        // Deleting a pod frees its GPUs.
        kube.pods().inNamespace("capstan").withName("big-a").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> kube.pods().inNamespace("capstan").withName("big-a").get() == null);
        kube.pods().inNamespace("capstan").resource(pod("big-c", "a100-1", 8, Map.of(
                SimulatedKubelet.RUN_SECONDS, "0.1"))).create();
        awaitPod("big-c", p -> "Succeeded".equals(phase(p)));
    }

    @Test
    void aDeletedPodStopsBeingSimulated() {
        kube.pods().inNamespace("capstan").resource(pod("gone-0", "t4-0", 1, Map.of(
                SimulatedKubelet.RUN_SECONDS, "60"))).create();
        awaitPod("gone-0", p -> "Running".equals(phase(p)));

        kube.pods().inNamespace("capstan").withName("gone-0").delete();

        await().atMost(Duration.ofSeconds(5)).until(() -> !cluster.kubelet().simulates("capstan/gone-0"));
        assertThat(kube.pods().inNamespace("capstan").withName("gone-0").get()).isNull();
    }

    @Test
    void failuresFollowTheSeededRate() {
        SimulatedKubelet kubelet = new SimulatedKubelet(kube,
                SimulatedClusterConfig.demo(0).withFailures(0.3, 99L), java.time.Clock.systemUTC(), List.of());
        long failed = 0;
        for (int i = 0; i < 1000; i++) {
            Pod p = pod("w-" + i, "a100-0", 0, Map.of());
            p.getMetadata().setNamespace("capstan");
            int code = kubelet.exitCode(p);
            assertThat(code).isEqualTo(kubelet.exitCode(p)); // the same pod always draws the same outcome
            failed += code;
        }
        kubelet.close();
        // 1000 draws at p=0.3: mean 300, standard deviation ≈ 14.5; ±60 is about four deviations.
        assertThat(failed).isBetween(240L, 360L);
    }

    @Test
    void discoveryAnswersLikeAnApiServer() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> v1 = http.send(HttpRequest.newBuilder(URI.create(cluster.masterUrl() + "/api/v1?timeout=32s"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(v1.statusCode()).isEqualTo(200);
        assertThat(v1.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(v1.body()).contains("\"APIResourceList\"", "\"name\":\"nodes\"", "\"name\":\"pods\"",
                "\"name\":\"services\"", "\"name\":\"events\"");
        HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(cluster.masterUrl() + "/version"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(version.body()).contains("\"gitVersion\"");
        assertThat(kube.getKubernetesVersion().getMinor()).isEqualTo("32");
    }

    @Test
    void writesAKubeconfigAClientCanUse(@TempDir Path dir) throws Exception {
        Path file = cluster.writeKubeconfig(dir.resolve("sub/kubeconfig"));

        String yaml = Files.readString(file);
        assertThat(yaml).contains("server: " + cluster.masterUrl(), "current-context: capstan-local");
        io.fabric8.kubernetes.client.Config config = io.fabric8.kubernetes.client.Config.fromKubeconfig(yaml);
        try (KubernetesClient fromFile = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(config).build()) {
            assertThat(fromFile.getNamespace()).isEqualTo("capstan");
            assertThat(fromFile.nodes().list().getItems()).hasSize(4);
        }
    }

    private static Pod awaitPod(String name, Predicate<Pod> condition) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> kube.pods().inNamespace("capstan").withName(name).get(), p -> p != null && condition.test(p));
    }

    private static String phase(Pod p) {
        return p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    private static Pod pod(String name, String node, int gpus, Map<String, String> annotations) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage("capstan/train:1").withNewResources()
                .addToLimits("nvidia.com/gpu", new Quantity(Integer.toString(gpus)))
                .endResources().endContainer().endSpec();
        return b.build();
    }
}

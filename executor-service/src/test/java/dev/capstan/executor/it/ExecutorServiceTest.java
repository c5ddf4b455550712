package dev.capstan.executor.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.Framework;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.ServingReplica;
import dev.capstan.events.Topics;
import dev.capstan.executor.domain.Fixtures;
import dev.capstan.executor.service.Watches;
import dev.capstan.rest.testing.Fuzz;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor against the real Kafka broker and a fabric8 API server: events in, pods out, pod
 * phases back as events.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(UniqueConsumerGroups.class)
class ExecutorServiceTest {

    @Inject
    KubernetesClient kube;

    @Inject
    Watches watches;

    @KubernetesTestServer
    KubernetesServer server;

    @TestHTTPResource("/api/v1/executions")
    URI executions;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    KafkaProbe kafka;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void tail() {
        kafka = new KafkaProbe(bootstrap, Topics.EXECUTIONS, Topics.NODES);
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.groupReady(UniqueConsumerGroups.PLACEMENTS_GROUP));
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void anAdmittedPytorchGangRunsAsBoundPodsAndItsSuccessIsReported() throws Exception {
        String id = "it-" + run + "-pt";
        kafka.send(Fixtures.anAdmission(id).pod("master", "a100-0", 0, 1).pod("worker", "a100-1", 6, 7)
                .spec(Fixtures.aSpec().framework(Framework.PYTORCH).workers(2).env("EPOCHS", "3")
                        .annotation("team", "vision").build()).build());

        List<Pod> pods = await().atMost(Duration.ofSeconds(30))
                .until(() -> kube.pods().inNamespace("capstan").withLabel("capstan.dev/workload", id).list().getItems(),
                        l -> l.size() == 2);
        Pod worker = pods.stream().filter(p -> p.getMetadata().getName().endsWith("worker-1")).findFirst().orElseThrow();
        assertThat(worker.getSpec().getNodeName()).isEqualTo("a100-1");
        assertThat(worker.getMetadata().getLabels()).containsEntry("capstan.dev/attempt", "1")
                .containsEntry("capstan.dev/role", "worker").containsEntry("capstan.dev/rank", "1");
        assertThat(worker.getMetadata().getAnnotations()).containsEntry("team", "vision");
        Map<String, String> env = worker.getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env).containsEntry("RANK", "1").containsEntry("WORLD_SIZE", "2")
                .containsEntry("MASTER_ADDR", id + "-a1-master-0." + id + "-a1.capstan.svc.cluster.local")
                .containsEntry("NVIDIA_VISIBLE_DEVICES", "6,7").containsEntry("EPOCHS", "3");
        assertThat(worker.getSpec().getContainers().get(0).getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("2"));
        assertThat(kube.services().inNamespace("capstan").withName(id + "-a1").get().getSpec().getClusterIP())
                .isEqualTo("None");
        awaitEvent(id, e -> e instanceof ExecutionEvent.PodsCreated c && c.pods().size() == 2);

        for (Pod p : pods) {
            setPhase(p.getMetadata().getName(), "Running");
        }
        awaitEvent(id, e -> e instanceof ExecutionEvent.WorkloadRunning);
        for (Pod p : pods) {
            setPhase(p.getMetadata().getName(), "Succeeded");
        }

        var succeeded = awaitEvent(id, e -> e instanceof ExecutionEvent.WorkloadSucceeded);
        assertThat(succeeded.headers().type()).isEqualTo("dev.capstan.execution.succeeded.v1");
        assertThat(succeeded.headers().source()).isEqualTo("/executor-service");
        given().get("/api/v1/executions/" + id).then().statusCode(200)
                .body("pods.size()", equalTo(2)).body("pods[1].node", equalTo("a100-1"));
        given().get("/api/v1/executions/no-such-workload").then().statusCode(404)
                .contentType("application/problem+json").body("title", equalTo("Not Found"));
    }

    @Test
    void aReplicaIsAServingPodBehindItsServiceRunsOnlyOnceReadyAndTheServiceGoesWithTheLastReplica()
            throws Exception {
        String service = "chat-" + run;
        String id = service + "-v3-0";
        kafka.send(Fixtures.anAdmission(id).share("t4-0", 1, 500)
                .serving(new ServingReplica(service, "v3", "chat", 3, "s3://models/chat/3", 25)).build());

        Pod pod = await().atMost(Duration.ofSeconds(30)).until(() -> kube.pods().inNamespace("capstan")
                .withLabel("capstan.dev/workload", id).list().getItems(), l -> l.size() == 1).get(0);
        assertThat(pod.getMetadata().getLabels()).containsEntry("capstan.dev/inference-service", service)
                .containsEntry("capstan.dev/revision", "v3");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("capstan.dev/model", "chat:3")
                .containsEntry("capstan.dev/gpu-milli", "500");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Always");
        var container = pod.getSpec().getContainers().get(0);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
        assertThat(container.getReadinessProbe().getInitialDelaySeconds()).isEqualTo(25);
        assertThat(container.getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("STORAGE_URI", "s3://models/chat/3"),
                        org.assertj.core.groups.Tuple.tuple("MODEL_NAME", "chat"),
                        org.assertj.core.groups.Tuple.tuple("CAPSTAN_REVISION", "v3"));
        var svc = kube.services().inNamespace("capstan").withName(service).get();
        assertThat(svc.getSpec().getSelector()).isEqualTo(Map.of("capstan.dev/inference-service", service));
        assertThat(svc.getSpec().getClusterIP()).isNotEqualTo("None");

        setReady(pod.getMetadata().getName(), "False");
        awaitEvent(id, e -> e instanceof ExecutionEvent.PodsCreated);
        // Running but not ready: no WorkloadRunning for as long as it stays so.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> kafka.received().stream()
                .noneMatch(r -> id.equals(r.key()) && r.event() instanceof ExecutionEvent.WorkloadRunning));
        setReady(pod.getMetadata().getName(), "True");
        awaitEvent(id, e -> e instanceof ExecutionEvent.WorkloadRunning);

        // The Service follows the replica pods, whoever deleted it.
        kube.services().inNamespace("capstan").withName(service).delete();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> kube.services().inNamespace("capstan").withName(service).get() != null);

        // Its last replica revoked (for whatever reason), the Service goes too.
        kafka.send(new PlacementEvent.AdmissionRevoked(id, 1, "scaled down: revision v3 needs 0 replicas",
                Instant.now()));
        awaitEvent(id, e -> e instanceof ExecutionEvent.CapacityReleased);
        assertThat(kube.pods().inNamespace("capstan").withLabel("capstan.dev/workload", id).list().getItems())
                .isEmpty();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> kube.services().inNamespace("capstan").withName(service).get() == null);
    }

    @Test
    void aFailedMemberFailsTheGangAndTheRestIsTornDown() throws Exception {
        String id = "it-" + run + "-fail";
        kafka.send(Fixtures.anAdmission(id).pod("master", "a100-0", 2).pod("worker", "a100-0", 3).build());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> kube.pods().inNamespace("capstan").withLabel("capstan.dev/workload", id).list().getItems().size() == 2);

        kube.pods().inNamespace("capstan").withName(id + "-a1-worker-1").editStatus(p -> {
            p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
            p.getStatus().setPhase("Failed");
            p.getStatus().setContainerStatuses(List.of(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                    .withName("main").withNewState().withNewTerminated().withExitCode(1).withReason("Error")
                    .endTerminated().endState().build()));
            return p;
        });

        var failed = awaitEvent(id, e -> e instanceof ExecutionEvent.WorkloadFailed);
        ExecutionEvent.WorkloadFailed f = (ExecutionEvent.WorkloadFailed) failed.event();
        assertThat(f.reason()).isEqualTo("pod " + id + "-a1-worker-1: container main exited with code 1 (Error)");
        assertThat(f.retryable()).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> kube.pods().inNamespace("capstan").withName(id + "-a1-master-0").get() == null);
    }

    @Test
    void aCancelledWorkloadLosesItsPodsAndReleasesItsCapacity() throws Exception {
        String id = "it-" + run + "-cancel";
        kafka.send(Fixtures.anAdmission(id).pod("master", "t4-0", 0).build());
        awaitEvent(id, e -> e instanceof ExecutionEvent.PodsCreated);

        kafka.send(new PlacementEvent.AdmissionRevoked(id, 1, "cancelled: user asked", Instant.now()));
        kafka.send(new PlacementEvent.AdmissionRevoked(id, 1, "cancelled: user asked", Instant.now())); // redelivered

        var released = awaitEvent(id, e -> e instanceof ExecutionEvent.CapacityReleased);
        assertThat((ExecutionEvent.CapacityReleased) released.event())
                .extracting(ExecutionEvent.CapacityReleased::attempt, ExecutionEvent.CapacityReleased::reason)
                .containsExactly(1, "cancelled: user asked");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                kube.pods().inNamespace("capstan").withLabel("capstan.dev/workload", id).list().getItems().isEmpty());
        // A marker on the same partition, after both revocations: a revocation of an attempt the executor never
        // saw reports a release. Once it is seen, the redelivered revocation was handled too.
        kafka.send(new PlacementEvent.AdmissionRevoked(id, 2, "marker", Instant.now()));
        awaitEvent(id, e -> e instanceof ExecutionEvent.CapacityReleased c && c.attempt() == 2);
        assertThat(kafka.received()).filteredOn(r -> id.equals(r.key())
                && r.event() instanceof ExecutionEvent.CapacityReleased c && c.attempt() == 1).hasSize(1);
    }

    @Test
    void anApiServerThatFailsForAWhileMakesTheAdmissionWaitNotFail() throws Exception {
        String id = "it-" + run + "-outage";
        String podsPath = "/api/v1/namespaces/capstan/pods";
        server.expect().post().withPath(podsPath).andReturn(503, "{\"kind\":\"Status\",\"code\":503}").times(3);
        int before = server.getKubernetesMockServer().getRequestCount();

        kafka.send(Fixtures.anAdmission(id).pod("worker", "a100-0", 4).build());

        awaitEvent(id, e -> e instanceof ExecutionEvent.PodsCreated);
        assertThat(kube.pods().inNamespace("capstan").withName(id + "-a1-worker-0").get()).isNotNull();
        assertThat(server.getKubernetesMockServer().getRequestCount() - before).isGreaterThanOrEqualTo(4);
        assertThat(kafka.received()).noneMatch(r -> id.equals(r.key()) && r.event() instanceof ExecutionEvent.WorkloadFailed);
    }

    @Test
    void objectsTheApiServerRejectsFailTheAdmissionAndLeaveNoPodBehind() throws Exception {
        String id = "it-" + run + "-rejected";
        // The gang's headless service is created, its first pod is refused (422): the admission fails, not retryable,
        // and what was created goes with it.
        server.expect().post().withPath("/api/v1/namespaces/capstan/pods")
                .andReturn(422, "{\"kind\":\"Status\",\"code\":422,\"message\":\"refused by a policy\"}")
                .once();
        kafka.send(Fixtures.anAdmission(id).pod("master", "a100-0", 5).pod("worker", "a100-1", 5).build());

        var failed = awaitEvent(id, e -> e instanceof ExecutionEvent.WorkloadFailed);
        assertThat(((ExecutionEvent.WorkloadFailed) failed.event()).retryable()).isFalse();
        assertThat(((ExecutionEvent.WorkloadFailed) failed.event()).reason()).contains("refused by a policy");
        assertThat(kube.pods().inNamespace("capstan").withLabel("capstan.dev/workload", id).list().getItems()).isEmpty();
        assertThat(kube.services().inNamespace("capstan").withLabel("capstan.dev/workload", id).list().getItems())
                .isEmpty();
    }

    @Test
    void nodesArePublishedWithTheirGpusAndRemovedWhenTheyGo() {
        String name = "it-" + run + "-node";
        var created = kube.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("nvidia.com/gpu.product", "H100-80GB", "nvidia.com/gpu.memory", "81920",
                        "topology.capstan.dev/rack", "rack-9"))
                .withAnnotations(Map.of("capstan.dev/nvlink-islands", "0-1,2-3")).endMetadata().build()).create();
        created.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .withAllocatable(Map.of("cpu", new Quantity("32"), "memory", new Quantity("128Gi"),
                        "nvidia.com/gpu", new Quantity("4")))
                .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
        kube.nodes().resource(created).updateStatus();

        var updated = awaitEvent(name, e -> e instanceof NodeEvent.NodeUpdated u && u.gpus().size() == 4);
        NodeEvent.NodeUpdated u = (NodeEvent.NodeUpdated) updated.event();
        assertThat(u.cpuMilli()).isEqualTo(32_000);
        assertThat(u.memoryMib()).isEqualTo(131_072);
        assertThat(u.ready()).isTrue();
        assertThat(u.gpus().get(3).nvlinkIsland()).isEqualTo("island-1");
        assertThat(u.gpus().get(0).model()).isEqualTo("H100-80GB");

        kube.nodes().withName(name).delete();
        awaitEvent(name, e -> e instanceof NodeEvent.NodeRemoved);
    }

    @Test
    void anAdmissionWithoutASpecFromAnOlderSchedulerFailsWithAReasonAndCreatesNothing() throws Exception {
        String id = "it-" + run + "-nospec";

        kafka.send(Fixtures.anAdmission(id).pod("worker", "a100-0", 6).withoutSpec().build());

        var failed = awaitEvent(id, e -> e instanceof ExecutionEvent.WorkloadFailed);
        assertThat(((ExecutionEvent.WorkloadFailed) failed.event()).reason()).contains("carries no spec");
        assertThat(kube.pods().inNamespace("capstan").withLabel("capstan.dev/workload", id).list().getItems()).isEmpty();
    }

    @Test
    void aNodeDeletedWhileNoExecutorWatchedIsPublishedAsRemoved() throws Exception {
        // What an executor published before it stopped: a node the cluster has since lost.
        String ghost = "it-" + run + "-gone";
        kafka.send(new NodeEvent.NodeUpdated(ghost, 8_000, 32_768, List.of(), Map.of(), true, List.of(), Instant.now()));
        // And a node the cluster still has.
        String kept = "it-" + run + "-kept";
        kube.nodes().resource(new NodeBuilder().withNewMetadata().withName(kept).endMetadata().build()).create();
        awaitEvent(kept, e -> e instanceof NodeEvent.NodeUpdated);

        Set<String> gone = watches.removeGoneNodes();

        assertThat(gone).contains(ghost).doesNotContain(kept);
        awaitEvent(ghost, e -> e instanceof NodeEvent.NodeRemoved);
        assertThat(watches.removeGoneNodes()).doesNotContain(ghost, kept); // the topic now says it is gone
        assertThat(kafka.received()).noneMatch(r -> kept.equals(r.key()) && r.event() instanceof NodeEvent.NodeRemoved);
    }

    @Test
    void junkWorkloadIdsNeverGet5xxAndEveryRefusalIsAProblem() throws Exception {
        Fuzz fuzz = new Fuzz().junkUnder(executions, null, 10_000);

        String firstViolations = fuzz.report("GET /api/v1/executions/{workloadId}");
        assertThat(fuzz.violations()).as(firstViolations).isEmpty();
        assertThat(fuzz.statuses().keySet()).contains(404);
    }

    /** The pod runs, its Ready condition as given (a readiness probe's verdict). */
    private void setReady(String pod, String ready) {
        kube.pods().inNamespace("capstan").withName(pod).editStatus(p -> {
            p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
                    .addNewCondition().withType("Ready").withStatus(ready).endCondition().build());
            return p;
        });
    }

    private void setPhase(String pod, String phase) {
        kube.pods().inNamespace("capstan").withName(pod).editStatus(p -> {
            if (p.getStatus() == null) {
                p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
            }
            p.getStatus().setPhase(phase);
            return p;
        });
    }

    private KafkaProbe.Received awaitEvent(String key, Predicate<Object> what) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> kafka.received().stream().filter(r -> key.equals(r.key()) && what.test(r.event()))
                        .findFirst(), java.util.Optional::isPresent).orElseThrow();
    }
}

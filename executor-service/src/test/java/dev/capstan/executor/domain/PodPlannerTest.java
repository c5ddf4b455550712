package dev.capstan.executor.domain;

import static dev.capstan.executor.domain.Fixtures.aSpec;
import static dev.capstan.executor.domain.Fixtures.anAdmission;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.events.Framework;
import dev.capstan.executor.domain.Plans.AttemptPlan;
import dev.capstan.executor.domain.Plans.PodPlan;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class PodPlannerTest {

    private final PodPlanner planner = new PodPlanner(PodPlanner.Settings.defaults("capstan"));

    private static final String MASTER = "wl-7-a1-master-0.wl-7-a1.capstan.svc.cluster.local";
    private static final String WORKER = "wl-7-a1-worker-1.wl-7-a1.capstan.svc.cluster.local";

    /** One row: a framework, which pod (rank), and the environment that pod must have. */
    record Case(String name, Framework framework, int rank, Map<String, String> wantEnv, List<String> wantAbsent) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> frameworkEnv() {
        return Stream.of(
                new Case("pytorch master", Framework.PYTORCH, 0, Map.of("MASTER_ADDR", MASTER, "MASTER_PORT", "29500",
                        "WORLD_SIZE", "2", "RANK", "0"), List.of("TF_CONFIG")),
                new Case("pytorch worker", Framework.PYTORCH, 1, Map.of("MASTER_ADDR", MASTER, "WORLD_SIZE", "2",
                        "RANK", "1"), List.of()),
                new Case("ray head", Framework.RAY, 0, Map.of("RAY_HEAD_ADDRESS", MASTER + ":6379",
                        "CAPSTAN_RAY_NODE_TYPE", "head"), List.of("RAY_ADDRESS")),
                new Case("ray worker", Framework.RAY, 1, Map.of("RAY_ADDRESS", MASTER + ":6379",
                        "CAPSTAN_RAY_NODE_TYPE", "worker"), List.of()),
                new Case("mpi launcher", Framework.MPI, 0, Map.of("CAPSTAN_MPI_HOSTFILE",
                        MASTER + " slots=2\n" + WORKER + " slots=2", "CAPSTAN_MPI_NP", "4",
                        "CAPSTAN_MPI_LAUNCHER", MASTER), List.of("MASTER_ADDR")),
                new Case("none", Framework.NONE, 1, Map.of("CAPSTAN_WORLD_SIZE", "2", "CAPSTAN_RANK", "1"),
                        List.of("MASTER_ADDR", "TF_CONFIG", "RAY_ADDRESS", "CAPSTAN_MPI_HOSTFILE")));
    }

    @ParameterizedTest
    @MethodSource
    void frameworkEnv(Case c) {
        AttemptPlan plan = planner.plan(anAdmission("wl-7").pod("master", "a100-0", 0, 1)
                .pod("worker", "a100-1", 4, 5).build(), aSpec().framework(c.framework()).workers(2).build());

        PodPlan pod = plan.pods().get(c.rank());

        assertThat(pod.env()).containsAllEntriesOf(c.wantEnv());
        assertThat(pod.env()).doesNotContainKeys(c.wantAbsent().toArray(String[]::new));
    }

    @Test
    void tensorflowGetsAClusterSpecAndItsOwnTask() throws Exception {
        AttemptPlan plan = planner.plan(anAdmission("wl-7").pod("chief", "a100-0", 0).pod("worker", "a100-1", 0)
                .pod("worker", "a100-1", 1).pod("ps", "t4-0").build(), aSpec().framework(Framework.TENSORFLOW).build());

        JsonNode tf = new ObjectMapper().readTree(plan.pods().get(2).env().get("TF_CONFIG"));

        assertThat(tf.at("/cluster/chief/0").asText()).isEqualTo("wl-7-a1-chief-0.wl-7-a1.capstan.svc.cluster.local:2222");
        assertThat(tf.at("/cluster/worker")).hasSize(2);
        assertThat(tf.at("/cluster/worker/1").asText()).startsWith("wl-7-a1-worker-2.");
        assertThat(tf.at("/cluster/ps")).hasSize(1);
        assertThat(tf.at("/task/type").asText()).isEqualTo("worker");
        assertThat(tf.at("/task/index").asInt()).isEqualTo(1);
        assertThat(tf.at("/environment").asText()).isEqualTo("cloud");
    }

    @Test
    void wholeGpusAreRequestedAndMadeVisible() {
        PodPlan pod = planner.plan(anAdmission("wl-1").pod("master", "a100-2", 4, 5, 6).build(), aSpec().build())
                .pods().get(0);

        assertThat(pod.node()).isEqualTo("a100-2");
        assertThat(pod.wholeGpus()).isEqualTo(3);
        assertThat(pod.env()).containsEntry("NVIDIA_VISIBLE_DEVICES", "4,5,6")
                .containsEntry("CUDA_VISIBLE_DEVICES", "0,1,2")
                .containsEntry("CAPSTAN_GPU_INDICES", "4,5,6");
        assertThat(pod.annotations()).containsEntry(PodLabels.GPU_INDICES, "4,5,6")
                .doesNotContainKey(PodLabels.GPU_MILLI);
    }

    @Test
    void aGpuShareIsAnnotatedNotRequestedAsAWholeGpu() {
        PodPlan pod = planner.plan(anAdmission("wl-2").share("t4-1", 3, 500).build(), aSpec().build()).pods().get(0);

        assertThat(pod.wholeGpus()).isZero();
        assertThat(pod.annotations()).containsEntry(PodLabels.GPU_MILLI, "500").containsEntry(PodLabels.GPU_INDICES, "3");
        assertThat(pod.env()).containsEntry("NVIDIA_VISIBLE_DEVICES", "3").containsEntry("CAPSTAN_GPU_MILLI", "500")
                .containsEntry("CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", "50");
    }

    @Test
    void aPodWithoutGpusSeesNone() {
        PodPlan pod = planner.plan(anAdmission("wl-3").pod("master", "cpu-0").build(), aSpec().build()).pods().get(0);

        assertThat(pod.wholeGpus()).isZero();
        assertThat(pod.env()).containsEntry("NVIDIA_VISIBLE_DEVICES", "void").doesNotContainKey("CUDA_VISIBLE_DEVICES");
    }

    @Test
    void labelsAnnotationsAndNamesTieEachPodToItsAdmission() {
        AttemptPlan plan = planner.plan(anAdmission("wl-9").attempt(3).pod("master", "a100-0", 0)
                .pod("worker", "a100-0", 1).build(), aSpec().framework(Framework.PYTORCH)
                .annotation("team", "vision").annotation("sim.capstan.dev/run-seconds", "2")
                .annotation("capstan.dev/gang-size", "99").env("MASTER_PORT", "1").env("EPOCHS", "3").build());

        PodPlan worker = plan.pods().get(1);
        assertThat(worker.name()).isEqualTo("wl-9-a3-worker-1");
        assertThat(worker.hostname()).isEqualTo("wl-9-a3-worker-1");
        assertThat(worker.subdomain()).isEqualTo("wl-9-a3");
        assertThat(worker.labels()).containsEntry(PodLabels.WORKLOAD, "wl-9").containsEntry(PodLabels.ATTEMPT, "3")
                .containsEntry(PodLabels.ROLE, "worker").containsEntry(PodLabels.RANK, "1");
        assertThat(worker.annotations()).containsEntry("team", "vision")
                .containsEntry("sim.capstan.dev/run-seconds", "2")
                .containsEntry(PodLabels.GANG_SIZE, "2") // the user cannot override the executor's own
                .containsEntry(PodLabels.WORKLOAD_ID, "wl-9");
        assertThat(worker.env()).containsEntry("EPOCHS", "3").containsEntry("MASTER_PORT", "29500");
        assertThat(plan.service().name()).isEqualTo("wl-9-a3");
        assertThat(plan.service().selector()).containsEntry(PodLabels.WORKLOAD, "wl-9")
                .containsEntry(PodLabels.ATTEMPT, "3");
    }

    @Test
    void aSinglePodWithoutFrameworkNeedsNoService() {
        AttemptPlan plan = planner.plan(anAdmission("wl-4").pod("master", "a100-0", 0).build(), aSpec().build());

        assertThat(plan.service()).isNull();
        assertThat(plan.pods().get(0).subdomain()).isNull();
    }
}

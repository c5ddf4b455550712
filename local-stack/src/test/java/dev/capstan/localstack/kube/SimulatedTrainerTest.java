package dev.capstan.localstack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.capstan.localstack.kube.SimulatedClusterConfig.NodeGroup;
import dev.capstan.localstack.trainer.RecordingMlflow;
import dev.capstan.localstack.trainer.RecordingMlflow.Metric;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trainer pods on the simulated cluster, reporting to a recording stand-in for MLflow. The curves are the hand-made
 * trainer/imagenet-like file: batch size 512 picks run 2 (top-1 0.15, 0.25, 0.35, 0.45 after 50, 110, 160, 220
 * recorded seconds), 1024 run 3 (diverged after two epochs at 80 and 160 s).
 */
class SimulatedTrainerTest {

    static SimulatedCluster cluster;
    static KubernetesClient kube;
    static RecordingMlflow mlflow;
    static String curves;

    @BeforeAll
    static void start() throws Exception {
        SimulatedClusterConfig cfg = new SimulatedClusterConfig(0, List.of(
                new NodeGroup("a100", 1, "A100-80GB", 8, 81_920, 96_000, 786_432, 1, 2)),
                Duration.ofMillis(100), Duration.ofMillis(300), 0.0, 1L);
        cluster = SimulatedCluster.start(cfg);
        kube = SimulatedCluster.clientFor(cluster.masterUrl());
        mlflow = RecordingMlflow.start();
        curves = Path.of(SimulatedTrainerTest.class.getClassLoader().getResource("trainer/imagenet-like.results.jsonl")
                .toURI()).toString();
    }

    @AfterAll
    static void stop() {
        mlflow.close();
        kube.close();
        cluster.close();
    }

    @Test
    void aTrialReportsEveryEpochInStepOrderThenSucceeds() {
        // run-seconds would end the pod before its first epoch: the trainer's curve decides instead
        create(aTrainerPod("trial-1").params("{\"batch_size\": 512, \"lr\": 0.1}").runId("run-1")
                .annotation(SimulatedKubelet.RUN_SECONDS, "0.05"));

        Pod done = awaitPod("trial-1", p -> "Succeeded".equals(phase(p)));

        // the pod ends after its last report was sent
        assertThat(mlflow.metrics("run-1")).extracting(Metric::key, Metric::step, Metric::value).containsExactly(
                tuple("top_1", 1L, 0.15), tuple("top_1", 2L, 0.25),
                tuple("top_1", 3L, 0.35), tuple("top_1", 4L, 0.45));
        assertThat(mlflow.metrics("run-1")).extracting(Metric::timestamp).isSorted()
                .allSatisfy(t -> assertThat(t).isPositive());
        assertThat(terminated(done).getExitCode()).isZero();
        assertThat(terminated(done).getReason()).isEqualTo("Completed");
    }

    @Test
    void aDivergedRunReportsItsEpochsThenFails() {
        create(aTrainerPod("trial-2").params("{\"batch_size\": 1024}").runId("run-2"));

        Pod failed = awaitPod("trial-2", p -> "Failed".equals(phase(p)));

        assertThat(mlflow.metrics("run-2")).extracting(Metric::step, Metric::value)
                .containsExactly(tuple(1L, 0.05), tuple(2L, 0.01));
        assertThat(terminated(failed).getExitCode()).isEqualTo(1);
        assertThat(terminated(failed).getReason()).isEqualTo("Error");
        assertThat(terminated(failed).getMessage()).isEqualTo("training loss is NaN");
    }

    @Test
    void aResumedTrialReportsOnlyTheStepsAfterItsCheckpoint() {
        create(aTrainerPod("trial-3").params("{\"batch_size\": 512}").runId("run-3").resumeStep(2));

        awaitPod("trial-3", p -> "Succeeded".equals(phase(p)));

        assertThat(mlflow.metrics("run-3")).extracting(Metric::step).containsExactly(3L, 4L);
    }

    @Test
    void unparsableParametersFailThePodAtOnceWithExitCode2() {
        create(aTrainerPod("trial-4").params("{\"batch_size\": ").runId("run-4"));

        Pod failed = awaitPod("trial-4", p -> "Failed".equals(phase(p)));

        assertThat(terminated(failed).getExitCode()).isEqualTo(2);
        assertThat(terminated(failed).getMessage()).startsWith("CAPSTAN_TRIAL_PARAMS: not valid JSON");
        assertThat(mlflow.metrics("run-4")).isEmpty();
    }

    @Test
    void aMissingCurveFileFailsThePodWithExitCode2() {
        create(aTrainerPod("trial-5").curves("no/such/curves.jsonl").params("{}").runId("run-5"));

        Pod failed = awaitPod("trial-5", p -> "Failed".equals(phase(p)));

        assertThat(terminated(failed).getExitCode()).isEqualTo(2);
        assertThat(terminated(failed).getMessage()).contains("sim.capstan.dev/trainer-curves", "no/such/curves.jsonl");
    }

    @Test
    void aWorkerOfAGangOtherThanRank0ReportsNothingAndEndsAsRank0Would() {
        // no MLflow settings: a worker does not need them
        create(aTrainerPod("trial-6-worker-1").params("{\"batch_size\": 1024}").rank(1));

        Pod failed = awaitPod("trial-6-worker-1", p -> "Failed".equals(phase(p)));

        assertThat(terminated(failed).getExitCode()).isEqualTo(1);
        assertThat(terminated(failed).getMessage()).isEqualTo("training loss is NaN");
    }

    @Test
    void aDeletedTrialStopsReportingAtOnce() {
        // at scale 0.02 the reports come 1.0, 2.2, 3.2 and 4.4 s after the start: time to delete it after the first
        create(aTrainerPod("trial-7").params("{\"batch_size\": 512}").runId("run-7").timeScale("0.02"));
        await().atMost(Duration.ofSeconds(10)).until(() -> mlflow.metrics("run-7").size() == 1);

        kube.pods().inNamespace("capstan").withName("trial-7").delete();

        await().atMost(Duration.ofSeconds(5)).until(() -> !cluster.kubelet().simulates("capstan/trial-7"));
        // past the remaining reports' times (at most 3.4 s after the first)
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                .until(() -> mlflow.metrics("run-7").size() == 1);
    }

    private static void create(TrainerPod pod) {
        kube.pods().inNamespace("capstan").resource(pod.build()).create();
    }

    TrainerPod aTrainerPod(String name) {
        return new TrainerPod(name);
    }

    /** A bound training pod for the simulated trainer: the test file's curves at scale 0.002, reporting to mlflow. */
    final class TrainerPod {
        private final String name;
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        TrainerPod(String name) {
            this.name = name;
            annotations.put(SimulatedTrainer.CURVES, curves);
            annotations.put(SimulatedTrainer.TIME_SCALE, "0.002");
        }

        TrainerPod curves(String file) {
            return annotation(SimulatedTrainer.CURVES, file);
        }

        TrainerPod timeScale(String scale) {
            return annotation(SimulatedTrainer.TIME_SCALE, scale);
        }

        TrainerPod annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        TrainerPod params(String json) {
            env.put(SimulatedTrainer.PARAMS_ENV, json);
            return this;
        }

        TrainerPod runId(String runId) {
            env.put(SimulatedTrainer.TRACKING_URI_ENV, mlflow.uri());
            env.put(SimulatedTrainer.RUN_ID_ENV, runId);
            return this;
        }

        TrainerPod resumeStep(long step) {
            env.put(SimulatedTrainer.RESUME_STEP_ENV, Long.toString(step));
            return this;
        }

        TrainerPod rank(int rank) {
            env.put(SimulatedTrainer.RANK_ENV, Integer.toString(rank));
            return this;
        }

        Pod build() {
            return new PodBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                    .withNewSpec().withNodeName("a100-0").withRestartPolicy("Never")
                    .addNewContainer().withName("trainer").withImage("capstan/train:1")
                    .withEnv(env.entrySet().stream().map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList())
                    .withNewResources().addToLimits("nvidia.com/gpu", new Quantity("1")).endResources().endContainer()
                    .endSpec().build();
        }
    }

    private static ContainerStateTerminated terminated(Pod pod) {
        return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
    }

    private static Pod awaitPod(String name, Predicate<Pod> condition) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> kube.pods().inNamespace("capstan").withName(name).get(),
                        p -> p != null && condition.test(p));
    }

    private static String phase(Pod p) {
        return p.getStatus() == null ? null : p.getStatus().getPhase();
    }
}

package dev.capstan.executor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.executor.domain.GangState.Stage;
import dev.capstan.executor.domain.GangState.Verdict;
import dev.capstan.executor.domain.PodObservation.ContainerProblem;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GangStateTest {

    record Case(String name, int gangSize, List<PodObservation> pods, Stage wantStage, String wantReason,
            boolean wantRetryable) {
        @Override
        public String toString() {
            return name;
        }
    }

    static PodObservation pod(int rank, String phase) {
        return new PodObservation("p-" + rank, rank, phase, null, null, null, null);
    }

    static PodObservation exited(int rank, int code, String reason) {
        return new PodObservation("p-" + rank, rank, "Failed", null, null,
                new ContainerProblem("main", code, reason, null, false), null);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("not all pods exist yet", 3, List.of(pod(0, "Pending"), pod(1, "Pending")),
                        Stage.INCOMPLETE, null, true),
                new Case("all created", 2, List.of(pod(0, "Pending"), pod(1, null)), Stage.CREATED, null, true),
                new Case("some running", 2, List.of(pod(0, "Running"), pod(1, "Pending")), Stage.CREATED, null, true),
                new Case("all running", 2, List.of(pod(0, "Running"), pod(1, "Running")), Stage.RUNNING, null, true),
                new Case("a replica running but not ready yet (cold start)", 1, List.of(new PodObservation("p-0", 0,
                        "Running", null, null, null, null, false)), Stage.CREATED, null, true),
                new Case("a replica ready", 1, List.of(new PodObservation("p-0", 0, "Running", null, null, null, null,
                        true)), Stage.RUNNING, null, true),
                new Case("one done, one running", 2, List.of(pod(0, "Succeeded"), pod(1, "Running")),
                        Stage.RUNNING, null, true),
                new Case("all succeeded", 2, List.of(pod(0, "Succeeded"), pod(1, "Succeeded")),
                        Stage.SUCCEEDED, null, true),
                new Case("program error", 2, List.of(pod(0, "Running"), exited(1, 1, "Error")), Stage.FAILED,
                        "pod p-1: container main exited with code 1 (Error)", true),
                new Case("the program said why (its termination message)", 1, List.of(new PodObservation("p-0", 0,
                        "Failed", null, null, new ContainerProblem("main", 1, "Error", "training loss is NaN at epoch 3\n",
                        false), null)), Stage.FAILED,
                        "pod p-0: container main exited with code 1 (Error): training loss is NaN at epoch 3", true),
                new Case("a long termination message is cut", 1, List.of(new PodObservation("p-0", 0, "Failed", null,
                        null, new ContainerProblem("main", 1, "Error", "x".repeat(5000), false), null)), Stage.FAILED,
                        "pod p-0: container main exited with code 1 (Error): " + "x".repeat(1023) + "…", true),
                new Case("out of memory", 1, List.of(exited(0, 137, "OOMKilled")), Stage.FAILED,
                        "pod p-0: container main exited with code 137 (OOMKilled)", false),
                new Case("command not found", 1, List.of(exited(0, 127, "Error")), Stage.FAILED,
                        "pod p-0: container main exited with code 127 (Error)", false),
                new Case("image cannot be pulled", 2, List.of(pod(0, "Running"), new PodObservation("p-1", 1,
                        "Pending", null, null, new ContainerProblem("main", null, "ImagePullBackOff", "not found", true),
                        null)), Stage.FAILED, "pod p-1: container main cannot start (ImagePullBackOff): not found", false),
                new Case("rejected by the node", 1, List.of(new PodObservation("p-0", 0, "Failed",
                        "OutOfnvidia.com/gpu", "Pod was rejected", null, null)), Stage.FAILED,
                        "pod p-0: OutOfnvidia.com/gpu: Pod was rejected", true));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void evaluatesTheGang(Case c) {
        Verdict v = GangState.evaluate(c.gangSize(), c.pods());

        assertThat(v.stage()).isEqualTo(c.wantStage());
        if (c.wantStage() == Stage.FAILED) {
            assertThat(v.reason()).isEqualTo(c.wantReason());
            assertThat(v.retryable()).isEqualTo(c.wantRetryable());
        }
    }
}

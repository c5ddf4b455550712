package dev.capstan.console.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.Framework;
import dev.capstan.events.ModelEvent;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Resources;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadModelTest {

    static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

    static NodeEvent.NodeUpdated node(String name, String rack, int gpus) {
        List<NodeEvent.Gpu> g = new java.util.ArrayList<>();
        for (int i = 0; i < gpus; i++) {
            g.add(new NodeEvent.Gpu(i, "A100", 81920, "nvl-0"));
        }
        return new NodeEvent.NodeUpdated(name, 96000, 786432, g, Map.of(ClusterView.RACK_LABEL, rack), true,
                List.of(), T0);
    }

    static WorkloadEvent.WorkloadSubmitted submitted(String id, String queue, int workers, int gpus, int milli) {
        return new WorkloadEvent.WorkloadSubmitted(id, new TrainingJobSpec(id + "-job", queue, "img", List.of("x"),
                Framework.PYTORCH, workers, new Resources(gpus, milli, List.of(), 4000, 16384), 0, Map.of(), Map.of(),
                null), T0);
    }

    static PlacementEvent.WorkloadAdmitted admitted(String id, int attempt, String queue, String node,
            List<Integer> gpus, int milli, Instant at) {
        return new PlacementEvent.WorkloadAdmitted(id, attempt, queue, List.of(new PodAssignment(id + "-0", "worker", 0,
                node, gpus, milli, "A100", null)), at, null, null);
    }

    @Test
    void aJobGoesFromPendingToRunningToSucceededAndItsGpusAreFreedOnRelease() {
        ReadModel m = new ReadModel(java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));
        m.apply(node("a100-0", "rack-0", 8));
        m.apply(submitted("wl-1", "team-a", 1, 2, 1000));
        m.apply(new PlacementEvent.WorkloadPending("wl-1", "needs 2 GPUs: none free", T0.plusSeconds(1)));
        assertThat(m.queues(T0.plusSeconds(2))).singleElement().satisfies(q -> {
            assertThat(q.pendingCount()).isEqualTo(1);
            assertThat(q.reasons()).containsEntry("needs 2 GPUs", 1);
        });
        m.apply(admitted("wl-1", 1, "team-a", "a100-0", List.of(0, 1), 1000, T0.plusSeconds(10)));
        m.apply(new ExecutionEvent.WorkloadRunning("wl-1", 1, T0.plusSeconds(12)));
        var map = m.gpuMap(T0.plusSeconds(13));
        assertThat(map.allocatedGpus()).isEqualTo(2.0);
        assertThat(map.groups().get(0).nodes().get(0).gpus().get(0).state()).isEqualTo("whole");
        assertThat(map.groups().get(0).nodes().get(0).gpus().get(0).uses().get(0).workloadId()).isEqualTo("wl-1");
        assertThat(m.workload("wl-1").workload().status()).isEqualTo("RUNNING");
        var q = m.queues(T0.plusSeconds(13)).get(0);
        assertThat(q.gpusInUse()).isEqualTo(2.0);
        assertThat(q.running()).isEqualTo(1);
        assertThat(q.waitP50Seconds()).isEqualTo(10.0);

        m.apply(new ExecutionEvent.WorkloadSucceeded("wl-1", 1, T0.plusSeconds(30)));
        // reported by two executor instances, each at its own time: one line
        m.apply(new ExecutionEvent.WorkloadSucceeded("wl-1", 1, T0.plusSeconds(30).plusMillis(7)));
        m.apply(new WorkloadEvent.WorkloadFinished("wl-1", "SUCCEEDED", null, T0.plusSeconds(31), 1));
        assertThat(m.gpuMap(T0.plusSeconds(32)).allocatedGpus()).isZero();
        assertThat(m.workload("wl-1").workload().status()).isEqualTo("SUCCEEDED");
        assertThat(m.workload("wl-1").history()).extracting(WorkloadsView.History::event)
                .containsExactly("submitted", "pending", "admitted (attempt 1)", "running", "pods succeeded",
                        "finished SUCCEEDED");
    }

    @Test
    void eventsReadOutOfOrderAcrossTopicsDoNotMoveAStatusBackNorResurrectReleasedGpus() {
        ReadModel m = new ReadModel(java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));
        m.apply(node("a100-0", "rack-0", 8));
        m.apply(submitted("wl-2", "team-a", 1, 1, 1000));
        // executions read before placements: running and released come before the admission
        m.apply(new ExecutionEvent.WorkloadRunning("wl-2", 1, T0.plusSeconds(5)));
        m.apply(new ExecutionEvent.WorkloadFailed("wl-2", 1, "OOMKilled", false, T0.plusSeconds(6)));
        m.apply(admitted("wl-2", 1, "team-a", "a100-0", List.of(3), 1000, T0.plusSeconds(4)));
        assertThat(m.workload("wl-2").workload().status()).isEqualTo("FAILED");
        assertThat(m.gpuMap(T0.plusSeconds(7)).allocatedGpus()).isZero();
    }

    @Test
    void sharedGpusShowTheirFillAndTheStrandedShareAgainstTheMix() {
        ReadModel m = new ReadModel(java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));
        m.apply(node("a100-0", "rack-0", 2));
        m.apply(submitted("wl-a", "q", 1, 1, 1000)); // the mix: whole-GPU pods
        m.apply(submitted("wl-b", "q", 1, 1, 1000));
        m.apply(submitted("wl-s", "q", 1, 1, 300));
        m.apply(admitted("wl-s", 1, "q", "a100-0", List.of(0), 300, T0.plusSeconds(1)));
        GpuMap.NodeCells n = m.gpuMap(T0.plusSeconds(2)).groups().get(0).nodes().get(0);
        assertThat(n.gpus().get(0).state()).isEqualTo("shared");
        assertThat(n.gpus().get(0).usedMilli()).isEqualTo(300);
        assertThat(n.freeGpus()).isEqualTo(1.7);
        // 2/3 of the mix needs a whole GPU (the 0.7 left on GPU 0 is fragmented for them), 1/3 fits in 0.7
        assertThat(n.fragmentedGpus()).isCloseTo(0.7 * 2 / 3, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void aliasHistoryIsNewestFirstAndTheAliasFollowsItsLastMove() {
        ReadModel m = new ReadModel(java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));
        m.apply(new ModelEvent.ModelVersionRegistered("chat", 1, "s3://m/1", "wl-1", T0, 1, null, "trainer"));
        m.apply(new ModelEvent.ModelVersionRegistered("chat", 2, "s3://m/2", "wl-2", T0, 1, null, "trainer"));
        m.apply(new ModelEvent.ModelAliasMoved("chat", "production", null, 1, "first", T0.plusSeconds(1), "ann"));
        m.apply(new ModelEvent.ModelAliasMoved("chat", "production", 1, 2, "better", T0.plusSeconds(2), "ann"));
        m.apply(new ModelEvent.ModelAliasMoved("chat", "production", 2, 1, "canary failed", T0.plusSeconds(3),
                "autoscaler-service"));
        var d = m.model("chat");
        assertThat(d.aliases()).containsEntry("production", 1);
        assertThat(d.history()).extracting(ModelsView.Move::reason).containsExactly("canary failed", "better", "first");
        assertThat(d.versions()).extracting(ModelsView.VersionView::version).containsExactly(2, 1);
    }

    @Test
    void onlyTheSectionsAnEventTouchesAreReportedChanged() {
        ReadModel m = new ReadModel(java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));
        long v0 = m.version();
        m.apply(new ModelEvent.ModelVersionRegistered("chat", 1, "s3://m/1", "wl-1", T0, 1, null, "trainer"));
        assertThat(m.changedSince(v0)).containsExactly(ReadModel.Section.MODELS);
        long v1 = m.version();
        m.apply(node("n", "r", 1));
        assertThat(m.changedSince(v1)).containsExactly(ReadModel.Section.GPUS);
    }
}

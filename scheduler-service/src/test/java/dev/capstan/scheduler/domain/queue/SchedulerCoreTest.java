package dev.capstan.scheduler.domain.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.Framework;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Resources;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.scheduler.domain.placement.PlacementPolicies;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SchedulerCoreTest {

    static final Instant T = Instant.parse("2026-11-29T00:00:00Z");

    static NodeEvent.NodeUpdated node(String name, int gpus) {
        List<NodeEvent.Gpu> list = IntStream.range(0, gpus)
                .mapToObj(i -> new NodeEvent.Gpu(i, "A100", 81920, "island-" + i / 4)).toList();
        return new NodeEvent.NodeUpdated(name, 64000, 512 * 1024, list, Map.of(), true, List.of(), T);
    }

    static int submissions;

    static WorkloadEvent.WorkloadSubmitted job(String id, String queue, int workers, int gpus) {
        return new WorkloadEvent.WorkloadSubmitted(id, new TrainingJobSpec(id, queue, "img", List.of(),
                workers > 1 ? Framework.PYTORCH : Framework.NONE, workers,
                new Resources(gpus, 1000, List.of(), 1500, 1024), 0, Map.of(), Map.of(), null), T.plusSeconds(submissions++));
    }

    static SchedulerCore live(CapstanEvent... events) {
        SchedulerCore core = new SchedulerCore(PlacementPolicies.byName("firstfit"));
        core.finishReplay();
        for (CapstanEvent e : events) {
            core.apply(e);
        }
        return core;
    }

    static List<PlacementEvent.WorkloadAdmitted> admitted(List<PlacementEvent> decisions) {
        return decisions.stream().filter(d -> d instanceof PlacementEvent.WorkloadAdmitted)
                .map(d -> (PlacementEvent.WorkloadAdmitted) d).toList();
    }

    @Test
    void aGangIsAdmittedWholeWithOneAssignmentPerWorkerAndLeaderRole() {
        SchedulerCore core = live(node("n1", 4), node("n2", 4), job("w1", "q", 3, 2));

        List<PlacementEvent.WorkloadAdmitted> out = admitted(core.cycle(T));

        assertThat(out).hasSize(1);
        PlacementEvent.WorkloadAdmitted a = out.get(0);
        assertThat(a.attempt()).isEqualTo(1);
        assertThat(a.pods()).extracting(PodAssignment::role).containsExactly("master", "worker", "worker");
        assertThat(a.pods()).extracting(PodAssignment::pod)
                .containsExactly("w1-a1-master-0", "w1-a1-worker-1", "w1-a1-worker-2");
        assertThat(a.pods()).allSatisfy(p -> assertThat(p.gpuIndices()).hasSize(2));
        assertThat(a.pods()).allSatisfy(p -> assertThat(p.gpuModel()).isEqualTo("A100"));
        assertNoGpuTwice(a.pods());
    }

    @Test
    void aFirstAdmissionReportsItsQueueWaitAndARetryDoesNot() {
        WorkloadEvent.WorkloadSubmitted submitted = job("w", "q", 1, 1);
        SchedulerCore core = live(node("n1", 1), submitted);

        PlacementEvent.WorkloadAdmitted first = admitted(core.cycle(submitted.submittedAt().plusSeconds(42)))
                .get(0);
        assertThat(core.firstAdmissionWait(first)).contains(java.time.Duration.ofSeconds(42));

        // A later attempt waited since its predecessor ended, not since the submission.
        PlacementEvent.WorkloadAdmitted retry = new PlacementEvent.WorkloadAdmitted("w", 2, "q", first.pods(),
                first.admittedAt().plusSeconds(60), first.spec(), null);
        assertThat(core.firstAdmissionWait(retry)).isEmpty();
    }

    @Test
    void theSnapshotCountsAllocatedGpusAndTheFreeOnesNoWaitingWorkloadFits() {
        SchedulerCore core = live(node("n1", 4), job("small", "q", 1, 2), job("big", "q", 1, 4));

        core.cycle(T); // small takes 2 of the 4 GPUs; big (4 GPUs) waits

        SchedulerCore.Snapshot s = core.snapshot();
        assertThat(s.gpuMilliTotal()).isEqualTo(4000);
        assertThat(s.gpuMilliAllocated()).isEqualTo(2000);
        assertThat(s.gpuMilliStranded()).isEqualTo(2000);

        core.apply(job("fits", "q", 1, 1));
        assertThat(core.snapshot().gpuMilliStranded()).as("a waiting 1-GPU job can use them").isZero();
    }

    @Test
    void aJobLargerThanAnyNodeStaysPendingWithAReasonReportedOnce() {
        SchedulerCore core = live(node("n1", 8), job("big", "q", 1, 16));

        List<PlacementEvent> first = core.cycle(T);
        core.apply(node("n2", 8));
        List<PlacementEvent> second = core.cycle(T);

        assertThat(first).singleElement().isInstanceOfSatisfying(PlacementEvent.WorkloadPending.class,
                p -> assertThat(p.reason()).isNotBlank());
        assertThat(second).isEmpty(); // same reason: not repeated
        assertThat(core.snapshot().queues().get("q")).singleElement()
                .satisfies(w -> assertThat(w.pendingReason()).isNotBlank());
    }

    @Test
    void gangsAreAllOrNothingAndReleaseLetsTheNextOneIn() {
        SchedulerCore core = live(node("n1", 4), job("first", "q", 2, 2), job("second", "q", 2, 2));

        List<PlacementEvent> c1 = core.cycle(T);
        assertThat(admitted(c1)).extracting(PlacementEvent.WorkloadAdmitted::workloadId).containsExactly("first");
        assertThat(c1).filteredOn(d -> d instanceof PlacementEvent.WorkloadPending)
                .extracting(PlacementEvent::workloadId).containsExactly("second");

        core.apply(new ExecutionEvent.WorkloadSucceeded("first", 1, T));
        assertThat(core.needsCycle()).isTrue();
        assertThat(admitted(core.cycle(T))).extracting(PlacementEvent.WorkloadAdmitted::workloadId)
                .containsExactly("second");
    }

    @Test
    void workloadsOfAQueueAreTakenInArrivalOrder() {
        SchedulerCore core = live(node("n1", 1), job("a", "q", 1, 1), job("b", "q", 1, 1), job("c", "q", 1, 1));

        assertThat(admitted(core.cycle(T))).extracting(PlacementEvent.WorkloadAdmitted::workloadId)
                .containsExactly("a");
        core.apply(new ExecutionEvent.WorkloadFailed("a", 1, "boom", true, T));
        assertThat(admitted(core.cycle(T))).extracting(PlacementEvent.WorkloadAdmitted::workloadId)
                .containsExactly("b");
    }

    @Test
    void aCancelledWaitingWorkloadLeavesTheQueue() {
        SchedulerCore core = live(node("n1", 1), job("a", "q", 1, 4));
        core.cycle(T);

        core.apply(new WorkloadEvent.WorkloadCancelled("a", "user", T));

        assertThat(core.snapshot().queues().get("q")).isEmpty();
    }

    @Test
    void anAdmissionCarriesTheAdmittedSpec() {
        var job = job("w1", "q", 1, 2);
        SchedulerCore core = live(node("n1", 4), job);

        assertThat(admitted(core.cycle(T))).singleElement()
                .satisfies(a -> assertThat(a.spec()).isEqualTo(job.spec()));
    }

    @Test
    void cancellingAnAdmittedWorkloadRevokesItsAdmissionOnceAndKeepsTheCapacityUntilReleased() {
        SchedulerCore core = live(node("n1", 4), job("a", "q", 1, 4));
        assertThat(admitted(core.cycle(T))).hasSize(1);
        core.apply(job("b", "q", 1, 4));
        core.cycle(T); // b waits: n1 is full

        core.apply(new WorkloadEvent.WorkloadCancelled("a", "user asked", T));

        assertThat(core.needsCycle()).isTrue();
        assertThat(core.cycle(T)).containsExactly(new PlacementEvent.AdmissionRevoked("a", 1, "cancelled: user asked", T));
        assertThat(core.cycle(T)).isEmpty(); // once; b still waits: a's pods may run until the executor deletes them

        core.apply(new ExecutionEvent.CapacityReleased("a", 1, "cancelled: user asked", T));
        assertThat(admitted(core.cycle(T))).extracting(PlacementEvent.WorkloadAdmitted::workloadId).containsExactly("b");
    }

    @Test
    void aRestartRevokesACancelledAdmissionOnlyIfItWasNotRevokedBefore() {
        var n = node("n1", 4);
        var a = job("a", "q", 1, 4);
        SchedulerCore first = live(n, a);
        List<CapstanEvent> log = new ArrayList<>(List.of(n, a));
        log.addAll(first.cycle(T));
        var cancel = new WorkloadEvent.WorkloadCancelled("a", null, T);

        // Cancelled while the scheduler was down: the restart revokes, whatever the order the topics are read in
        // (within capstan.workloads the cancellation stays after the submission).
        for (long seed = 0; seed < 10; seed++) {
            List<CapstanEvent> shuffled = new ArrayList<>(log);
            Random random = new Random(seed);
            Collections.shuffle(shuffled, random);
            int submitted = shuffled.indexOf(a);
            shuffled.add(submitted + 1 + random.nextInt(shuffled.size() - submitted), cancel);
            SchedulerCore second = new SchedulerCore(PlacementPolicies.byName("firstfit"));
            shuffled.forEach(second::apply);
            second.finishReplay();
            assertThat(second.cycle(T)).containsExactly(new PlacementEvent.AdmissionRevoked("a", 1, "cancelled", T));
        }

        // Revoked before the restart: not again.
        log.add(cancel);
        log.add(new PlacementEvent.AdmissionRevoked("a", 1, "cancelled", T));
        SchedulerCore third = new SchedulerCore(PlacementPolicies.byName("firstfit"));
        log.forEach(third::apply);
        third.finishReplay();
        assertThat(third.cycle(T)).isEmpty();
    }

    @Test
    void aReleaseAfterANodeOfTheGangWasRemovedFreesTheRestWithoutARebuild() {
        SchedulerCore core = live(node("n1", 4), node("n2", 4), job("gang", "q", 2, 4));
        assertThat(admitted(core.cycle(T))).hasSize(1);
        core.apply(new NodeEvent.NodeRemoved("n2", T));

        core.apply(new ExecutionEvent.WorkloadFailed("gang", 1, "pod deleted with its node", true, T));

        core.apply(job("next", "q", 1, 4));
        assertThat(admitted(core.cycle(T))).extracting(PlacementEvent.WorkloadAdmitted::workloadId)
                .containsExactly("next");
    }

    @Test
    void aReplayKeepsAnAdmissionWhoseNodeIsGoneHoldingItsOtherPodsUntilItIsReleased() {
        var n1 = node("n1", 4);
        var n2 = node("n2", 4);
        var gang = job("gang", "q", 2, 4);
        SchedulerCore first = live(n1, n2, gang);
        List<CapstanEvent> log = new ArrayList<>(List.of(n1, n2, gang));
        log.addAll(first.cycle(T));
        log.add(new NodeEvent.NodeRemoved("n2", T));

        SchedulerCore second = new SchedulerCore(PlacementPolicies.byName("firstfit"));
        log.forEach(second::apply);
        second.finishReplay();

        assertThat(second.snapshot().admitted()).isEqualTo(1); // not forgotten: its pod on n1 still runs
        second.apply(job("next", "q", 1, 4));
        assertThat(second.cycle(T)).singleElement().isInstanceOf(PlacementEvent.WorkloadPending.class);
        second.apply(new ExecutionEvent.WorkloadFailed("gang", 1, "pod deleted with its node", true, T));
        assertThat(admitted(second.cycle(T))).extracting(PlacementEvent.WorkloadAdmitted::workloadId)
                .containsExactly("next");
    }

    @Test
    void replayInAnyOrderRebuildsTheAllocationsAndNeverGivesAGpuTwice() {
        // A first life of the scheduler decides some admissions; some of them finish.
        SchedulerCore first = live(node("n1", 8), node("n2", 8));
        List<CapstanEvent> log = new ArrayList<>(List.of(node("n1", 8), node("n2", 8)));
        for (int i = 0; i < 6; i++) {
            var w = job("w" + i, "q", 2, 2);
            first.apply(w);
            log.add(w);
        }
        List<PlacementEvent> decided = first.cycle(T);
        log.addAll(decided);
        log.add(new ExecutionEvent.WorkloadSucceeded("w0", 1, T));
        first.apply(new ExecutionEvent.WorkloadSucceeded("w0", 1, T));
        assertThat(admitted(decided)).hasSize(4);

        // The restarted scheduler reads the topics interleaved in another order.
        for (long seed = 0; seed < 20; seed++) {
            List<CapstanEvent> shuffled = new ArrayList<>(log);
            Collections.shuffle(shuffled, new Random(seed));
            SchedulerCore second = new SchedulerCore(PlacementPolicies.byName("firstfit"));
            shuffled.forEach(second::apply);
            second.finishReplay();

            List<PlacementEvent.WorkloadAdmitted> next = admitted(second.cycle(T));

            // w0's 4 GPUs are free again: w4 fits there; w5 does not fit. No GPU is in two live admissions.
            assertThat(next).extracting(PlacementEvent.WorkloadAdmitted::workloadId).containsExactly("w4");
            List<PodAssignment> live = new ArrayList<>(next.get(0).pods());
            admitted(decided).stream().filter(a -> !a.workloadId().equals("w0")).forEach(a -> live.addAll(a.pods()));
            assertNoGpuTwice(live);
            assertThat(second.snapshot().admitted()).isEqualTo(4);
        }
    }

    @Test
    void aReplayTakesBackTheCpuAndMemoryOfLiveAdmissionsToo() {
        var node = new NodeEvent.NodeUpdated("n1", 2000, 4096, List.of(new NodeEvent.Gpu(0, "A100", 81920, "i0"),
                new NodeEvent.Gpu(1, "A100", 81920, "i0")), Map.of(), true, List.of(), T);
        var first = job("cpu-heavy", "q", 1, 1);
        var before = live(node, first);
        List<CapstanEvent> log = new ArrayList<>(List.of(node, first));
        log.addAll(before.cycle(T));
        SchedulerCore after = new SchedulerCore(PlacementPolicies.byName("firstfit"));
        log.forEach(after::apply);
        after.finishReplay();

        after.apply(job("second", "q", 1, 1)); // a free GPU, but the node's 2 cores are taken

        assertThat(after.cycle(T)).singleElement().isInstanceOf(PlacementEvent.WorkloadPending.class);
    }

    @Test
    void aLongQueueOfIdenticalJobsCostsOnePlacementAttemptPerCycle() {
        int[] attempts = {0};
        var firstFit = PlacementPolicies.byName("firstfit");
        SchedulerCore core = new SchedulerCore(new dev.capstan.scheduler.domain.placement.PlacementPolicy() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public dev.capstan.scheduler.domain.placement.PlacementResult place(
                    dev.capstan.scheduler.domain.placement.ClusterState cluster,
                    dev.capstan.scheduler.domain.placement.GangRequest gang) {
                attempts[0]++;
                return firstFit.place(cluster, gang);
            }
        });
        core.finishReplay();
        core.apply(node("n1", 1));
        for (int i = 0; i < 50; i++) {
            core.apply(job("same-" + i, "q", 1, 1));
        }
        assertThat(core.cycle(T)).hasSize(50); // one admitted, 49 pending with their own reasons
        attempts[0] = 0;

        core.apply(node("n1", 1)); // something changed: a new cycle, still no room
        assertThat(core.cycle(T)).isEmpty();

        assertThat(attempts[0]).isEqualTo(1);
    }

    static void assertNoGpuTwice(List<PodAssignment> pods) {
        List<String> used = new ArrayList<>();
        pods.forEach(p -> p.gpuIndices().forEach(g -> used.add(p.node() + "/" + g)));
        assertThat(used).doesNotHaveDuplicates();
    }
}

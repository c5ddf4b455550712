package dev.capstan.scheduler.domain.queue;

import static dev.capstan.scheduler.domain.queue.SchedulerCoreTest.T;
import static dev.capstan.scheduler.domain.queue.SchedulerCoreTest.admitted;
import static dev.capstan.scheduler.domain.queue.SchedulerCoreTest.live;
import static dev.capstan.scheduler.domain.queue.SchedulerCoreTest.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Resources;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.ServingReplica;
import dev.capstan.scheduler.domain.placement.PlacementPolicies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Serving plans become replicas: placed, spread, scaled, replaced after a failure, retired, and agreed on by all. */
class ServingReplicasTest {

    static final Resources HALF_GPU = new Resources(1, 500, List.of(), 1000, 4096);

    /** A plan of {@code chat}: revision name → replica count (weights do not matter to the scheduler). */
    static ScalingEvent.RevisionsPlanned plan(Object... revisionsAndCounts) {
        List<ScalingEvent.Revision> revisions = new ArrayList<>();
        for (int i = 0; i < revisionsAndCounts.length; i += 2) {
            String name = (String) revisionsAndCounts[i];
            int version = Integer.parseInt(name.substring(1));
            revisions.add(new ScalingEvent.Revision(name, "chat", version, "s3://models/chat/" + version,
                    (Integer) revisionsAndCounts[i + 1], i == 0 ? 100 : 0));
        }
        return new ScalingEvent.RevisionsPlanned("chat", "serving", "serve:1", HALF_GPU, 20, revisions, "test", null, T);
    }

    static List<PlacementEvent.AdmissionRevoked> revoked(List<PlacementEvent> decisions) {
        return decisions.stream().filter(d -> d instanceof PlacementEvent.AdmissionRevoked)
                .map(d -> (PlacementEvent.AdmissionRevoked) d).toList();
    }

    @Test
    void aPlanBecomesOneSinglePodAdmissionPerReplicaWithWhatTheExecutorNeedsToServe() {
        SchedulerCore core = live(node("n1", 4), plan("v1", 2));

        List<PlacementEvent.WorkloadAdmitted> out = admitted(core.cycle(T));

        assertThat(out).extracting(PlacementEvent.WorkloadAdmitted::workloadId).containsExactly("chat-v1-0", "chat-v1-1");
        assertThat(out).allSatisfy(a -> {
            assertThat(a.queue()).isEqualTo("serving");
            assertThat(a.pods()).singleElement().satisfies(p -> assertThat(p.gpuMilli()).isEqualTo(500));
            assertThat(a.serving()).isEqualTo(new ServingReplica("chat", "v1", "chat", 1, "s3://models/chat/1", 20));
            assertThat(a.spec().image()).isEqualTo("serve:1");
        });
    }

    @Test
    void replicasGoToNodesWithoutAReplicaOfTheirServiceWhileOneFitsThenShareNodes() {
        // First fit alone would put all three on n1 (two halves fit on one GPU).
        SchedulerCore core = live(node("n1", 4), node("n2", 4), node("n3", 4), plan("v1", 3));

        List<PlacementEvent.WorkloadAdmitted> spread = admitted(core.cycle(T));
        core.apply(plan("v1", 5));
        List<PlacementEvent.WorkloadAdmitted> more = admitted(core.cycle(T));

        assertThat(spread).extracting(a -> a.pods().get(0).node()).containsExactlyInAnyOrder("n1", "n2", "n3");
        assertThat(more).hasSize(2);
        core.apply(plan("v1", 9));
        List<PlacementEvent.WorkloadAdmitted> all = new java.util.ArrayList<>(spread);
        all.addAll(more);
        all.addAll(admitted(core.cycle(T)));
        // Nine replicas on three nodes: three each, never four on one while another has two.
        assertThat(all.stream().collect(java.util.stream.Collectors.groupingBy(a -> a.pods().get(0).node(),
                java.util.stream.Collectors.counting())).values()).containsOnly(3L);
    }

    @Test
    void scalingDownRevokesTheNewestReplicasAndANameIsNeverUsedAgain() {
        SchedulerCore core = live(node("n1", 4), plan("v1", 3));
        core.cycle(T);

        core.apply(plan("v1", 1));
        List<PlacementEvent> down = core.cycle(T);
        core.apply(plan("v1", 2));
        List<PlacementEvent.WorkloadAdmitted> up = admitted(core.cycle(T));

        assertThat(revoked(down)).extracting(PlacementEvent.AdmissionRevoked::workloadId)
                .containsExactlyInAnyOrder("chat-v1-1", "chat-v1-2");
        assertThat(revoked(down)).allSatisfy(r -> assertThat(r.reason()).contains("scaled down"));
        assertThat(up).extracting(PlacementEvent.WorkloadAdmitted::workloadId).containsExactly("chat-v1-3");
    }

    @Test
    void aReplicaWhosePodEndedIsPlacedAgainAtOnceOrAfterABackOffWhenARetryCannotFixItAtOnce() {
        SchedulerCore core = live(node("n1", 4), plan("v1", 2));
        core.cycle(T);

        core.apply(new ExecutionEvent.WorkloadFailed("chat-v1-0", 1, "node lost", true, T));
        core.apply(new ExecutionEvent.WorkloadFailed("chat-v1-1", 1, "ErrImagePull", false, T));
        List<PlacementEvent> first = core.cycle(T);

        assertThat(admitted(first)).singleElement().satisfies(a -> {
            assertThat(a.workloadId()).isEqualTo("chat-v1-0");
            assertThat(a.attempt()).isEqualTo(2);
        });
        // The other one is still a replica of the plan: it waits out Kubernetes' back-off (10 s, doubling) and says so.
        assertThat(first).filteredOn(d -> d instanceof PlacementEvent.WorkloadPending).singleElement()
                .satisfies(d -> assertThat(((PlacementEvent.WorkloadPending) d).reason()).isEqualTo(
                        "attempt 1 failed: ErrImagePull; next attempt at " + T.plusSeconds(10)));
        assertThat(core.needsCycle(T.plusSeconds(9))).isFalse();
        assertThat(core.needsCycle(T.plusSeconds(10))).isTrue();
        assertThat(admitted(core.cycle(T.plusSeconds(10)))).singleElement().satisfies(a -> {
            assertThat(a.workloadId()).isEqualTo("chat-v1-1");
            assertThat(a.attempt()).isEqualTo(2);
        });

        // Failing so again doubles the wait; an attempt that ends otherwise starts the back-off over.
        core.apply(new ExecutionEvent.WorkloadFailed("chat-v1-1", 2, "ErrImagePull", false, T.plusSeconds(12)));
        assertThat(admitted(core.cycle(T.plusSeconds(31)))).isEmpty();
        assertThat(admitted(core.cycle(T.plusSeconds(32)))).extracting(PlacementEvent.WorkloadAdmitted::attempt)
                .containsExactly(3);
        core.apply(new ExecutionEvent.WorkloadFailed("chat-v1-1", 3, "node lost", true, T.plusSeconds(40)));
        assertThat(admitted(core.cycle(T.plusSeconds(40)))).extracting(PlacementEvent.WorkloadAdmitted::attempt)
                .containsExactly(4);
        core.apply(new ExecutionEvent.WorkloadFailed("chat-v1-1", 4, "ErrImagePull", false, T.plusSeconds(41)));
        assertThat(admitted(core.cycle(T.plusSeconds(50)))).isEmpty();
        assertThat(admitted(core.cycle(T.plusSeconds(51)))).extracting(PlacementEvent.WorkloadAdmitted::attempt)
                .containsExactly(5);
        assertThat(SchedulerCore.retryBackoff(1)).hasSeconds(10);
        assertThat(SchedulerCore.retryBackoff(6)).hasSeconds(300);
        assertThat(SchedulerCore.retryBackoff(40)).hasSeconds(300);
    }

    @Test
    void aNewRevisionRunsBesideTheStableOneAndARetiredRevisionsReplicasAreRevoked() {
        SchedulerCore core = live(node("n1", 4), node("n2", 4), plan("v1", 2));
        core.cycle(T);

        core.apply(plan("v1", 2, "v2", 1));
        List<PlacementEvent.WorkloadAdmitted> canary = admitted(core.cycle(T));
        core.apply(plan("v2", 2));
        List<PlacementEvent> promoted = core.cycle(T);

        assertThat(canary).extracting(PlacementEvent.WorkloadAdmitted::workloadId).containsExactly("chat-v2-2");
        assertThat(canary.get(0).serving().revision()).isEqualTo("v2");
        assertThat(revoked(promoted)).extracting(PlacementEvent.AdmissionRevoked::workloadId)
                .containsExactlyInAnyOrder("chat-v1-0", "chat-v1-1");
        assertThat(revoked(promoted)).allSatisfy(r -> assertThat(r.reason()).isEqualTo("revision v1 retired"));
        assertThat(admitted(promoted)).extracting(PlacementEvent.WorkloadAdmitted::workloadId)
                .containsExactly("chat-v2-3");
    }

    @Test
    void anEmptyPlanRevokesEveryReplicaAsDeletedAndAReplicaThatFitsNowhereSaysWhy() {
        SchedulerCore core = live(node("n1", 1), plan("v1", 2));
        core.cycle(T);
        core.apply(plan("v1", 3));
        List<PlacementEvent> full = core.cycle(T);

        core.apply(plan());
        List<PlacementEvent> deleted = core.cycle(T);

        assertThat(full).filteredOn(d -> d instanceof PlacementEvent.WorkloadPending).singleElement()
                .satisfies(d -> assertThat(d.workloadId()).isEqualTo("chat-v1-2"));
        assertThat(revoked(deleted)).hasSize(2)
                .allSatisfy(r -> assertThat(r.reason()).isEqualTo(ServingReplica.SERVICE_DELETED));
        assertThat(core.snapshot().queues().values()).allSatisfy(q -> assertThat(q).isEmpty());
    }

    @Test
    void replicasCountAgainstTheQueueWithTrainingJobsAndGoFirst() {
        SchedulerCore core = live(node("n1", 2), SchedulerCoreTest.job("train", "serving", 1, 2), plan("v1", 1));

        List<PlacementEvent.WorkloadAdmitted> out = admitted(core.cycle(T));

        assertThat(out).extracting(PlacementEvent.WorkloadAdmitted::workloadId).containsExactly("chat-v1-0");
    }

    @Test
    void aSchedulerReadingTheLogInAnyOrderOrFromACheckpointAgreesOnTheReplicasAndDecidesNothingTwice() {
        List<CapstanEvent> log = new ArrayList<>(List.of(node("n1", 4), node("n2", 4), plan("v1", 3)));
        SchedulerCore leader = live(log.toArray(CapstanEvent[]::new));
        List<PlacementEvent> decided = new ArrayList<>(leader.cycle(T));
        log.addAll(decided);
        ScalingEvent.RevisionsPlanned down = plan("v1", 1, "v2", 1);
        leader.apply(down);
        log.add(down);
        List<PlacementEvent> second = leader.cycle(T);
        log.addAll(second);
        second.stream().filter(d -> d instanceof PlacementEvent.AdmissionRevoked).forEach(r -> {
            var release = new ExecutionEvent.CapacityReleased(r.workloadId(), 1, "pods deleted", T);
            leader.apply(release);
            log.add(release);
        });
        Checkpoint cp = leader.checkpoint();

        for (int seed = 0; seed < 20; seed++) {
            List<CapstanEvent> shuffled = interleaved(log, new Random(seed));
            SchedulerCore restarted = new SchedulerCore(PlacementPolicies.byName("firstfit"));
            shuffled.forEach(restarted::apply);
            restarted.finishReplay();
            assertThat(restarted.cycle(T)).as("seed %d", seed).isEmpty();
            assertThat(restarted.checkpoint().served()).isEqualTo(cp.served());
        }
        SchedulerCore restored = SchedulerCore.restore(PlacementPolicies.byName("firstfit"), cp);
        restored.finishReplay();
        assertThat(restored.cycle(T)).isEmpty();
        restored.apply(plan("v1", 2, "v2", 1));
        assertThat(admitted(restored.cycle(T))).extracting(PlacementEvent.WorkloadAdmitted::workloadId)
                .containsExactly("chat-v1-4");
        Map<String, String> nodes = new LinkedHashMap<>();
        decided.stream().filter(d -> d instanceof PlacementEvent.WorkloadAdmitted).map(d -> (PlacementEvent.WorkloadAdmitted) d)
                .forEach(a -> nodes.put(a.workloadId(), a.pods().stream().map(PodAssignment::node).findFirst().orElseThrow()));
        assertThat(nodes).hasSize(3);
    }

    /**
     * The log as a restart may read it: each partition's records in their order (one key's events stay on one
     * partition), the partitions interleaved at random.
     */
    static List<CapstanEvent> interleaved(List<CapstanEvent> log, Random random) {
        Map<String, java.util.ArrayDeque<CapstanEvent>> partitions = new LinkedHashMap<>();
        for (CapstanEvent e : log) {
            partitions.computeIfAbsent(dev.capstan.events.EventTypes.topicOf(e.getClass()) + "/" + e.subject(),
                    k -> new java.util.ArrayDeque<>()).add(e);
        }
        List<java.util.ArrayDeque<CapstanEvent>> open = new ArrayList<>(partitions.values());
        List<CapstanEvent> out = new ArrayList<>();
        while (!open.isEmpty()) {
            int i = random.nextInt(open.size());
            out.add(open.get(i).poll());
            if (open.get(i).isEmpty()) {
                open.remove(i);
            }
        }
        return out;
    }
}

package dev.capstan.scheduler.domain.queue;

import static dev.capstan.scheduler.domain.queue.SchedulerCoreTest.T;
import static dev.capstan.scheduler.domain.queue.SchedulerCoreTest.admitted;
import static dev.capstan.scheduler.domain.queue.SchedulerCoreTest.job;
import static dev.capstan.scheduler.domain.queue.SchedulerCoreTest.live;
import static dev.capstan.scheduler.domain.queue.SchedulerCoreTest.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.scheduler.domain.placement.PlacementPolicies;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A scheduler restarted from a checkpoint and the rest of the log decides exactly as one that never stopped, and a
 * checkpoint's size follows what is live and recent, not the history.
 */
class CheckpointTest {

    static SchedulerCore fresh() {
        return new SchedulerCore(PlacementPolicies.byName("firstfit"));
    }

    /**
     * One life of the scheduler on a random workload: the log holds everything it read and decided, in order, and a
     * checkpoint was taken after {@code log.size()} records at each cycle.
     */
    static final class Life {
        final SchedulerCore core = fresh();
        final List<CapstanEvent> log = new ArrayList<>();
        final List<Integer> positions = new ArrayList<>();
        final List<Checkpoint> checkpoints = new ArrayList<>();
        final Random random;
        int next;

        Life(long seed) {
            random = new Random(seed);
            core.finishReplay();
        }

        void read(CapstanEvent e) {
            log.add(e);
            core.apply(e);
        }

        void step(int round) {
            Instant now = T.plusSeconds(round);
            int arrivals = random.nextInt(4);
            for (int i = 0; i < arrivals; i++) {
                read(job("w" + next++, "q" + random.nextInt(3), 1 + random.nextInt(2), 1 + random.nextInt(4)));
            }
            if (next > 0 && random.nextInt(4) == 0) {
                read(new WorkloadEvent.WorkloadCancelled("w" + random.nextInt(next), "changed my mind", now));
            }
            List<PlacementEvent> decided = core.cycle(now);
            log.addAll(decided); // published; read back below, maybe later than other records
            for (PlacementEvent d : decided) {
                if (d instanceof PlacementEvent.WorkloadAdmitted a && random.nextInt(3) > 0) {
                    read(new ExecutionEvent.WorkloadSucceeded(a.workloadId(), a.attempt(), now));
                } else if (d instanceof PlacementEvent.AdmissionRevoked r) {
                    read(new ExecutionEvent.CapacityReleased(r.workloadId(), r.attempt(), "revoked", now));
                }
            }
            decided.forEach(core::apply);
            positions.add(log.size());
            checkpoints.add(core.checkpoint());
        }
    }

    @Test
    void aCoreRestoredFromACheckpointAndTheRestOfTheLogDecidesAsTheOneThatNeverStopped() {
        for (long seed = 0; seed < 40; seed++) {
            Life life = new Life(seed);
            life.read(node("n1", 8));
            life.read(node("n2", 4));
            int rounds = 30;
            for (int round = 0; round < rounds; round++) {
                life.step(round);
            }
            int k = life.random.nextInt(rounds);
            // The checkpoint's positions may lag behind decisions it already holds: read them again (as the
            // placements topic is read from its position) — the restored core must not act on them twice.
            int from = Math.max(0, life.positions.get(k) - life.random.nextInt(4));
            SchedulerCore restored = SchedulerCore.restore(PlacementPolicies.byName("firstfit"),
                    life.checkpoints.get(k));
            life.log.subList(from, life.log.size()).forEach(restored::apply);
            restored.finishReplay();

            Checkpoint got = normalized(restored.checkpoint());
            Checkpoint want = normalized(life.core.checkpoint());
            assertThat(got.workloads()).as("seed %d", seed).containsExactlyElementsOf(want.workloads());
            assertThat(got.admissions()).as("seed %d", seed).containsExactlyElementsOf(want.admissions());
            assertThat(got.finished()).as("seed %d", seed).containsExactlyElementsOf(want.finished());
            assertThat(got.released()).as("seed %d", seed).containsExactlyElementsOf(want.released());
            assertThat(got).as("seed %d", seed).isEqualTo(want);
            assertThat(restored.snapshot().admitted()).isEqualTo(life.core.snapshot().admitted());
            assertThat(restored.snapshot().gpusInUseByNode()).isEqualTo(life.core.snapshot().gpusInUseByNode());
            // And from here on both decide alike.
            var more = job("after", "q0", 1, 1);
            life.core.apply(more);
            restored.apply(more);
            Instant later = T.plusSeconds(rounds + 1);
            assertThat(restored.cycle(later)).as("seed %d", seed).isEqualTo(life.core.cycle(later));
        }
    }

    @Test
    void aCheckpointForgetsWorkloadsFinishedBeforeTheRetentionWindowAndIgnoresLateRepeatsWithinIt() {
        SchedulerCore core = fresh();
        core.finishReplay();
        core.apply(node("n1", 8));
        for (int i = 0; i < 100; i++) {
            core.apply(job("old" + i, "q", 1, 1));
        }
        // They run 8 at a time and all succeed.
        for (int round = 0; round < 20 && core.snapshot().admitted() + waiting(core) > 0; round++) {
            for (PlacementEvent d : core.cycle(T)) {
                core.apply(d);
                if (d instanceof PlacementEvent.WorkloadAdmitted a) {
                    core.apply(new ExecutionEvent.WorkloadSucceeded(a.workloadId(), a.attempt(), T));
                }
            }
        }
        assertThat(core.finishedRemembered()).isEqualTo(100);
        assertThat(core.checkpoint().finished()).hasSize(100);
        assertThat(core.checkpoint().workloads()).isEmpty();

        // A late repeat within the window is not a new workload.
        core.apply(job("old7", "q", 1, 1));
        assertThat(core.cycle(T.plusSeconds(5))).isEmpty();

        var running = job("running", "q", 1, 8);
        core.apply(running);
        var admission = admitted(core.cycle(T.plusSeconds(10))).get(0);
        core.apply(admission);
        assertThat(core.forgetFinishedBefore(T.plusSeconds(1))).isEqualTo(100);

        Checkpoint cp = core.checkpoint();
        assertThat(cp.finished()).isEmpty();
        assertThat(cp.released()).isEmpty();
        assertThat(cp.workloads()).extracting(Checkpoint.Workload::id).containsExactly("running");
        assertThat(cp.admissions()).extracting(Checkpoint.Held::workloadId).containsExactly("running");
        assertThat(cp.size()).isEqualTo(1 + 1 + 1); // one node, one workload, one admission
    }

    @Test
    void aCancellationReadBeforeTheAdmissionItCancelsStillRevokesIt() {
        // A hot standby reads capstan.workloads and capstan.placements in any order: the leader admitted, the user
        // cancelled, and the standby (which takes over before the leader revoked) hears the cancellation first.
        var n = node("n1", 4);
        var a = job("a", "q", 1, 2);
        var admission = admitted(live(n, a).cycle(T)).get(0);

        SchedulerCore standby = live(n);
        standby.apply(a);
        standby.apply(new WorkloadEvent.WorkloadCancelled("a", "wrong data", T));
        standby.apply(admission);

        assertThat(standby.cycle(T)).containsExactly(
                new PlacementEvent.AdmissionRevoked("a", 1, "cancelled: wrong data", T));
        assertThat(standby.snapshot().admitted()).isEqualTo(1); // held until the executor releases it
        standby.apply(new ExecutionEvent.CapacityReleased("a", 1, "revoked", T));
        assertThat(standby.snapshot().admitted()).isZero();
        assertThat(standby.finishedRemembered()).isEqualTo(1);
    }

    @Test
    void aReleaseReadBeforeItsAdmissionIsKeptUntilTheAdmissionComesAndTheCapacityIsFree() {
        var n = node("n1", 4);
        var a = job("a", "q", 1, 4);
        var admission = admitted(live(n, a).cycle(T)).get(0);

        SchedulerCore standby = live(n);
        standby.apply(new ExecutionEvent.WorkloadSucceeded("a", 1, T));
        standby.forgetFinishedBefore(T.minusSeconds(60)); // a sweep in between keeps a recent release
        standby.apply(a);
        standby.apply(admission);

        assertThat(standby.snapshot().admitted()).isZero();
        standby.apply(job("b", "q", 1, 4));
        assertThat(admitted(standby.cycle(T))).extracting(PlacementEvent.WorkloadAdmitted::workloadId)
                .containsExactly("b");
    }

    private static int waiting(SchedulerCore core) {
        return core.snapshot().queues().values().stream().mapToInt(List::size).sum();
    }

    /** The checkpoint with its lists in a fixed order (maps iterate in any order). */
    private static Checkpoint normalized(Checkpoint c) {
        return new Checkpoint(c.arrivals(), c.nodes(), c.workloads(),
                c.admissions().stream().sorted(Comparator.comparing(Checkpoint.Held::workloadId)).toList(),
                c.finished().stream().sorted(Comparator.comparing(Checkpoint.Finished::workloadId)).toList(),
                c.released().stream().sorted(Comparator.comparing(Checkpoint.Released::workloadId)).toList(),
                c.revokedUpTo(), c.served());
    }
}

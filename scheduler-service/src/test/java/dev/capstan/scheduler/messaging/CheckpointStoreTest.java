package dev.capstan.scheduler.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.Framework;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.Resources;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.scheduler.domain.placement.PlacementPolicies;
import dev.capstan.scheduler.domain.queue.Checkpoint;
import dev.capstan.scheduler.domain.queue.SchedulerCore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A checkpoint's text form: split into chunks below the record size, read back entry for entry. */
class CheckpointStoreTest {

    static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void aLargeCheckpointIsSplitIntoChunksAndReadBackUnchanged() throws Exception {
        SchedulerCore core = new SchedulerCore(PlacementPolicies.byName("firstfit"));
        core.finishReplay();
        core.apply(new NodeEvent.NodeUpdated("n1", 64_000, 524_288, IntStream.range(0, 8)
                .mapToObj(i -> new NodeEvent.Gpu(i, "A100", 81920, "island-" + i / 4)).toList(),
                Map.of("topology.capstan.dev/rack", "r1"), true, List.of("gpu=true:NoSchedule"), T));
        for (int i = 0; i < 3_000; i++) {
            core.apply(new WorkloadEvent.WorkloadSubmitted("w" + i, new TrainingJobSpec("job \"" + i + "\"\nline",
                    "team-" + i % 5, "registry/train:1", List.of("python", "train.py", "--lr=0.1"), Framework.PYTORCH,
                    1 + i % 2, new Resources(1, 1000, List.of(), 2000, 8192), i % 3, Map.of("a", "b"),
                    Map.of("K", "v=" + i), null), T.plusSeconds(i)));
        }
        for (PlacementEvent d : core.cycle(T)) {
            core.apply(d);
            if (d instanceof PlacementEvent.WorkloadAdmitted a && a.workloadId().hashCode() % 2 == 0) {
                core.apply(new ExecutionEvent.WorkloadSucceeded(a.workloadId(), a.attempt(), T));
            }
        }
        core.apply(new WorkloadEvent.WorkloadCancelled("w2999", "no longer needed", T));
        core.apply(new ExecutionEvent.CapacityReleased("not-seen-yet", 1, "deleted", T));
        Checkpoint cp = core.checkpoint();

        List<String> chunks = CheckpointStore.chunks("id-1", cp);

        assertThat(chunks).hasSizeGreaterThan(1)
                .allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(CheckpointStore.CHUNK_CHARS));
        assertThat(chunks.get(1)).startsWith("capstan-checkpoint id-1 1\n");
        Checkpoint back = CheckpointStore.parse(chunks.toArray(String[]::new), cp.arrivals());
        assertThat(back).isEqualTo(cp);
        assertThat(back.finished()).isNotEmpty();
        assertThat(back.released()).extracting(Checkpoint.Released::workloadId).containsExactly("not-seen-yet");
    }

    @Test
    void anEmptyCheckpointIsOneChunk() throws Exception {
        SchedulerCore core = new SchedulerCore(PlacementPolicies.byName("firstfit"));
        core.finishReplay();
        List<String> chunks = CheckpointStore.chunks("id-0", core.checkpoint());
        assertThat(chunks).containsExactly("capstan-checkpoint id-0 0");
        assertThat(CheckpointStore.parse(chunks.toArray(String[]::new), 0)).isEqualTo(core.checkpoint());
    }
}

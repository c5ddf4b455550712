package dev.capstan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuHoldsTest {

    static final Instant T = Instant.parse("2026-12-02T10:00:00Z");

    static PlacementEvent.WorkloadAdmitted admitted(String id, int gpu, int milli, int atSecond) {
        return new PlacementEvent.WorkloadAdmitted(id, 1, "q", List.of(new PodAssignment(id + "-p", "worker", 0,
                "n1", List.of(gpu), milli, "A100", null)), T.plusSeconds(atSecond), null);
    }

    static ExecutionEvent released(String id, int atSecond) {
        return new ExecutionEvent.CapacityReleased(id, 1, "done", T.plusSeconds(atSecond));
    }

    @Test
    void sharesThatFitOneGpuAndHoldsOneAfterAnotherAreFine() {
        assertThat(GpuHolds.overlaps(List.of(admitted("a", 0, 500, 0), admitted("b", 0, 500, 1),
                admitted("c", 0, 1000, 6)), List.of(released("a", 5), released("b", 5)))).isEmpty();
    }

    @Test
    void aGpuHeldBeyondItsWholeIsReported() {
        assertThat(GpuHolds.overlaps(List.of(admitted("a", 0, 500, 0), admitted("b", 0, 600, 1),
                admitted("c", 1, 1000, 0), admitted("d", 1, 1000, 3)), List.of(released("c", 5))))
                .hasSize(2).anySatisfy(s -> assertThat(s).startsWith("GPU n1/0 given to b (600 milli)"))
                .anySatisfy(s -> assertThat(s).startsWith("GPU n1/1 given to d"));
    }
}

package dev.capstan.executor.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.TrainingJobSpec;
import dev.capstan.executor.domain.Fixtures;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The executor's in-memory specs: kept while a workload may still run, forgotten when it cannot. */
class WorkloadSpecsTest {

    private final WorkloadSpecs specs = new WorkloadSpecs();
    private final TrainingJobSpec spec = Fixtures.aSpec().build();

    @Test
    void aFinishedWorkloadsSpecGoesAndDoesNotComeBack() throws Exception {
        specs.put("wl-1", spec);
        assertThat(specs.await("wl-1", Duration.ZERO)).contains(spec);
        specs.forget("wl-1");
        assertThat(specs.size()).isZero();
        assertThat(specs.finished("wl-1")).isTrue();
        long start = System.nanoTime();
        assertThat(specs.await("wl-1", Duration.ofSeconds(10))).isEmpty();
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5)); // no waiting for it
        specs.put("wl-1", spec); // a replayed submission after the finish (out of order) brings nothing back
        assertThat(specs.size()).isZero();
    }

    @Test
    void anAdmissionWaitingForTheSpecStopsWaitingWhenTheWorkloadFinishes() throws Exception {
        CompletableFuture<Optional<TrainingJobSpec>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return specs.await("wl-2", Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // Wait until the admission is waiting (it registers the spec it waits for), then finish the workload.
        while (specs.size() == 0) {
            Thread.sleep(10);
        }
        specs.forget("wl-2");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(specs.size()).isZero();
    }

    @Test
    void onlyTheMostRecentFinishedWorkloadsAreRemembered() {
        for (int i = 0; i <= WorkloadSpecs.FINISHED_REMEMBERED; i++) {
            specs.forget("wl-" + i);
        }
        assertThat(specs.finished("wl-0")).isFalse(); // the oldest fell out
        assertThat(specs.finished("wl-1")).isTrue();
        assertThat(specs.finished("wl-" + WorkloadSpecs.FINISHED_REMEMBERED)).isTrue();
    }
}

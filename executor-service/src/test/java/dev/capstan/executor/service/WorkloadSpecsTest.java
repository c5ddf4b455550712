package dev.capstan.executor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    void anEndedWorkloadsSpecGoesAndDoesNotComeBack() throws Exception {
        specs.put("wl-1", spec);
        assertThat(specs.await("wl-1", Duration.ZERO)).contains(spec);
        specs.end("wl-1", "workload has already finished");
        assertThat(specs.size()).isZero();
        assertThat(specs.ended("wl-1")).contains("workload has already finished");
        long start = System.nanoTime();
        assertThat(specs.await("wl-1", Duration.ofSeconds(10))).isEmpty();
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5)); // no waiting for it
        specs.put("wl-1", spec); // a replayed submission after the end (out of order) brings nothing back
        assertThat(specs.size()).isZero();
    }

    @Test
    void anAdmissionWaitingForTheSpecStopsWaitingWhenTheWorkloadEnds() throws Exception {
        CompletableFuture<Optional<TrainingJobSpec>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return specs.await("wl-2", Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // The admission registers the spec it waits for; then the workload is cancelled.
        await().atMost(Duration.ofSeconds(5)).until(() -> specs.size() == 1);
        specs.end("wl-2", "workload was cancelled before its pods were created");
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(specs.size()).isZero();
    }

    @Test
    void onlyTheMostRecentEndedWorkloadsAreRemembered() {
        for (int i = 0; i <= WorkloadSpecs.ENDED_REMEMBERED; i++) {
            specs.end("wl-" + i, "workload has already finished");
        }
        assertThat(specs.ended("wl-0")).isEmpty(); // the oldest fell out
        assertThat(specs.ended("wl-1")).isPresent();
        assertThat(specs.ended("wl-" + WorkloadSpecs.ENDED_REMEMBERED)).isPresent();
    }
}

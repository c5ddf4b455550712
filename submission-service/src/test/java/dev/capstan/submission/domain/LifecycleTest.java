package dev.capstan.submission.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LifecycleTest {

    static final Instant T = Instant.parse("2026-11-29T00:00:00Z");
    static final PodAssignment POD = new PodAssignment("p", "worker", 0, "n1", List.of(0), 1000, "A100", null);

    record Case(String name, WorkloadStatus status, int attempt, CapstanEvent event, WorkloadStatus want,
            int wantAttempt) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("queued is admitted", WorkloadStatus.QUEUED, 0,
                        new PlacementEvent.WorkloadAdmitted("w", 1, "q", List.of(POD), T, null), WorkloadStatus.ADMITTED, 1),
                new Case("pending is admitted", WorkloadStatus.PENDING, 0,
                        new PlacementEvent.WorkloadAdmitted("w", 1, "q", List.of(POD), T, null), WorkloadStatus.ADMITTED, 1),
                new Case("queued becomes pending", WorkloadStatus.QUEUED, 0,
                        new PlacementEvent.WorkloadPending("w", "no room", T), WorkloadStatus.PENDING, 0),
                new Case("pending after admission is stale", WorkloadStatus.ADMITTED, 1,
                        new PlacementEvent.WorkloadPending("w", "no room", T), null, 0),
                new Case("redelivered admission changes nothing", WorkloadStatus.RUNNING, 1,
                        new PlacementEvent.WorkloadAdmitted("w", 1, "q", List.of(POD), T, null), null, 0),
                new Case("preempted goes back to the queue", WorkloadStatus.RUNNING, 1,
                        new PlacementEvent.WorkloadPreempted("w", 1, "higher priority", T), WorkloadStatus.QUEUED, 1),
                new Case("admitted starts running", WorkloadStatus.ADMITTED, 1,
                        new ExecutionEvent.WorkloadRunning("w", 1, T), WorkloadStatus.RUNNING, 1),
                new Case("running succeeds", WorkloadStatus.RUNNING, 1,
                        new ExecutionEvent.WorkloadSucceeded("w", 1, T), WorkloadStatus.SUCCEEDED, 1),
                new Case("fast job succeeds without a running report", WorkloadStatus.ADMITTED, 1,
                        new ExecutionEvent.WorkloadSucceeded("w", 1, T), WorkloadStatus.SUCCEEDED, 1),
                new Case("running fails", WorkloadStatus.RUNNING, 1,
                        new ExecutionEvent.WorkloadFailed("w", 1, "OOMKilled", true, T), WorkloadStatus.FAILED, 1),
                new Case("old attempt's failure is ignored", WorkloadStatus.RUNNING, 2,
                        new ExecutionEvent.WorkloadFailed("w", 1, "OOMKilled", true, T), null, 0),
                new Case("nothing leaves a terminal status", WorkloadStatus.CANCELLED, 1,
                        new ExecutionEvent.WorkloadSucceeded("w", 1, T), null, 0),
                new Case("running report after success is stale", WorkloadStatus.SUCCEEDED, 1,
                        new ExecutionEvent.WorkloadRunning("w", 1, T), null, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void moves(Case c) {
        Lifecycle.State s = new Lifecycle.State(c.status(), "", c.attempt());

        Optional<Lifecycle.State> next = c.event() instanceof PlacementEvent p ? Lifecycle.on(s, p)
                : Lifecycle.on(s, (ExecutionEvent) c.event()).stream().reduce((first, second) -> second);

        if (c.want() == null) {
            assertThat(next).isEmpty();
        } else {
            assertThat(next).get().extracting(Lifecycle.State::status, Lifecycle.State::attempt)
                    .containsExactly(c.want(), c.wantAttempt());
        }
    }

    static Stream<Case> executorFirst() {
        return Stream.of(
                new Case("running before its admission arrived: admitted, then running", WorkloadStatus.QUEUED, 0,
                        new ExecutionEvent.WorkloadRunning("w", 1, T), WorkloadStatus.RUNNING, 1),
                new Case("success before its admission arrived: admitted, then succeeded", WorkloadStatus.PENDING, 0,
                        new ExecutionEvent.WorkloadSucceeded("w", 1, T), WorkloadStatus.SUCCEEDED, 1),
                new Case("after a preemption, the new attempt's report implies the new admission",
                        WorkloadStatus.QUEUED, 1, new ExecutionEvent.WorkloadRunning("w", 2, T), WorkloadStatus.RUNNING,
                        2),
                new Case("after a preemption, the old attempt's late report changes nothing", WorkloadStatus.QUEUED, 1,
                        new ExecutionEvent.WorkloadRunning("w", 1, T), null, 0),
                new Case("an admitted workload implies nothing", WorkloadStatus.ADMITTED, 1,
                        new ExecutionEvent.WorkloadRunning("w", 1, T), WorkloadStatus.RUNNING, 1),
                new Case("a cancelled one implies nothing", WorkloadStatus.CANCELLED, 0,
                        new ExecutionEvent.WorkloadRunning("w", 1, T), null, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executorFirst")
    void anExecutorReportAheadOfItsAdmissionIsNotLost(Case c) {
        Lifecycle.State s = new Lifecycle.State(c.status(), "", c.attempt());
        ExecutionEvent e = (ExecutionEvent) c.event();

        List<Lifecycle.State> path = Lifecycle.on(s, e);

        if (c.want() == null) {
            assertThat(path).isEmpty();
        } else {
            assertThat(path.get(path.size() - 1)).extracting(Lifecycle.State::status, Lifecycle.State::attempt)
                    .containsExactly(c.want(), c.wantAttempt());
            // Every path goes through ADMITTED: the history reads the same whichever topic was read first.
            WorkloadStatus before = path.size() > 1 ? path.get(path.size() - 2).status() : c.status();
            assertThat(before).isEqualTo(WorkloadStatus.ADMITTED);
        }
    }
}

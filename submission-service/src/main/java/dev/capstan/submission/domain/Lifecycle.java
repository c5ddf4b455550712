package dev.capstan.submission.domain;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import java.util.List;
import java.util.Optional;

/**
 * How scheduler and executor events move a workload's status. Events of an older attempt than the
 * workload's current one, and any event after a terminal status, change nothing.
 */
public final class Lifecycle {

    private Lifecycle() {
    }

    /** The workload's status, reason and current admission. */
    public record State(WorkloadStatus status, String reason, int attempt) {
        boolean waiting() {
            return status == WorkloadStatus.QUEUED || status == WorkloadStatus.PENDING;
        }
    }

    /** The new state after a placement event, or empty when the event changes nothing. */
    public static Optional<State> on(State s, PlacementEvent e) {
        if (s.status().terminal()) {
            return Optional.empty();
        }
        if (e instanceof PlacementEvent.WorkloadAdmitted a) {
            boolean newer = a.attempt() > s.attempt() || (a.attempt() == s.attempt() && s.waiting());
            return newer ? Optional.of(new State(WorkloadStatus.ADMITTED, "placed " + a.pods().size() + " pod(s)",
                    a.attempt())) : Optional.empty();
        }
        if (e instanceof PlacementEvent.WorkloadPending p) {
            return s.waiting() && !p.reason().equals(s.reason())
                    ? Optional.of(new State(WorkloadStatus.PENDING, p.reason(), s.attempt()))
                    : Optional.empty();
        }
        if (e instanceof PlacementEvent.WorkloadPreempted p && p.attempt() == s.attempt() && !s.waiting()) {
            return Optional.of(new State(WorkloadStatus.QUEUED, p.reason(), s.attempt()));
        }
        return Optional.empty();
    }

    /**
     * The states an execution event moves the workload through, in order; empty when it changes nothing.
     *
     * <p>The scheduler's and the executor's topics are consumed independently, so the executor's report on attempt
     * n can come before the scheduler's admission of attempt n. A waiting workload that hears from the executor
     * about a newer attempt was admitted: the first state is then that implied admission, and the report applies
     * on top of it (without it the report would be dropped and the workload would stay behind its pods).
     */
    public static List<State> on(State s, ExecutionEvent e) {
        if (s.status().terminal()) {
            return List.of();
        }
        if (s.waiting() && e.attempt() > s.attempt()) {
            State admitted = new State(WorkloadStatus.ADMITTED,
                    "admitted (reported by the executor before the placement event arrived)", e.attempt());
            return next(admitted, e).map(n -> List.of(admitted, n)).orElse(List.of(admitted));
        }
        return next(s, e).map(List::of).orElse(List.of());
    }

    private static Optional<State> next(State s, ExecutionEvent e) {
        if (e.attempt() != s.attempt()) {
            return Optional.empty();
        }
        if (e instanceof ExecutionEvent.WorkloadRunning && s.status() == WorkloadStatus.ADMITTED) {
            return Optional.of(new State(WorkloadStatus.RUNNING, "all pods running", s.attempt()));
        }
        if (e instanceof ExecutionEvent.WorkloadSucceeded) {
            return Optional.of(new State(WorkloadStatus.SUCCEEDED, "all pods succeeded", s.attempt()));
        }
        if (e instanceof ExecutionEvent.WorkloadFailed f) {
            return Optional.of(new State(WorkloadStatus.FAILED, f.reason(), s.attempt()));
        }
        return Optional.empty();
    }
}

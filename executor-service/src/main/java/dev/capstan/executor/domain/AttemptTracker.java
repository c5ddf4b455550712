package dev.capstan.executor.domain;

import dev.capstan.executor.domain.GangState.Stage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers which milestone of each admission was reported, so that each transition is emitted
 * once while the process lives. It never goes backwards; terminal stages are final. After a restart
 * it is empty and the current state is reported again (consumers are idempotent), except for
 * attempts whose pods carry the outcome label, which {@link #settle} marks without a report.
 */
public final class AttemptTracker {

    /** One admission of one workload. */
    public record AttemptKey(String workloadId, int attempt) {
    }

    private static final List<Stage> PATH = List.of(Stage.CREATED, Stage.RUNNING, Stage.SUCCEEDED);

    private final Map<AttemptKey, Stage> reported = new HashMap<>();

    /**
     * The milestones to report now that {@code observed} holds, in order (missed ones included: a
     * gang seen only once it succeeded still reports created and running first). Empty when nothing
     * is new.
     */
    public synchronized List<Stage> advance(AttemptKey key, Stage observed) {
        Stage current = reported.get(key);
        if (current != null && current.terminal()) {
            return List.of();
        }
        if (observed == Stage.INCOMPLETE) {
            return List.of();
        }
        if (observed == Stage.FAILED || observed == Stage.RELEASED) {
            reported.put(key, observed);
            return List.of(observed);
        }
        int from = current == null ? 0 : PATH.indexOf(current) + 1;
        int to = PATH.indexOf(observed);
        if (to < from) {
            return List.of();
        }
        reported.put(key, observed);
        return new ArrayList<>(PATH.subList(from, to + 1));
    }

    /** Marks the admission as finished without reporting (its outcome was reported before a restart). */
    public synchronized void settle(AttemptKey key, Stage terminal) {
        reported.put(key, terminal);
    }

    /**
     * Marks the admission released (cancel, preemption). Returns false when it was already terminal,
     * i.e. its capacity was released by an earlier report.
     */
    public synchronized boolean release(AttemptKey key) {
        Stage before = reported.put(key, Stage.RELEASED);
        return before == null || !before.terminal();
    }

    /**
     * Forgets a finished admission, so that the tracker holds only what may still be redelivered or observed: its
     * pods expired, or long enough passed since it was released.
     */
    public synchronized void forget(AttemptKey key) {
        Stage s = reported.get(key);
        if (s != null && s.terminal()) {
            reported.remove(key);
        }
    }

    /** Admissions remembered. */
    public synchronized int size() {
        return reported.size();
    }

    public synchronized Stage reported(AttemptKey key) {
        return reported.get(key);
    }

    public synchronized boolean isTerminal(AttemptKey key) {
        Stage s = reported.get(key);
        return s != null && s.terminal();
    }

    /** Admissions of a workload that have not finished. */
    public synchronized List<AttemptKey> active(String workloadId) {
        return reported.entrySet().stream()
                .filter(e -> e.getKey().workloadId().equals(workloadId) && !e.getValue().terminal())
                .map(Map.Entry::getKey).toList();
    }
}

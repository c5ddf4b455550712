package dev.capstan.console.domain;

import dev.capstan.events.PodAssignment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Every workload the topics told of (training jobs, trials, inference replicas): its status, reason, pods and
 * history, and per queue what waits and why. Finished workloads beyond {@link #KEEP_FINISHED} are forgotten, oldest
 * first. Not thread-safe: {@link ReadModel} guards it.
 */
public final class WorkloadsView {

    /** Finished workloads kept for search; the oldest go first. */
    static final int KEEP_FINISHED = 5_000;
    /** History entries kept per workload (a replica lives long and changes often). */
    static final int HISTORY = 200;
    /** How far back admissions count for the admission rate and queue wait. */
    static final Duration RATE_WINDOW = Duration.ofMinutes(5);

    private final Map<String, Workload> byId = new LinkedHashMap<>();
    private final java.util.LinkedHashSet<String> finishedOrder = new java.util.LinkedHashSet<>();
    private final Deque<Admission> admissions = new ArrayDeque<>();
    private final Consumer<String> onForget;

    WorkloadsView(Consumer<String> onForget) {
        this.onForget = onForget;
    }

    /** A first admission: when, in which queue, after how long a wait. */
    record Admission(String queue, Instant at, Duration waited) {
    }

    /** Statuses in the order an attempt goes through them; a later one is not overwritten by an earlier one. */
    enum Status {
        PENDING, ADMITTED, STARTING, RUNNING, PREEMPTED, RETRYING, SUCCEEDED, FAILED, CANCELLED, RELEASED;

        boolean terminal() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == RELEASED;
        }
    }

    /** One workload, mutable inside the read model; {@link #summary()} and {@link #detail()} copy it out. */
    static final class Workload {
        final String id;
        String name;
        String queue;
        String kind = "training";
        String service;
        String image;
        int workers = 1;
        PodRequest perPod = new PodRequest(0, 0, List.of(), 0, 0);
        Status status = Status.PENDING;
        int statusAttempt;
        String reason;
        Instant submittedAt;
        Instant admittedAt;
        Instant updatedAt;
        int attempt;
        List<PodAssignment> pods = List.of();
        final Deque<History> history = new ArrayDeque<>();
        final java.util.Set<String> milestones = new java.util.HashSet<>();
        boolean finalSaid;

        Workload(String id) {
            this.id = id;
        }

        WorkloadSummary summary() {
            return new WorkloadSummary(id, name, queue, kind, service, status.name(), reason, workers, perPod.gpus(),
                    perPod.gpuMilli(), attempt, submittedAt, updatedAt);
        }

        WorkloadDetail detail() {
            return new WorkloadDetail(summary(), image, perPod, admittedAt, pods, List.copyOf(history));
        }
    }

    /** One line of a workload's history. */
    public record History(Instant at, String event, String detail) {
    }

    /** A workload in a list. */
    public record WorkloadSummary(String id, String name, String queue, String kind, String service, String status,
            String reason, int workers, int gpusPerWorker, int gpuMilli, int attempt, Instant submittedAt,
            Instant updatedAt) {
    }

    /** A workload with its placement and history (newest last). */
    public record WorkloadDetail(WorkloadSummary workload, String image, PodRequest perPod, Instant admittedAt,
            List<PodAssignment> pods, List<History> history) {
    }

    Workload get(String id) {
        return byId.computeIfAbsent(id, Workload::new);
    }

    Workload find(String id) {
        return byId.get(id);
    }

    void note(Workload w, Instant at, String event, String detail) {
        note(w, at, event, detail, -1);
    }

    /**
     * A line of history, once: delivery is at least once, and two executor instances both report the milestones of
     * a gang (executor-service's README), each with its own time. A milestone of an attempt ({@code attempt >= 0})
     * is one line whoever reported it first; other lines are dropped only when exactly the same. Returns whether the
     * line is new.
     */
    boolean note(Workload w, Instant at, String event, String detail, int attempt) {
        History h = new History(at, event, detail);
        if (attempt >= 0 ? !w.milestones.add(event + "#" + attempt) : w.history.contains(h)) {
            return false;
        }
        w.history.addLast(h);
        while (w.history.size() > HISTORY) {
            w.history.removeFirst();
        }
        if (at != null && (w.updatedAt == null || at.isAfter(w.updatedAt))) {
            w.updatedAt = at;
        }
        return true;
    }

    /**
     * Moves the status unless the event is older than what is shown: topics are read side by side, so a
     * {@code Running} may be read before the admission of the same attempt. A final word (finished, cancelled)
     * always wins.
     */
    void status(Workload w, int attempt, Status s, String reason, boolean finalWord) {
        if (w.finalSaid && !finalWord) {
            return;
        }
        boolean newer = attempt > w.statusAttempt || attempt == w.statusAttempt && s.ordinal() >= w.status.ordinal();
        if (finalWord || newer) {
            w.status = s;
            w.statusAttempt = Math.max(attempt, w.statusAttempt);
            w.reason = reason;
            w.finalSaid |= finalWord;
        }
        if (s.terminal() && !w.kind.equals("replica") || finalWord) {
            finished(w);
        }
    }

    void admitted(Workload w, String queue, Instant at) {
        if (w.admittedAt == null && w.submittedAt != null && at != null) {
            admissions.addLast(new Admission(queue, at, Duration.between(w.submittedAt, at)));
        }
        if (w.admittedAt == null) {
            w.admittedAt = at;
        }
    }

    private void finished(Workload w) {
        if (!finishedOrder.add(w.id)) {
            return;
        }
        while (finishedOrder.size() > KEEP_FINISHED) {
            var oldest = finishedOrder.iterator();
            String old = oldest.next();
            oldest.remove();
            byId.remove(old);
            onForget.accept(old);
        }
    }

    /** Workloads matching the filter, newest first, at most {@code limit}. */
    public List<WorkloadSummary> search(String text, String status, String queue, String kind, int limit) {
        String needle = text == null ? "" : text.toLowerCase(Locale.ROOT).trim();
        List<WorkloadSummary> out = new ArrayList<>();
        List<Workload> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing((Workload w) -> w.submittedAt == null ? Instant.EPOCH : w.submittedAt)
                .reversed());
        for (Workload w : all) {
            if (status != null && !status.isBlank() && !w.status.name().equalsIgnoreCase(status)
                    || queue != null && !queue.isBlank() && !queue.equals(w.queue)
                    || kind != null && !kind.isBlank() && !kind.equals(w.kind)
                    || !needle.isEmpty() && !(contains(w.id, needle) || contains(w.name, needle)
                    || contains(w.queue, needle) || contains(w.reason, needle) || contains(w.service, needle))) {
                continue;
            }
            out.add(w.summary());
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    private static boolean contains(String s, String needle) {
        return s != null && s.toLowerCase(Locale.ROOT).contains(needle);
    }

    /** Counts by status. */
    Map<String, Integer> counts() {
        Map<String, Integer> m = new TreeMap<>();
        byId.values().forEach(w -> m.merge(w.status.name(), 1, Integer::sum));
        return m;
    }

    /** Queues: what waits and why, what runs, admissions and waits over the last {@link #RATE_WINDOW}. */
    public List<QueueView> queues(Map<String, Long> gpuMilliByQueue, int clusterGpus, Instant now) {
        while (!admissions.isEmpty() && admissions.peekFirst().at().isBefore(now.minus(RATE_WINDOW))) {
            admissions.removeFirst();
        }
        Map<String, QueueAcc> acc = new TreeMap<>();
        for (Workload w : byId.values()) {
            if (w.queue == null) {
                continue;
            }
            QueueAcc q = acc.computeIfAbsent(w.queue, QueueAcc::new);
            switch (w.status) {
                case PENDING, PREEMPTED, RETRYING -> {
                    q.pending.add(new PendingView(w.id, w.name, w.kind, w.workers, w.perPod.gpus(),
                            w.reason == null ? "waiting for its first scheduling cycle" : w.reason, w.submittedAt));
                    q.reasons.merge(w.reason == null ? "waiting for its first scheduling cycle" : reasonKind(w.reason),
                            1, Integer::sum);
                }
                case ADMITTED, STARTING, RUNNING -> q.running++;
                default -> {
                }
            }
        }
        gpuMilliByQueue.keySet().forEach(k -> acc.computeIfAbsent(k, QueueAcc::new));
        admissions.forEach(a -> acc.computeIfAbsent(a.queue() == null ? "default" : a.queue(), QueueAcc::new)
                .waits.add(a.waited().toMillis()));
        List<QueueView> out = new ArrayList<>();
        for (QueueAcc q : acc.values()) {
            q.pending.sort(Comparator.comparing(p -> p.submittedAt() == null ? Instant.EPOCH : p.submittedAt()));
            List<Long> waits = q.waits.stream().sorted().toList();
            double gpus = gpuMilliByQueue.getOrDefault(q.name, 0L) / 1000.0;
            out.add(new QueueView(q.name, gpus, clusterGpus == 0 ? 0 : gpus / clusterGpus, q.running,
                    q.pending.size(), q.reasons, waits.size() / (double) RATE_WINDOW.toMinutes(),
                    waits.isEmpty() ? null : waits.get(waits.size() / 2) / 1000.0,
                    waits.isEmpty() ? null : waits.get((int) Math.min(waits.size() - 1,
                            Math.ceil(waits.size() * 0.9) - 1)) / 1000.0,
                    q.pending.stream().limit(100).toList()));
        }
        return out;
    }

    /** A pending reason without its numbers, so that reasons group ("needs 8 GPUs…" and "needs 4 GPUs…" stay apart). */
    static String reasonKind(String reason) {
        int colon = reason.indexOf(':');
        return colon > 0 && colon < 60 ? reason.substring(0, colon) : reason.length() > 80 ? reason.substring(0, 80)
                + "…" : reason;
    }

    private static final class QueueAcc {
        final String name;
        final List<PendingView> pending = new ArrayList<>();
        final Map<String, Integer> reasons = new TreeMap<>();
        final List<Long> waits = new ArrayList<>();
        int running;

        QueueAcc(String name) {
            this.name = name;
        }
    }

    /**
     * One queue.
     *
     * @param gpusInUse          GPU capacity its admitted pods hold
     * @param shareOfCluster     gpusInUse over the cluster's GPUs
     * @param reasons            pending workloads by reason
     * @param admissionsPerMinute first admissions per minute over the last five minutes
     * @param waitP50Seconds     median wait (submitted → first admitted) of those admissions, null when none
     * @param waitP90Seconds     90th percentile of the same
     */
    public record QueueView(String name, double gpusInUse, double shareOfCluster, int running, int pendingCount,
            Map<String, Integer> reasons, double admissionsPerMinute, Double waitP50Seconds, Double waitP90Seconds,
            List<PendingView> pending) {
    }

    /** A waiting workload and why it waits. */
    public record PendingView(String id, String name, String kind, int workers, int gpusPerWorker, String reason,
            Instant submittedAt) {
    }
}

package dev.capstan.console.domain;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.ModelEvent;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.TrialEvent;
import dev.capstan.events.TuningEvent;
import dev.capstan.events.WorkloadEvent;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The console's read model: what every topic told, folded into the views the pages show. One writer (the event
 * feed) and many readers (the pages); every method is synchronized, and what leaves it is an immutable copy.
 *
 * <p>It decides nothing: a status it shows is what the owning service published. Topics are read side by side, so
 * events of one workload may arrive out of order across topics; the views keep the newest attempt's latest state.
 */
public final class ReadModel {

    /** The parts of the console a change touches; a page refreshes when its part changed. */
    public enum Section {
        GPUS, QUEUES, WORKLOADS, SERVICES, MODELS, TUNING
    }

    private final java.time.Clock clock;
    private final ClusterView cluster = new ClusterView();
    private final WorkloadsView workloads = new WorkloadsView(cluster::forget);
    private final ServingView serving = new ServingView();
    private final ModelsView models = new ModelsView();
    private final TuningView tuning = new TuningView();
    private final Map<Section, Long> changedAt = new EnumMap<>(Section.class);
    private long version;
    private long applied;
    private Instant lastEventAt;

    /** @param clock what "when the last event came" reads */
    public ReadModel(java.time.Clock clock) {
        this.clock = clock;
    }

    /** Folds one event in; returns the sections it changed (empty for an event the console does not show). */
    public synchronized Set<Section> apply(CapstanEvent event) {
        Set<Section> touched = route(event);
        if (!touched.isEmpty()) {
            version++;
            touched.forEach(s -> changedAt.put(s, version));
        }
        applied++;
        lastEventAt = clock.instant();
        return touched;
    }

    private Set<Section> route(CapstanEvent event) {
        if (event instanceof NodeEvent n) {
            cluster.node(n);
            return EnumSet.of(Section.GPUS);
        } else if (event instanceof WorkloadEvent w) {
            return workload(w);
        } else if (event instanceof PlacementEvent p) {
            return placement(p);
        } else if (event instanceof ExecutionEvent e) {
            return execution(e);
        } else if (event instanceof ScalingEvent s) {
            if (s instanceof ScalingEvent.ScaleDecided d) {
                serving.decided(d);
            } else if (s instanceof ScalingEvent.RevisionsPlanned p) {
                serving.planned(p);
            }
            return EnumSet.of(Section.SERVICES);
        } else if (event instanceof InferenceMetricsEvent.RequestRateSample m) {
            serving.sample(m);
            return EnumSet.of(Section.SERVICES);
        } else if (event instanceof ModelEvent m) {
            models.apply(m);
            return EnumSet.of(Section.MODELS);
        } else if (event instanceof TuningEvent t) {
            tuning.apply(t);
            return EnumSet.of(Section.TUNING);
        } else if (event instanceof TrialEvent.TrialMetricReported m) {
            tuning.metric(m);
            return EnumSet.of(Section.TUNING);
        }
        return EnumSet.noneOf(Section.class);
    }

    private Set<Section> workload(WorkloadEvent e) {
        if (e instanceof WorkloadEvent.WorkloadSubmitted s) {
            WorkloadsView.Workload w = workloads.get(s.workloadId());
            w.name = s.spec().name();
            w.queue = s.spec().queue();
            w.image = s.spec().image();
            w.workers = Math.max(1, s.spec().workers());
            w.perPod = PodRequest.of(s.spec().resources());
            w.submittedAt = s.submittedAt();
            if (workloads.note(w, s.submittedAt(), "submitted", s.spec().workers() + " × " + describe(w.perPod)
                    + " in " + s.spec().queue(), 0)) {
                cluster.seen(w.perPod); // once per workload, however often the submission is delivered
            }
            return EnumSet.of(Section.WORKLOADS, Section.QUEUES, Section.GPUS);
        } else if (e instanceof WorkloadEvent.WorkloadCancelled c) {
            WorkloadsView.Workload w = workloads.get(c.workloadId());
            workloads.note(w, c.cancelledAt(), "cancel requested", c.reason());
            workloads.status(w, w.attempt, WorkloadsView.Status.CANCELLED, c.reason(), true);
            return EnumSet.of(Section.WORKLOADS, Section.QUEUES);
        } else if (e instanceof WorkloadEvent.WorkloadFinished f) {
            WorkloadsView.Workload w = workloads.get(f.workloadId());
            workloads.note(w, f.finishedAt(), "finished " + f.status(), f.reason(), f.attempt());
            workloads.status(w, f.attempt(), status(f.status()), f.reason(), true);
            return EnumSet.of(Section.WORKLOADS, Section.QUEUES);
        } else if (e instanceof WorkloadEvent.InferenceServiceChanged c) {
            serving.changed(c);
            return EnumSet.of(Section.SERVICES);
        } else if (e instanceof WorkloadEvent.InferenceServiceDeleted d) {
            serving.deleted(d);
            return EnumSet.of(Section.SERVICES);
        }
        return EnumSet.noneOf(Section.class); // experiments: the tuning page shows tuning-service's view of them
    }

    private static WorkloadsView.Status status(String finished) {
        try {
            return WorkloadsView.Status.valueOf(finished);
        } catch (RuntimeException e) {
            return WorkloadsView.Status.FAILED;
        }
    }

    private Set<Section> placement(PlacementEvent e) {
        WorkloadsView.Workload w = workloads.get(e.workloadId());
        if (e instanceof PlacementEvent.WorkloadAdmitted a) {
            if (a.serving() != null) {
                w.kind = "replica";
                w.service = a.serving().service();
                w.name = a.serving().service() + " " + a.serving().revision();
            }
            if (a.spec() != null) {
                w.name = w.name == null ? a.spec().name() : w.name;
                w.image = a.spec().image();
                w.perPod = PodRequest.of(a.spec().resources());
                w.workers = Math.max(1, a.pods().size());
            }
            if (w.queue == null) {
                w.queue = a.queue();
            }
            if (w.submittedAt == null) {
                w.submittedAt = a.admittedAt();
            }
            if (a.attempt() >= w.attempt) {
                w.attempt = a.attempt();
                w.pods = a.pods();
            }
            boolean firstWord = workloads.note(w, a.admittedAt(), "admitted (attempt " + a.attempt() + ")",
                    placed(a.pods()), a.attempt());
            if (a.serving() != null && firstWord && a.attempt() <= 1) {
                cluster.seen(w.perPod); // a replica has no submission: its first admission puts it in the mix
            }
            workloads.admitted(w, a.queue(), a.admittedAt());
            cluster.admitted(a, w.perPod, w.kind);
            workloads.status(w, a.attempt(), WorkloadsView.Status.ADMITTED, null, false);
            return EnumSet.of(Section.WORKLOADS, Section.QUEUES, Section.GPUS);
        } else if (e instanceof PlacementEvent.WorkloadPending p) {
            if (!p.reason().equals(w.reason)) {
                workloads.note(w, p.at(), "pending", p.reason());
            }
            workloads.status(w, w.attempt, WorkloadsView.Status.PENDING, p.reason(), false);
            return EnumSet.of(Section.WORKLOADS, Section.QUEUES);
        } else if (e instanceof PlacementEvent.WorkloadPreempted p) {
            workloads.note(w, p.at(), "preempted (attempt " + p.attempt() + ")", p.reason());
            workloads.status(w, p.attempt(), WorkloadsView.Status.PREEMPTED, p.reason(), false);
            return EnumSet.of(Section.WORKLOADS, Section.QUEUES);
        } else if (e instanceof PlacementEvent.AdmissionRevoked r) {
            workloads.note(w, r.at(), "admission revoked (attempt " + r.attempt() + ")", r.reason());
            return EnumSet.of(Section.WORKLOADS);
        }
        return EnumSet.noneOf(Section.class);
    }

    private Set<Section> execution(ExecutionEvent e) {
        WorkloadsView.Workload w = workloads.get(e.workloadId());
        if (e instanceof ExecutionEvent.PodsCreated p) {
            workloads.note(w, p.at(), "pods created", String.join(", ", p.pods()), p.attempt());
            workloads.status(w, p.attempt(), WorkloadsView.Status.STARTING, null, false);
        } else if (e instanceof ExecutionEvent.WorkloadRunning r) {
            workloads.note(w, r.at(), w.kind.equals("replica") ? "ready" : "running", null, r.attempt());
            workloads.status(w, r.attempt(), WorkloadsView.Status.RUNNING, null, false);
        } else if (e instanceof ExecutionEvent.WorkloadSucceeded s) {
            workloads.note(w, s.at(), "pods succeeded", null, s.attempt());
            workloads.status(w, s.attempt(), WorkloadsView.Status.SUCCEEDED, null, false);
        } else if (e instanceof ExecutionEvent.WorkloadFailed f) {
            workloads.note(w, f.at(), "pods failed" + (f.retryable() ? " (retryable)" : ""), f.reason(), f.attempt());
            workloads.status(w, f.attempt(), f.retryable() ? WorkloadsView.Status.RETRYING
                    : WorkloadsView.Status.FAILED, f.reason(), false);
        } else if (e instanceof ExecutionEvent.CapacityReleased c) {
            workloads.note(w, c.at(), "capacity released", c.reason(), c.attempt());
            if (w.kind.equals("replica")) {
                workloads.status(w, c.attempt(), WorkloadsView.Status.RELEASED, c.reason(), false);
            }
        }
        if (e.releasesCapacity()) {
            cluster.released(e);
            return EnumSet.of(Section.WORKLOADS, Section.QUEUES, Section.GPUS);
        }
        return EnumSet.of(Section.WORKLOADS, Section.QUEUES);
    }

    private static String describe(PodRequest r) {
        String gpu = r.gpus() == 0 ? "no GPU" : r.gpus() + (r.gpuMilli() < 1000 ? " × " + r.gpuMilli() + "m" : "")
                + " GPU" + (r.gpuModels().isEmpty() ? "" : " " + String.join("|", r.gpuModels()));
        return gpu + ", " + r.cpuMilli() + "m CPU, " + r.memoryMib() + " MiB";
    }

    private static String placed(List<PodAssignment> pods) {
        return pods.stream().map(p -> p.pod() + " → " + p.node() + " GPU " + p.gpuIndices()
                + (p.migProfile() != null ? " " + p.migProfile() : p.gpuMilli() < 1000 ? " " + p.gpuMilli() + "m" : ""))
                .collect(Collectors.joining("; "));
    }

    // ---------------------------------------------------------------- what the pages read

    /** A change counter: grows with every event that changed a section. */
    public synchronized long version() {
        return version;
    }

    /** Sections changed after {@code since} (a value of {@link #version()}). */
    public synchronized Set<Section> changedSince(long since) {
        Set<Section> s = EnumSet.noneOf(Section.class);
        changedAt.forEach((k, v) -> {
            if (v > since) {
                s.add(k);
            }
        });
        return s;
    }

    /** Events folded in so far, and when the last came. */
    public synchronized Status status() {
        return new Status(applied, version, lastEventAt, workloads.counts());
    }

    public record Status(long eventsApplied, long version, Instant lastEventAt, Map<String, Integer> workloads) {
    }

    public synchronized GpuMap gpuMap(Instant now) {
        return cluster.map(now);
    }

    public synchronized List<WorkloadsView.QueueView> queues(Instant now) {
        return workloads.queues(cluster.gpuMilliByQueue(), cluster.totalGpus(), now);
    }

    public synchronized List<WorkloadsView.WorkloadSummary> workloads(String text, String status, String queue,
            String kind, int limit) {
        return workloads.search(text, status, queue, kind, limit);
    }

    /** Null when the console never heard of it. */
    public synchronized WorkloadsView.WorkloadDetail workload(String id) {
        WorkloadsView.Workload w = workloads.find(id);
        return w == null ? null : w.detail();
    }

    public synchronized List<ServingView.ServiceSummary> services() {
        return serving.list();
    }

    public synchronized ServingView.ServiceDetail service(String name) {
        return serving.detail(name);
    }

    public synchronized List<ModelsView.ModelSummary> models() {
        return models.list();
    }

    public synchronized ModelsView.ModelDetail model(String name) {
        return models.detail(name);
    }

    public synchronized List<TuningView.ExperimentSummary> experiments() {
        return tuning.list();
    }

    public synchronized TuningView.ExperimentDetail experiment(String name) {
        return tuning.detail(name);
    }
}

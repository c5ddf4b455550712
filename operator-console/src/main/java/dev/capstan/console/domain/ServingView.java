package dev.capstan.console.domain;

import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.WorkloadEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Inference services: their settings (submission-service), the autoscaler's decisions and serving plans with the
 * rollout and its verdicts, and the gateway's request rate per revision over the last half hour in 5 s buckets.
 * Not thread-safe: {@link ReadModel} guards it.
 */
public final class ServingView {

    /** Width of one point of the request-rate timeline. */
    static final int BUCKET_SECONDS = 5;
    /** Points kept per service: 30 minutes. */
    static final int POINTS = 360;
    /** Decisions and plan changes kept per service. */
    static final int DECISIONS = 200;

    private final Map<String, Service> services = new TreeMap<>();

    static final class Service {
        final String name;
        WorkloadEvent.InferenceServiceChanged settings;
        String deletedReason;
        ScalingEvent.RevisionsPlanned plan;
        final Deque<Decision> decisions = new ArrayDeque<>();
        final Deque<PlanChange> plans = new ArrayDeque<>();
        final Deque<Bucket> points = new ArrayDeque<>();
        final Map<String, InferenceMetricsEvent.RequestRateSample> lastByRevision = new TreeMap<>();

        Service(String name) {
            this.name = name;
        }
    }

    /** One autoscaler decision. */
    public record Decision(Instant at, int current, int desired, String reason, String policy,
            Map<String, Double> figures) {
    }

    /** A serving plan that changed something people look at: revisions, weights, rollout phase or verdict. */
    public record PlanChange(Instant at, String reason, String weights, String phase, Integer step, String verdict) {
    }

    /** One 5 s point: requests and errors per second, and the ready replicas the gateway saw (all revisions). */
    public record Point(Instant at, double requestsPerSecond, double errorsPerSecond, int readyReplicas,
            double p99LatencyMs) {
    }

    private static final class Bucket {
        final long start;
        double requests;
        double errors;
        int ready;
        double p99;
        double seconds;

        Bucket(long start) {
            this.start = start;
        }

        Point point() {
            // the last point may be partly filled: rates are over the windows it holds
            double over = seconds > 0 ? seconds : BUCKET_SECONDS;
            return new Point(Instant.ofEpochSecond(start), requests / over, errors / over, ready, p99);
        }
    }

    private Service service(String name) {
        return services.computeIfAbsent(name, Service::new);
    }

    void changed(WorkloadEvent.InferenceServiceChanged c) {
        Service s = service(c.workloadId());
        if (s.settings == null || c.generation() >= s.settings.generation()) {
            s.settings = c;
            s.deletedReason = null;
        }
    }

    void deleted(WorkloadEvent.InferenceServiceDeleted d) {
        service(d.workloadId()).deletedReason = d.reason() == null ? "deleted" : d.reason();
    }

    void decided(ScalingEvent.ScaleDecided d) {
        Service s = service(d.service());
        s.decisions.addLast(new Decision(d.decidedAt(), d.currentReplicas(), d.desiredReplicas(), d.reason(),
                d.policy(), d.figures()));
        trim(s.decisions, DECISIONS);
    }

    void planned(ScalingEvent.RevisionsPlanned p) {
        Service s = service(p.service());
        String weights = weights(p);
        ScalingEvent.Rollout r = p.rollout();
        PlanChange change = new PlanChange(p.plannedAt(), p.reason(), weights, r == null ? null : r.phase(),
                r == null ? null : r.step(), r == null ? null : r.verdict());
        PlanChange last = s.plans.peekLast();
        if (last == null || !same(last, change)) {
            s.plans.addLast(change);
            trim(s.plans, DECISIONS);
        }
        s.plan = p;
    }

    private static boolean same(PlanChange a, PlanChange b) {
        return java.util.Objects.equals(a.weights(), b.weights()) && java.util.Objects.equals(a.phase(), b.phase())
                && java.util.Objects.equals(a.step(), b.step()) && java.util.Objects.equals(a.verdict(), b.verdict());
    }

    /** {@code v3=90% (4) v4=10% (1)}: each revision's traffic weight and replicas. */
    static String weights(ScalingEvent.RevisionsPlanned p) {
        StringBuilder b = new StringBuilder();
        for (ScalingEvent.Revision r : p.revisions()) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(r.name()).append('=').append(r.weight()).append("% (").append(r.replicas()).append(')');
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    /**
     * A gateway sample: one of a revision updates that revision's figures; one of the whole service (no revision)
     * is a point of the timeline. Both come for the same window, so only the whole-service ones are added up.
     */
    void sample(InferenceMetricsEvent.RequestRateSample m) {
        Service s = service(m.service());
        if (m.revision() != null) {
            s.lastByRevision.put(m.revision(), m);
            return;
        }
        long start = m.windowStart().getEpochSecond() / BUCKET_SECONDS * BUCKET_SECONDS;
        Bucket b = s.points.isEmpty() ? null : s.points.peekLast();
        if (b == null || b.start < start) {
            b = new Bucket(start);
            s.points.addLast(b);
            trim(s.points, POINTS);
        } else if (b.start > start) {
            return; // an older window than the timeline's last point: a redelivery or a late gateway
        }
        b.requests += m.requests();
        b.errors += m.errors();
        b.ready = Math.max(b.ready, m.readyReplicas());
        b.p99 = Math.max(b.p99, m.p99LatencyMs());
        b.seconds += m.windowSeconds();
    }

    private static void trim(Deque<?> d, int max) {
        while (d.size() > max) {
            d.removeFirst();
        }
    }

    /** Every service, one line each. */
    public List<ServiceSummary> list() {
        List<ServiceSummary> out = new ArrayList<>();
        services.values().forEach(s -> out.add(summary(s)));
        return out;
    }

    private static ServiceSummary summary(Service s) {
        var c = s.settings;
        var p = s.plan;
        Decision d = s.decisions.peekLast();
        Point last = s.points.isEmpty() ? null : s.points.peekLast().point();
        return new ServiceSummary(s.name, c == null ? null : c.queue(), c == null ? null : c.model(),
                c == null ? 0 : c.minReplicas(), c == null ? 0 : c.maxReplicas(),
                p == null ? 0 : p.revisions().stream().mapToInt(ScalingEvent.Revision::replicas).sum(),
                last == null ? 0 : last.readyReplicas(), last == null ? 0 : last.requestsPerSecond(),
                p == null ? "none" : weights(p), p == null || p.rollout() == null ? null : p.rollout().phase(),
                d == null ? null : d.reason(), s.deletedReason);
    }

    /** One service with its plan, rollout history, decisions and timeline; null when never heard of. */
    public ServiceDetail detail(String name) {
        Service s = services.get(name);
        if (s == null) {
            return null;
        }
        List<RevisionView> revisions = new ArrayList<>();
        if (s.plan != null) {
            for (ScalingEvent.Revision r : s.plan.revisions()) {
                var m = s.lastByRevision.get(r.name());
                revisions.add(new RevisionView(r.name(), r.model() + ":" + r.modelVersion(), r.replicas(), r.weight(),
                        m == null ? null : m.readyReplicas(),
                        m == null ? null : m.requests() / m.windowSeconds(),
                        m == null || m.requests() == 0 ? null : (double) m.replicaErrors() / m.requests(),
                        m == null ? null : m.p50LatencyMs(), m == null ? null : m.versionP99LatencyMs()));
            }
        }
        return new ServiceDetail(summary(s), s.settings, s.plan == null ? null : s.plan.rollout(),
                s.plan == null ? null : s.plan.reason(), revisions, List.copyOf(s.plans), List.copyOf(s.decisions),
                s.points.stream().map(Bucket::point).toList());
    }

    /** A service in the list. */
    public record ServiceSummary(String name, String queue, String model, int minReplicas, int maxReplicas,
            int plannedReplicas, int readyReplicas, double requestsPerSecond, String weights, String rolloutPhase,
            String lastDecision, String deleted) {
    }

    /** One revision of the current plan with the gateway's last sample of it. */
    public record RevisionView(String name, String model, int replicas, int weight, Integer readyReplicas,
            Double requestsPerSecond, Double errorRate, Double p50LatencyMs, Double p99LatencyMs) {
    }

    /** A service's page. */
    public record ServiceDetail(ServiceSummary service, WorkloadEvent.InferenceServiceChanged settings,
            ScalingEvent.Rollout rollout, String planReason, List<RevisionView> revisions, List<PlanChange> plans,
            List<Decision> decisions, List<Point> timeline) {
    }
}

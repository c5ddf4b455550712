package dev.capstan.autoscaler.service;

import dev.capstan.autoscaler.rollout.ModelAliases;
import dev.capstan.autoscaler.rollout.RevisionSamples;
import dev.capstan.autoscaler.rollout.ServingPlanner;
import dev.capstan.events.ScalingEvent;

import dev.capstan.autoscaler.config.AutoscalerConfig;
import dev.capstan.autoscaler.domain.DecisionClock;
import dev.capstan.autoscaler.domain.PolicyKind;
import dev.capstan.autoscaler.domain.RateSample;
import dev.capstan.autoscaler.domain.RequestWindows;
import dev.capstan.autoscaler.domain.ScaleDecision;
import dev.capstan.autoscaler.domain.ScalingSettings;
import dev.capstan.autoscaler.domain.ServiceAutoscaler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The autoscaler's use cases: keep each inference service's settings and request windows, decide at each
 * policy tick, and remember recent decisions. State is in memory and refilled from the metrics topic.
 */
@ApplicationScoped
public class AutoscalingService {

    private final AutoscalerConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final io.micrometer.core.instrument.Timer loopTimer;
    private final PolicyKind policy;
    private final ConcurrentHashMap<String, Tracked> services = new ConcurrentHashMap<>();
    /**
     * How late the sample that completes a tick may arrive (gateway → broker → here) before the service decides on
     * the wall clock instead; see {@link DecisionClock}.
     */
    static final long TICK_GRACE_MILLIS = 1_000;

    AutoscalingService(AutoscalerConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.loopTimer = io.micrometer.core.instrument.Timer.builder("capstan.autoscaler.loop")
                .description("one pass deciding every service whose tick is due").publishPercentiles(0.5, 0.99)
                .register(registry);
        this.policy = PolicyKind.parse(config.policy());
        // Every reason and verdict starts at zero, so dashboards and alerts see the series before the first one.
        for (dev.capstan.autoscaler.domain.Reason r : dev.capstan.autoscaler.domain.Reason.values()) {
            registry.counter("capstan.autoscaler.decisions", "reason", r.wire());
        }
        for (String v : ServingPlanner.VERDICTS) {
            registry.counter("capstan.autoscaler.rollout.verdicts", "verdict", v);
        }
    }

    /** One inference service: settings (once known), windows, replica counts and recent decisions. */
    public static final class Tracked {
        final String service;
        ServiceAutoscaler autoscaler;
        final List<RateSample> pending = new ArrayList<>();
        int replicas = -1;
        int readyReplicas;
        volatile int desired;
        /** When the policy decides next (on the data's clock while it is fresh); set with the autoscaler. */
        DecisionClock ticks;
        ScaleDecision lastDecision;
        final ArrayDeque<ScaleDecision> published = new ArrayDeque<>();
        /** What to serve, once the settings said (null before). */
        ServingPlanner.Spec spec;
        final ServingPlanner planner = new ServingPlanner();
        final RevisionSamples revisions;
        /** The last plan's publication failed: publish the next one even if unchanged. */
        boolean republish;

        Tracked(String service, long keepSamplesMillis) {
            this.service = service;
            this.revisions = new RevisionSamples(keepSamplesMillis);
        }
    }

    /** A read-only copy of one service's state for the REST API. */
    public record Snapshot(String service, String policy, ScalingSettings settings, int replicas, int readyReplicas,
            double rps6s, double rps60s, double concurrency60s, double idleSeconds, Instant lastSampleEnd,
            ScaleDecision lastDecision, List<ScaleDecision> recentChanges, ScalingEvent.RevisionsPlanned plan) {
    }

    /** Records the settings of an inference service (created or changed), and what it serves. */
    public void applySettings(ScalingSettings settings, ServingPlanner.Spec spec) {
        Tracked t = track(settings.service());
        synchronized (t) {
            t.spec = spec;
            if (t.autoscaler == null) {
                t.autoscaler = new ServiceAutoscaler(settings, policy.create(), config.staleAfter(), config.holdFor());
                t.ticks = new DecisionClock(t.autoscaler.policy().tickInterval().toMillis(), TICK_GRACE_MILLIS);
                t.pending.forEach(t.autoscaler::observe);
                t.pending.clear();
            } else {
                t.autoscaler.update(settings);
            }
            if (t.replicas < 0) {
                t.replicas = Math.max(settings.minReplicas(), t.readyReplicas);
            }
        }
    }

    /**
     * Forgets a deleted inference service: no more decisions for it (samples that still come start afresh). Returns
     * the plan that releases its replicas when one of its plans is in force (null when none is: nothing to release).
     */
    public ScalingEvent.RevisionsPlanned forget(String service) {
        Tracked t = services.remove(service);
        if (t == null) {
            return null;
        }
        synchronized (t) {
            ScalingEvent.RevisionsPlanned last = t.planner.inForce();
            if (last == null || last.revisions().isEmpty()) {
                return null;
            }
            return new ScalingEvent.RevisionsPlanned(service, last.queue(), last.image(), last.replica(),
                    last.coldStartSeconds(), java.util.List.of(), ScalingEvent.RevisionsPlanned.DELETED, null,
                    clock.instant());
        }
    }

    /**
     * Records one revision's sample (the gateway sends one per revision besides the whole service's): what a canary
     * analysis judges, and how many of the revision's replicas are ready. {@code errors} and {@code p99LatencyMs} are
     * the version's own: its replicas' errors and latency, without requests refused for want of capacity or the
     * wait in the gateway's queue (capacity is the autoscaler's matter, not the version's).
     */
    public void observeRevision(String service, String revision, Instant windowStart, long requests, long errors,
            double p99LatencyMs, int readyReplicas) {
        Tracked t = track(service);
        synchronized (t) {
            t.revisions.add(revision, windowStart.toEpochMilli(), requests, errors, p99LatencyMs, readyReplicas);
        }
    }

    /**
     * Takes a serving plan read back from {@code capstan.scaling} (at start, or another instance's). A restarted
     * autoscaler goes on from the stable revision's replicas in that plan, not from the ready ones the gateway
     * reports next (fewer while a replica restarts): the service does not dip to its minimum and back.
     */
    public void restorePlan(ScalingEvent.RevisionsPlanned plan) {
        Tracked t = track(plan.service());
        synchronized (t) {
            t.planner.restore(plan);
            ScalingEvent.RevisionsPlanned inForce = t.planner.inForce();
            if (t.lastDecision == null && !inForce.revisions().isEmpty()) {
                t.replicas = inForce.revisions().get(0).replicas();
            }
        }
    }

    /**
     * The serving decisions due now: for every service whose settings and replica count are known, the plan when it
     * changed (revisions, replicas, weights, rollout), and the aliases failed rollouts must move back.
     */
    public Plans planDue(ModelAliases models) {
        Instant now = clock.instant();
        List<ScalingEvent.RevisionsPlanned> plans = new ArrayList<>();
        List<ServingPlanner.AliasRestore> restores = new ArrayList<>();
        for (Tracked t : services.values()) {
            synchronized (t) {
                if (t.spec == null || t.lastDecision == null) {
                    continue;
                }
                ServingPlanner.Outcome out;
                ScalingEvent.RevisionsPlanned before = t.planner.inForce();
                synchronized (models) {
                    out = t.planner.decide(t.spec, models.resolve(t.spec.modelRef()).orElse(null), t.desired,
                            t.revisions, now);
                }
                ScalingEvent.RevisionsPlanned plan = out.plan() != null ? out.plan()
                        : t.republish ? t.planner.inForce() : null;
                t.republish = false;
                ServingPlanner.verdict(before, out.plan()).ifPresent(v ->
                        registry.counter("capstan.autoscaler.rollout.verdicts", "verdict", v).increment());
                if (plan != null) {
                    plans.add(plan);
                    if (plan.rollout() != null && out.plan() != null) {
                        registry.counter("capstan.autoscaler.rollout.plans", Tags.of("service", t.service,
                                "phase", plan.rollout().phase())).increment();
                    }
                }
                if (out.restore() != null) {
                    restores.add(out.restore());
                }
            }
        }
        return new Plans(plans, restores);
    }

    /** Plans to publish and aliases to move back. */
    public record Plans(List<ScalingEvent.RevisionsPlanned> plans, List<ServingPlanner.AliasRestore> restores) {
    }

    /** A plan could not be published: the service's next one is published whether it changed or not. */
    public void publishFailed(String service) {
        Tracked t = services.get(service);
        if (t != null) {
            synchronized (t) {
                t.republish = true;
            }
        }
    }

    /**
     * Records a whole-service sample for the rollout analysis too: a revision whose samples lag the whole service's is
     * no longer reported by the gateway (see {@link RevisionSamples#knows}).
     */
    public void observeWhole(String service, Instant windowStart, long requests, long errors, double p99LatencyMs,
            int readyReplicas) {
        observeRevision(service, RevisionSamples.WHOLE, windowStart, requests, errors, p99LatencyMs, readyReplicas);
    }

    /** Records a request-rate sample; returns false when it was a duplicate or out of order. */
    public boolean observe(String service, RateSample sample, int readyReplicas) {
        Tracked t = track(service);
        synchronized (t) {
            t.readyReplicas = readyReplicas;
            if (t.replicas < 0) {
                t.replicas = readyReplicas;
            }
            if (t.autoscaler == null) {
                // Settings not seen yet: keep the samples (bounded) until they arrive.
                if (t.pending.size() >= 600) {
                    t.pending.remove(0);
                }
                t.pending.add(sample);
                return true;
            }
            return t.autoscaler.observe(sample);
        }
    }

    /**
     * Decides for every service whose policy tick is due and returns the decisions that change its replica
     * count (or are its first), in order per service: these are the ones to publish.
     */
    public List<ScaleDecision> decideDue() {
        long started = System.nanoTime();
        List<ScaleDecision> toPublish = new ArrayList<>();
        // Most 100 ms passes find no tick due: only a pass that decided is timed, so the figure stays what one
        // decision pass costs.
        if (decideDueNow(toPublish) > 0) {
            loopTimer.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        return toPublish;
    }

    /** Decides every service whose tick is due, adds what to publish to {@code toPublish}; returns how many decided. */
    private int decideDueNow(List<ScaleDecision> toPublish) {
        Instant now = clock.instant();
        int decided = 0;
        for (Tracked t : services.values()) {
            synchronized (t) {
                if (t.autoscaler == null) {
                    continue;
                }
                RequestWindows w = t.autoscaler.windows();
                long at = t.ticks.dueAt(now.toEpochMilli(), w.firstSampleStartMillis(), w.lastSampleEndMillis());
                if (at == DecisionClock.NOT_DUE) {
                    continue;
                }
                t.ticks.decided(at, now.toEpochMilli());
                decided++;
                int current = Math.max(0, t.replicas);
                ScaleDecision d = t.autoscaler.decide(Instant.ofEpochMilli(at), current,
                        Math.min(t.readyReplicas, current));
                boolean first = t.lastDecision == null;
                t.lastDecision = d;
                t.replicas = d.desiredReplicas();
                t.desired = d.desiredReplicas();
                if (first || d.changes()) {
                    t.published.addLast(d);
                    while (t.published.size() > config.history()) {
                        t.published.removeFirst();
                    }
                    toPublish.add(d);
                    if (d.changes()) {
                        registry.counter("capstan.autoscaler.scale.changes", Tags.of("service", d.service(),
                                "reason", d.reason().wire())).increment();
                        // The same without the service: what the dashboards sum over thousands of services.
                        registry.counter("capstan.autoscaler.decisions", "reason", d.reason().wire()).increment();
                    }
                }
            }
        }
        return decided;
    }

    /** Every tracked service, by name. */
    public List<Snapshot> all() {
        return services.values().stream().map(this::snapshot).sorted(Comparator.comparing(Snapshot::service))
                .toList();
    }

    /** One service, if tracked. */
    public Optional<Snapshot> one(String service) {
        return Optional.ofNullable(services.get(service)).map(this::snapshot);
    }

    private Snapshot snapshot(Tracked t) {
        synchronized (t) {
            long now = clock.millis();
            ServiceAutoscaler a = t.autoscaler;
            if (a == null) {
                return new Snapshot(t.service, policy.wire(), null, Math.max(0, t.replicas), t.readyReplicas, 0, 0, 0,
                        0, null, null, List.of(), t.planner.inForce());
            }
            long last = a.windows().lastSampleEndMillis();
            return new Snapshot(t.service, a.policy().name(), a.settings(), Math.max(0, t.replicas), t.readyReplicas,
                    nan0(a.windows().rate(now, 6)), nan0(a.windows().rate(now, 60)),
                    nan0(a.windows().concurrency(now, 60)), a.windows().idleSeconds(now),
                    last == Long.MIN_VALUE ? null : Instant.ofEpochMilli(last), t.lastDecision,
                    List.copyOf(t.published), t.planner.inForce());
        }
    }

    private static double nan0(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private Tracked track(String service) {
        return services.computeIfAbsent(service, name -> {
            Tracked t = new Tracked(name, config.revisionHistory().toMillis());
            registry.gauge("capstan.autoscaler.desired_replicas", Tags.of("service", name), t, x -> x.desired);
            return t;
        });
    }

    /** Settings from the contract's numbers, with the configured rate limits and utilisation. */
    public ScalingSettings settings(String service, double targetRps, double targetConcurrency, int min, int max,
            boolean scaleToZero, int graceSeconds, int coldStartSeconds, int queueTimeoutMillis) {
        return new ScalingSettings(service, targetRps, targetConcurrency, min, max, scaleToZero,
                Duration.ofSeconds(Math.max(0, graceSeconds)), Duration.ofSeconds(Math.max(0, coldStartSeconds)),
                config.maxScaleUpRate(), config.maxScaleDownRate(), config.targetUtilisation(),
                Duration.ofMillis(Math.max(0, queueTimeoutMillis)));
    }
}

package dev.capstan.autoscaler.service;

import dev.capstan.autoscaler.config.AutoscalerConfig;
import dev.capstan.autoscaler.domain.PolicyKind;
import dev.capstan.autoscaler.domain.RateSample;
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

    AutoscalingService(AutoscalerConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.loopTimer = io.micrometer.core.instrument.Timer.builder("capstan.autoscaler.loop")
                .description("one pass deciding every service whose tick is due").publishPercentiles(0.5, 0.99)
                .register(registry);
        this.policy = PolicyKind.parse(config.policy());
    }

    /** One inference service: settings (once known), windows, replica counts and recent decisions. */
    public static final class Tracked {
        final String service;
        ServiceAutoscaler autoscaler;
        final List<RateSample> pending = new ArrayList<>();
        int replicas = -1;
        int readyReplicas;
        volatile int desired;
        long nextDecisionMillis;
        ScaleDecision lastDecision;
        final ArrayDeque<ScaleDecision> published = new ArrayDeque<>();

        Tracked(String service) {
            this.service = service;
        }
    }

    /** A read-only copy of one service's state for the REST API. */
    public record Snapshot(String service, String policy, ScalingSettings settings, int replicas, int readyReplicas,
            double rps6s, double rps60s, double concurrency60s, double idleSeconds, Instant lastSampleEnd,
            ScaleDecision lastDecision, List<ScaleDecision> recentChanges) {
    }

    /** Records the settings of an inference service (created or changed). */
    public void applySettings(ScalingSettings settings) {
        Tracked t = track(settings.service());
        synchronized (t) {
            if (t.autoscaler == null) {
                t.autoscaler = new ServiceAutoscaler(settings, policy.create(), config.staleAfter(), config.holdFor());
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

    /** Forgets a deleted inference service: no more decisions for it (samples that still come start afresh). */
    public void forget(String service) {
        services.remove(service);
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
        return loopTimer.record(this::decideDueNow);
    }

    private List<ScaleDecision> decideDueNow() {
        Instant now = clock.instant();
        List<ScaleDecision> toPublish = new ArrayList<>();
        for (Tracked t : services.values()) {
            synchronized (t) {
                if (t.autoscaler == null || now.toEpochMilli() < t.nextDecisionMillis) {
                    continue;
                }
                Duration tick = t.autoscaler.policy().tickInterval();
                t.nextDecisionMillis = now.toEpochMilli() + tick.toMillis() - 100; // tolerate timer jitter
                int current = Math.max(0, t.replicas);
                ScaleDecision d = t.autoscaler.decide(now, current, Math.min(t.readyReplicas, current));
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
                    }
                }
            }
        }
        return toPublish;
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
                        0, null, null, List.of());
            }
            long last = a.windows().lastSampleEndMillis();
            return new Snapshot(t.service, a.policy().name(), a.settings(), Math.max(0, t.replicas), t.readyReplicas,
                    nan0(a.windows().rate(now, 6)), nan0(a.windows().rate(now, 60)),
                    nan0(a.windows().concurrency(now, 60)), a.windows().idleSeconds(now),
                    last == Long.MIN_VALUE ? null : Instant.ofEpochMilli(last), t.lastDecision,
                    List.copyOf(t.published));
        }
    }

    private static double nan0(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private Tracked track(String service) {
        return services.computeIfAbsent(service, name -> {
            Tracked t = new Tracked(name);
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

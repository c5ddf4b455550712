package dev.capstan.autoscaler.rest;

import dev.capstan.autoscaler.domain.ScaleDecision;
import dev.capstan.autoscaler.domain.ScalingSettings;
import dev.capstan.autoscaler.service.AutoscalingService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the autoscaler knows and decided, per inference service. */
@Path("/api/v1/autoscaling")
@Produces(MediaType.APPLICATION_JSON)
public class AutoscalingResource {

    private final AutoscalingService autoscaling;

    AutoscalingResource(AutoscalingService autoscaling) {
        this.autoscaling = autoscaling;
    }

    /** Settings, window values and last decisions. */
    /** {@code plan}: the serving plan in force (revisions, replicas, traffic weights, the rollout and its verdict). */
    public record ServiceView(String service, String policy, SettingsView settings, int replicas,
            int readyReplicas, WindowView windows, DecisionView lastDecision, List<DecisionView> recentChanges,
            dev.capstan.events.ScalingEvent.RevisionsPlanned plan) {
    }

    public record SettingsView(double targetRpsPerReplica, double targetConcurrencyPerReplica, int minReplicas,
            int maxReplicas, boolean scaleToZero, long scaleToZeroGraceSeconds, long coldStartSeconds,
            double maxScaleUpRate, double maxScaleDownRate, double targetUtilisation, long queueTimeoutMillis) {
        static SettingsView of(ScalingSettings s) {
            return s == null ? null : new SettingsView(s.targetRpsPerReplica(), s.targetConcurrencyPerReplica(),
                    s.minReplicas(), s.maxReplicas(), s.scaleToZero(), s.scaleToZeroGrace().toSeconds(),
                    s.coldStart().toSeconds(), s.maxScaleUpRate(), s.maxScaleDownRate(), s.targetUtilisation(),
                    s.queueTimeout().toMillis());
        }
    }

    public record WindowView(double rps6s, double rps60s, double concurrency60s, double idleSeconds,
            Instant lastSampleEnd) {
    }

    public record DecisionView(int currentReplicas, int desiredReplicas, String reason, String policy,
            Map<String, Double> figures, Instant decidedAt) {
        static DecisionView of(ScaleDecision d) {
            return d == null ? null : new DecisionView(d.currentReplicas(), d.desiredReplicas(), d.reason().wire(),
                    d.policy(), d.figures(), d.decidedAt());
        }
    }

    @GET
    public List<ServiceView> all() {
        return autoscaling.all().stream().map(AutoscalingResource::view).toList();
    }

    @GET
    @Path("/{service}")
    public ServiceView one(@PathParam("service") String service) {
        return autoscaling.one(service).map(AutoscalingResource::view)
                .orElseThrow(() -> new NotFoundException("no inference service '" + service + "' is tracked"));
    }

    private static ServiceView view(AutoscalingService.Snapshot s) {
        return new ServiceView(s.service(), s.policy(), SettingsView.of(s.settings()), s.replicas(), s.readyReplicas(),
                new WindowView(s.rps6s(), s.rps60s(), s.concurrency60s(), s.idleSeconds(), s.lastSampleEnd()),
                DecisionView.of(s.lastDecision()), s.recentChanges().stream().map(DecisionView::of).toList(), s.plan());
    }
}

package dev.capstan.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Replica decisions on {@code capstan.scaling}; produced by autoscaler-service; key = service. */
public sealed interface ScalingEvent extends CapstanEvent {

    String service();

    @Override
    default String subject() {
        return service();
    }

    /**
     * How many replicas a service should have, and why.
     *
     * @param reason  stable, panic, to-zero, from-zero, bound, hold …
     * @param figures the numbers behind the decision (observed rate, forecast, window values …)
     */
    record ScaleDecided(String service, int currentReplicas, int desiredReplicas, String reason, String policy,
            Map<String, Double> figures, Instant decidedAt) implements ScalingEvent {
        public ScaleDecided {
            figures = figures == null ? Map.of() : Map.copyOf(figures);
        }
    }

    /**
     * The serving plan of an inference service: which revisions run, how many replicas each, and how the gateway
     * splits traffic between them. The autoscaler publishes one whenever any of it changes; the scheduler places
     * (and releases) replicas to match it and the gateway routes by its weights. Each plan is whole: the last one of
     * a service is all that counts. A plan without revisions means the service was deleted.
     *
     * @param service          the inference service
     * @param queue            the queue its replicas count against
     * @param image            the serving runtime's image
     * @param replica          resources of one replica
     * @param coldStartSeconds how long a new replica takes before it serves
     * @param revisions        the revisions that run, the stable one first
     * @param reason           why this plan (scale, rollout step, verdict …), for people
     * @param rollout          the rollout under way, or null when one revision serves everything
     * @param plannedAt        when it was decided
     */
    record RevisionsPlanned(String service, String queue, String image, Resources replica, int coldStartSeconds,
            List<Revision> revisions, String reason, Rollout rollout, Instant plannedAt) implements ScalingEvent {
        /** The reason of the plan that ends a deleted service. */
        public static final String DELETED = "inference service deleted";

        public RevisionsPlanned {
            revisions = revisions == null ? List.of() : List.copyOf(revisions);
        }
    }

    /**
     * One revision of a serving plan.
     *
     * @param name         the revision, after its model version ({@code v7})
     * @param model        the registered model
     * @param modelVersion the version it serves
     * @param artifactUri  where that version's artifact lies (null when unknown)
     * @param replicas     how many replicas it should have
     * @param weight       its share of the traffic, in percent (the revisions' weights add up to 100)
     */
    record Revision(String name, String model, int modelVersion, String artifactUri, int replicas, int weight) {
    }

    /**
     * Where a rollout stands, so that whoever decides next (the same autoscaler after a restart, or another
     * instance) goes on from there.
     *
     * @param from          the stable revision
     * @param to            the new revision
     * @param phase         {@code surging} (new replicas starting), {@code canary} (a step under analysis),
     *                      {@code promoted}, {@code rolled-back}
     * @param step          index into the canary steps (0-based)
     * @param stepStartedAt when the current step's analysis window began
     * @param verdict       the last analysis, for people (e.g. {@code canary failed: errors 7.9 % vs 0.4 %, n=1,204})
     * @param baselineP99LatencyMs written by the first rollouts (the stable revision's latency before the rollout);
     *                      the autoscaler now compares the canary with a baseline revision at the same time and leaves
     *                      it null; kept so that those records still read
     */
    record Rollout(String from, String to, String phase, int step, Instant stepStartedAt, String verdict,
            Double baselineP99LatencyMs) {

        /** A rollout without a latency baseline. */
        public Rollout(String from, String to, String phase, int step, Instant stepStartedAt, String verdict) {
            this(from, to, phase, step, stepStartedAt, verdict, null);
        }
    }
}

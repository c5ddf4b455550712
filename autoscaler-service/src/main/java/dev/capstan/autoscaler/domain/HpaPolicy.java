package dev.capstan.autoscaler.domain;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kubernetes Horizontal Pod Autoscaler (autoscaling/v2) with its default behaviour, as a baseline, driven
 * by a requests-per-second metric with an average-value target of {@code target × utilisation} per pod.
 *
 * <ol>
 *   <li>Every 15 s (controller {@code --horizontal-pod-autoscaler-sync-period}) read the metric, averaged over
 *       the last 30 s (our choice for the metrics pipeline's rate window), and recommend
 *       {@code ceil(rate / target)}; if the per-pod value is within 10 % of the target nothing changes.</li>
 *   <li>Scale-down stabilisation: the highest recommendation of the last 300 s is used when scaling down.</li>
 *   <li>Scale-up: at most {@code max(4 pods, 100 %)} more per 15 s period; no up stabilisation.</li>
 *   <li>No scale to zero: the HPA needs {@code minReplicas >= 1} (scale to zero is an alpha feature gate).</li>
 * </ol>
 */
final class HpaPolicy implements ScalingPolicy {

    static final Duration SYNC = Duration.ofSeconds(15);
    static final Duration METRIC_WINDOW = Duration.ofSeconds(30);
    static final Duration DOWN_STABILISATION = Duration.ofSeconds(300);
    static final double TOLERANCE = 0.1;
    static final int UP_PODS = 4;
    static final double UP_PERCENT = 100;

    private final ArrayDeque<long[]> recommendations = new ArrayDeque<>();

    @Override
    public String name() {
        return "hpa";
    }

    @Override
    public Duration tickInterval() {
        return SYNC;
    }

    @Override
    public Duration history() {
        return METRIC_WINDOW; // past recommendations are kept by the policy itself
    }

    @Override
    public Proposal propose(PolicyInput in) {
        long now = in.nowMillis();
        double rps = PolicyInput.orZero(in.windows().rate(now, METRIC_WINDOW.toSeconds()));
        double conc = PolicyInput.orZero(in.windows().concurrency(now, METRIC_WINDOW.toSeconds()));
        int current = Math.max(1, in.currentReplicas());
        int pods = Math.max(1, in.readyReplicas());
        double targetPerPod = in.settings().targetRpsPerReplica() * in.settings().targetUtilisation();
        double ratio = targetPerPod > 0 ? (rps / pods) / targetPerPod : Double.NaN;
        int raw = Math.max(1, in.replicasFor(rps, conc));
        boolean withinTolerance = !Double.isNaN(ratio) && Math.abs(ratio - 1.0) <= TOLERANCE;
        int recommendation = withinTolerance ? current : raw;

        recommendations.addLast(new long[] {now, recommendation});
        while (recommendations.peekFirst()[0] <= now - DOWN_STABILISATION.toMillis()) {
            recommendations.removeFirst();
        }
        int downLimit = 0;
        for (long[] r : recommendations) {
            downLimit = Math.max(downLimit, (int) r[1]);
        }

        Map<String, Double> f = new LinkedHashMap<>();
        f.put("metric_rps", rps);
        f.put("usage_ratio", Double.isNaN(ratio) ? 0 : ratio);
        f.put("recommendation", (double) recommendation);
        f.put("stabilised_recommendation", (double) downLimit);

        if (recommendation > current) {
            int upLimit = Math.max(current + UP_PODS, (int) Math.ceil(current * (1 + UP_PERCENT / 100)));
            return recommendation > upLimit ? new Proposal(upLimit, Reason.RATE_LIMITED, f)
                    : new Proposal(recommendation, Reason.STABLE, f);
        }
        if (downLimit < current) {
            return new Proposal(downLimit, Reason.STABLE, f);
        }
        if (recommendation < current) {
            return new Proposal(current, Reason.STABILISED, f);
        }
        return new Proposal(current, withinTolerance ? Reason.TOLERANCE : Reason.STABLE, f);
    }
}

package dev.capstan.autoscaler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of autoscaler-service, under {@code capstan.autoscaler}. */
@ConfigMapping(prefix = "capstan.autoscaler")
public interface AutoscalerConfig {

    /** {@code capstan.autoscaler.policy}: the policy for every service, {@code capstan}, {@code kpa} or {@code hpa}. Default capstan. */
    @WithDefault("capstan")
    String policy();

    /** {@code capstan.autoscaler.stale-after}: without a sample for this long, metrics are missing. Default 10 s. */
    @WithDefault("10s")
    Duration staleAfter();

    /** {@code capstan.autoscaler.hold-for}: how long the count is held on missing metrics before the safe count. Default 60 s. */
    @WithDefault("60s")
    Duration holdFor();

    /** {@code capstan.autoscaler.history}: how many past decisions per service the REST API shows. Default 20. */
    @WithDefault("20")
    int history();

    /** {@code capstan.autoscaler.max-scale-up-rate}: per-decision scale-up factor (Knative default 1000). */
    @WithDefault("1000")
    double maxScaleUpRate();

    /** {@code capstan.autoscaler.max-scale-down-rate}: per-decision scale-down factor (Knative default 2). */
    @WithDefault("2")
    double maxScaleDownRate();

    /** {@code capstan.autoscaler.target-utilisation}: share of the rated capacity to aim at (Knative default 0.7). */
    @WithDefault("0.7")
    double targetUtilisation();

    /**
     * {@code capstan.autoscaler.registry-url}: model-registry's base URL, where a failed rollout moves its alias back
     * (absent: rollbacks move traffic and replicas back, and the alias stays for a person to move).
     */
    java.util.Optional<String> registryUrl();

    /**
     * {@code capstan.autoscaler.plan-every}: how often the serving plans are revisited (rollout steps, canary
     * analysis) when no replica count changed; a changed count is planned in the same pass. Default 1 s.
     */
    @WithDefault("1s")
    Duration planEvery();

    /** {@code capstan.autoscaler.revision-history}: how long per-revision samples are kept for canary analysis. */
    @WithDefault("15m")
    Duration revisionHistory();
}

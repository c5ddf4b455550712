package dev.capstan.events;

import java.util.Map;

/**
 * An inference service as the user describes it (REST body of {@code POST /api/v1/inference-services} and the
 * Kafka command share this schema). In a change ({@code PATCH}), absent fields keep their value.
 *
 * @param name                    DNS label, unique: the service's id and scaling key
 * @param queue                   the tenant's queue its replicas count against
 * @param model                   {@code name@alias} (follows the alias) or {@code name:version} (pinned)
 * @param image                   the serving runtime's container image
 * @param replica                 resources of one replica; {@code gpus=1, gpuMilli<1000} asks for a share of a GPU
 * @param minReplicas             never fewer ready replicas (0 with {@code scaleToZero})
 * @param maxReplicas             never more
 * @param targetRps               requests per second one replica should serve
 * @param targetConcurrency       in-flight requests one replica should hold (used instead of the rate when set)
 * @param scaleToZero             whether an idle service may have no replica
 * @param scaleToZeroGraceSeconds idle time before the last replica goes
 * @param coldStartSeconds        how long a new replica takes before it serves
 * @param queueTimeoutMillis      how long the gateway holds a request that finds no free replica
 * @param rollout                 how a new revision replaces the stable one
 * @param annotations             copied onto every replica pod
 */
public record InferenceServiceSpec(String name, String queue, String model, String image, Resources replica,
        Integer minReplicas, Integer maxReplicas, Double targetRps, Double targetConcurrency, Boolean scaleToZero,
        Integer scaleToZeroGraceSeconds, Integer coldStartSeconds, Integer queueTimeoutMillis, RolloutPolicy rollout,
        Map<String, String> annotations) {
    public InferenceServiceSpec {
        annotations = annotations == null ? null : Map.copyOf(annotations);
    }
}

package dev.capstan.registry.service;

import java.util.Map;

/**
 * A search over models or versions. Every criterion is optional and they combine with AND.
 *
 * @param name        exact model name
 * @param namePattern SQL LIKE pattern on the model name ({@code %} any run, {@code _} one character)
 * @param ignoreCase  whether {@code namePattern} ignores case (MLflow's ILIKE)
 * @param queue       owning queue (models only)
 * @param tags        tags that must all be present with these values
 * @param runId       the MLflow run that produced the version (versions only)
 * @param source      artifact URI (versions only)
 * @param workloadId  the training workload that produced the version (versions only)
 */
public record ModelQuery(String name, String namePattern, boolean ignoreCase, String queue, Map<String, String> tags,
        String runId, String source, String workloadId) {

    public ModelQuery {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** Everything. */
    public static ModelQuery all() {
        return new ModelQuery(null, null, false, null, Map.of(), null, null, null);
    }
}

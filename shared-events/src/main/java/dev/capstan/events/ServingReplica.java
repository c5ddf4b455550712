package dev.capstan.events;

/**
 * What makes an admission a replica of an inference service rather than a training gang: the executor runs it as a
 * long-lived serving pod behind the service's Kubernetes Service, ready once it answers, never "finished".
 *
 * @param service          the inference service
 * @param revision         the revision it serves, named after the model version ({@code v7})
 * @param model            the registered model's name
 * @param modelVersion     the model version it loads
 * @param artifactUri      where that version's artifact lies (null when the registry did not say)
 * @param coldStartSeconds how long the replica takes before it is ready (its readiness probe's initial delay)
 */
public record ServingReplica(String service, String revision, String model, int modelVersion, String artifactUri,
        int coldStartSeconds) {

    /** Pod and Service label: the inference service a replica pod (and its Kubernetes Service) belongs to. */
    public static final String SERVICE_LABEL = "capstan.dev/inference-service";
    /** Pod label: the revision a replica serves ({@code v7}, or a stable version's baseline {@code v7-baseline}). */
    public static final String REVISION_LABEL = "capstan.dev/revision";
    /** Pod annotation: the model version a replica serves, {@code name:version}. */
    public static final String MODEL_ANNOTATION = "capstan.dev/model";

    /** The revoke reason of the replicas of a deleted inference service. */
    public static final String SERVICE_DELETED = "inference service deleted";

    /** The revision of a model version: {@code v7}. */
    public static String revisionOf(int modelVersion) {
        return "v" + modelVersion;
    }
}

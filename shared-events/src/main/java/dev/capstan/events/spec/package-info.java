/**
 * Kubernetes-style specs ({@code apiVersion: capstan.dev/v1}, {@code kind}, {@code metadata}, {@code spec}) of
 * training jobs, inference services and tuning experiments, and Kubernetes resource quantities.
 *
 * <p>Why here, in the contracts module: such a document is a payload format, accepted as the body of
 * submission-service's and tuning-service's REST endpoints, as the value of a record on
 * {@code capstan.workload-requests}, and written by the CLI. Three producers of the same format must read it the same
 * way, and each maps it onto the contract records this module already holds ({@code TrainingJobSpec},
 * {@code InferenceServiceSpec}, {@code TuningExperimentSpec}): the document is another spelling of those contracts,
 * not a new domain. It needs no framework (Jackson's tree, as {@code EventCodec} already uses), so the CLI, which is
 * plain Java, can use it too. {@code rest-support} would not do: it is Quarkus REST plumbing, absent from the Kafka
 * path and the CLI. Which values are valid (limits, defaults) stays with the service that owns the decision.
 */
package dev.capstan.events.spec;

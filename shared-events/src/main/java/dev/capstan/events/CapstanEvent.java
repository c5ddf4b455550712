package dev.capstan.events;

/**
 * Every event Capstan publishes. The subject is the entity id: it is the Kafka key and the
 * CloudEvents {@code subject}, so one entity's events stay in order on one partition.
 */
public sealed interface CapstanEvent
        permits WorkloadRequest, WorkloadEvent, PlacementEvent, ExecutionEvent, NodeEvent, InferenceMetricsEvent,
        ScalingEvent, ModelEvent, TrialEvent, TuningEvent {

    /** The entity id: Kafka key and CloudEvents subject. */
    String subject();

    /** The CloudEvents type of this event, e.g. {@code dev.capstan.workload.submitted.v1}. */
    default String type() {
        return EventTypes.typeOf(getClass());
    }

    /** The topic this event belongs on. */
    default String topic() {
        return EventTypes.topicOf(getClass());
    }
}

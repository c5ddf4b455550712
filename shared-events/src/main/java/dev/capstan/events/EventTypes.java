package dev.capstan.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of event types: CloudEvents type name, record class and topic. Type names follow
 * {@code dev.capstan.<entity>.<happened>.v<N>}; a new version is a new row, old rows stay readable.
 */
public final class EventTypes {

    private record Row(String type, Class<? extends CapstanEvent> recordClass, String topic) {
    }

    private static final Map<String, Row> BY_TYPE = new LinkedHashMap<>();
    private static final Map<Class<?>, Row> BY_CLASS = new LinkedHashMap<>();

    static {
        add("dev.capstan.workload.submit.v1", WorkloadRequest.SubmitTrainingJob.class, Topics.WORKLOAD_REQUESTS);
        add("dev.capstan.workload.cancel.v1", WorkloadRequest.CancelWorkload.class, Topics.WORKLOAD_REQUESTS);
        add("dev.capstan.workload.submitted.v1", WorkloadEvent.WorkloadSubmitted.class, Topics.WORKLOADS);
        add("dev.capstan.workload.cancelled.v1", WorkloadEvent.WorkloadCancelled.class, Topics.WORKLOADS);
        add("dev.capstan.workload.finished.v1", WorkloadEvent.WorkloadFinished.class, Topics.WORKLOADS);
        add("dev.capstan.inferenceservice.changed.v1", WorkloadEvent.InferenceServiceChanged.class, Topics.WORKLOADS);
        add("dev.capstan.inferenceservice.deleted.v1", WorkloadEvent.InferenceServiceDeleted.class, Topics.WORKLOADS);
        add("dev.capstan.inferenceservice.create.v1", WorkloadRequest.CreateInferenceService.class,
                Topics.WORKLOAD_REQUESTS);
        add("dev.capstan.inferenceservice.change.v1", WorkloadRequest.ChangeInferenceService.class,
                Topics.WORKLOAD_REQUESTS);
        add("dev.capstan.inferenceservice.delete.v1", WorkloadRequest.DeleteInferenceService.class,
                Topics.WORKLOAD_REQUESTS);
        add("dev.capstan.experiment.create.v1", WorkloadRequest.CreateExperiment.class, Topics.WORKLOAD_REQUESTS);
        add("dev.capstan.experiment.stop.v1", WorkloadRequest.StopExperiment.class, Topics.WORKLOAD_REQUESTS);
        add("dev.capstan.experiment.submitted.v1", WorkloadEvent.ExperimentSubmitted.class, Topics.WORKLOADS);
        add("dev.capstan.experiment.stop-requested.v1", WorkloadEvent.ExperimentStopRequested.class, Topics.WORKLOADS);
        add("dev.capstan.placement.admitted.v1", PlacementEvent.WorkloadAdmitted.class, Topics.PLACEMENTS);
        add("dev.capstan.placement.pending.v1", PlacementEvent.WorkloadPending.class, Topics.PLACEMENTS);
        add("dev.capstan.placement.preempted.v1", PlacementEvent.WorkloadPreempted.class, Topics.PLACEMENTS);
        add("dev.capstan.placement.revoked.v1", PlacementEvent.AdmissionRevoked.class, Topics.PLACEMENTS);
        add("dev.capstan.execution.pods-created.v1", ExecutionEvent.PodsCreated.class, Topics.EXECUTIONS);
        add("dev.capstan.execution.running.v1", ExecutionEvent.WorkloadRunning.class, Topics.EXECUTIONS);
        add("dev.capstan.execution.succeeded.v1", ExecutionEvent.WorkloadSucceeded.class, Topics.EXECUTIONS);
        add("dev.capstan.execution.failed.v1", ExecutionEvent.WorkloadFailed.class, Topics.EXECUTIONS);
        add("dev.capstan.execution.capacity-released.v1", ExecutionEvent.CapacityReleased.class, Topics.EXECUTIONS);
        add("dev.capstan.node.updated.v1", NodeEvent.NodeUpdated.class, Topics.NODES);
        add("dev.capstan.node.removed.v1", NodeEvent.NodeRemoved.class, Topics.NODES);
        add("dev.capstan.inferencemetrics.sampled.v1", InferenceMetricsEvent.RequestRateSample.class,
                Topics.INFERENCE_METRICS);
        add("dev.capstan.scaling.decided.v1", ScalingEvent.ScaleDecided.class, Topics.SCALING);
        add("dev.capstan.scaling.planned.v1", ScalingEvent.RevisionsPlanned.class, Topics.SCALING);
        add("dev.capstan.model.version-registered.v1", ModelEvent.ModelVersionRegistered.class, Topics.MODELS);
        add("dev.capstan.model.alias-moved.v1", ModelEvent.ModelAliasMoved.class, Topics.MODELS);
        add("dev.capstan.model.alias-removed.v1", ModelEvent.ModelAliasRemoved.class, Topics.MODELS);
        add("dev.capstan.trial.metric-reported.v1", TrialEvent.TrialMetricReported.class, Topics.TRIAL_METRICS);
        add("dev.capstan.tuning.experiment-changed.v1", TuningEvent.ExperimentChanged.class, Topics.TUNING);
        add("dev.capstan.tuning.trial-changed.v1", TuningEvent.TrialChanged.class, Topics.TUNING);
    }

    private EventTypes() {
    }

    private static void add(String type, Class<? extends CapstanEvent> recordClass, String topic) {
        Row row = new Row(type, recordClass, topic);
        BY_TYPE.put(type, row);
        BY_CLASS.put(recordClass, row);
    }

    /** The CloudEvents type of a record class; fails for a class that is not in the table. */
    public static String typeOf(Class<?> recordClass) {
        return row(recordClass).type();
    }

    /** The topic a record class is published on. */
    public static String topicOf(Class<?> recordClass) {
        return row(recordClass).topic();
    }

    /** The record class of a CloudEvents type, if the type is known. */
    public static Optional<Class<? extends CapstanEvent>> classOf(String type) {
        return Optional.ofNullable(BY_TYPE.get(type)).map(Row::recordClass);
    }

    /** Every known type name, in table order. */
    public static Iterable<String> all() {
        return BY_TYPE.keySet();
    }

    private static Row row(Class<?> recordClass) {
        Row row = BY_CLASS.get(recordClass);
        if (row == null) {
            throw new IllegalArgumentException("no event type registered for " + recordClass.getName());
        }
        return row;
    }
}

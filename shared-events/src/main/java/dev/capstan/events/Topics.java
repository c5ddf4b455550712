package dev.capstan.events;

import java.util.List;

/** Kafka topic names of DESIGN.md; one producing service per topic, key = the entity's id. */
public final class Topics {
    /** Submit and cancel commands from upstream systems; key = request id. */
    public static final String WORKLOAD_REQUESTS = "capstan.workload-requests";
    /** What work exists; produced by submission-service; key = workload id. */
    public static final String WORKLOADS = "capstan.workloads";
    /** Admissions, preemptions, pending reasons; produced by scheduler-service; key = workload id. */
    public static final String PLACEMENTS = "capstan.placements";
    /** What happened to the pods; produced by executor-service; key = workload id. */
    public static final String EXECUTIONS = "capstan.executions";
    /** Node capacity and readiness (compacted); produced by executor-service; key = node name. */
    public static final String NODES = "capstan.nodes";
    /** Request-rate samples from gateways; key = inference service. */
    public static final String INFERENCE_METRICS = "capstan.inference-metrics";
    /** Scale decisions; produced by autoscaler-service; key = inference service. */
    public static final String SCALING = "capstan.scaling";
    /** Model versions and aliases; produced by model-registry; key = model name. */
    public static final String MODELS = "capstan.models";
    /**
     * Intermediate metrics of tuning trials; produced by model-registry (the MLflow tracking API) and trainers; key =
     * trial (workload) id.
     */
    public static final String TRIAL_METRICS = "capstan.trial-metrics";
    /** Tuning decisions: experiments and trials started, stopped, ended, and why; produced by tuning-service; key = experiment. */
    public static final String TUNING = "capstan.tuning";

    public static final List<String> ALL = List.of(WORKLOAD_REQUESTS, WORKLOADS, PLACEMENTS, EXECUTIONS, NODES,
            INFERENCE_METRICS, SCALING, MODELS, TRIAL_METRICS, TUNING);

    private Topics() {
    }

    /** The dead-letter topic of one consuming service, e.g. {@code capstan.dlq.submission-service}. */
    public static String deadLetter(String service) {
        return "capstan.dlq." + service;
    }
}

package dev.capstan.submission.service;

/** No workload (or inference service) has this id. */
public class WorkloadNotFoundException extends RuntimeException {
    public WorkloadNotFoundException(String id) {
        super("no workload with id '" + id + "'");
    }

    private WorkloadNotFoundException(String message, boolean unused) {
        super(message);
    }

    /** No inference service has this name. */
    public static WorkloadNotFoundException inferenceService(String name) {
        return new WorkloadNotFoundException("no inference service named '" + name + "'", true);
    }

    /** No experiment was submitted through the Kafka ingress under this name. */
    public static WorkloadNotFoundException experiment(String name) {
        return new WorkloadNotFoundException("no experiment named '" + name + "' was submitted through the Kafka "
                + "ingress (one created over tuning-service's REST API is stopped there)", true);
    }
}

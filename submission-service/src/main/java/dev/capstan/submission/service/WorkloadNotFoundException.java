package dev.capstan.submission.service;

/** No workload has this id. */
public class WorkloadNotFoundException extends RuntimeException {
    public WorkloadNotFoundException(String id) {
        super("no workload with id '" + id + "'");
    }
}

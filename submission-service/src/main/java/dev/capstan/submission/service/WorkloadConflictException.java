package dev.capstan.submission.service;

/** The request does not fit the workload's current status (e.g. cancelling a finished job). */
public class WorkloadConflictException extends RuntimeException {
    public WorkloadConflictException(String message) {
        super(message);
    }
}

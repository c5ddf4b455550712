package dev.capstan.submission.domain;

/** The workload lifecycle as users see it. */
public enum WorkloadStatus {
    /** Accepted, waiting in its queue. */
    QUEUED,
    /** The scheduler cannot place it now; the reason says why. */
    PENDING,
    /** Placed: every pod has a node and GPUs; pods are being created. */
    ADMITTED,
    /** Every pod runs. */
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** No event moves a workload out of a terminal status. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}

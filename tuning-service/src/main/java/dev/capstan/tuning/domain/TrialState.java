package dev.capstan.tuning.domain;

/** Where a trial is in its life. */
public enum TrialState {
    /** Holds its GPUs and reports. */
    RUNNING,
    /** Gave its GPUs back at a rung and waits, with its checkpoint, to be promoted (resumed) or left behind. */
    PAUSED,
    /** Ran to its own end. */
    COMPLETED,
    /** Ended early by the stopping rule. */
    STOPPED,
    /** Ended by an error in the training itself (diverged, crashed). */
    FAILED
}

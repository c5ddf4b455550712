package dev.capstan.tuning.domain;

/** What a running trial does after a report. */
public enum Decision {
    /** Keep training. */
    CONTINUE,
    /** End now and give the GPUs back for good. */
    STOP,
    /** Give the GPUs back, keep the checkpoint: the trial may be promoted later and resume from it. */
    PAUSE
}

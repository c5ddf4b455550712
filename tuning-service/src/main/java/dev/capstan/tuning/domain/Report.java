package dev.capstan.tuning.domain;

/**
 * One intermediate result of a trial.
 *
 * @param step  the training step (or epoch) the value was measured at; strictly increasing within a trial
 * @param cost  the resource the trial has used up to this report, cumulative over its runs (GPU-seconds in the
 *              service; the benchmark's unit for files without time); never decreasing
 * @param value the objective metric's value
 */
public record Report(long step, double cost, double value) {
}

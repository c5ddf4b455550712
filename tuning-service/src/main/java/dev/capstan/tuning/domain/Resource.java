package dev.capstan.tuning.domain;

/** What rungs measure a trial's progress in. */
public enum Resource {
    /** Training steps (or epochs) reported: the usual Hyperband resource. */
    STEP,
    /** Cost used (GPU-seconds): fair between configurations whose steps cost different amounts. */
    COST,
    /**
     * The share of its own planned training a trial has done ({@code step / plannedSteps}, 1 at its end): compares
     * trials at the same point of their learning-rate schedules, whatever their lengths. A trial whose planned
     * length is unknown counts its steps instead.
     */
    PROGRESS;

    /** How far {@code trial} had got when it made {@code report}. */
    public double of(Trial trial, Report report) {
        return switch (this) {
            case STEP -> report.step();
            case COST -> report.cost();
            case PROGRESS -> trial.plannedSteps() > 0 ? (double) report.step() / trial.plannedSteps() : report.step();
        };
    }
}

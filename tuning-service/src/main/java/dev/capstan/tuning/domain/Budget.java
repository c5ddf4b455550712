package dev.capstan.tuning.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When an experiment stops starting work. Each limit is optional ({@code null}: none). Time is passed in by the
 * caller; nothing here reads a clock.
 *
 * @param maxTrials at most this many trials are created (paused trials may still resume)
 * @param gpuHours  no work starts or resumes once the trials have used this many GPU-hours
 * @param deadline  no work starts or resumes at or after this instant
 */
public record Budget(Integer maxTrials, Double gpuHours, Instant deadline) {

    public static final Budget UNLIMITED = new Budget(null, null, null);

    /** Whether a paused trial may resume (or a new one start, as far as GPU-hours and time go). */
    public boolean allowsWork(double gpuHoursUsed, Instant now) {
        return (gpuHours == null || gpuHoursUsed < gpuHours) && (deadline == null || now.isBefore(deadline));
    }

    /** Whether trial number {@code trialsSoFar} may be created. */
    public boolean allowsNewTrial(int trialsSoFar, double gpuHoursUsed, Instant now) {
        return allowsWork(gpuHoursUsed, now) && (maxTrials == null || trialsSoFar < maxTrials);
    }

    /** Problems with these limits; {@code field} is their path in the spec. */
    public List<FieldProblem> problems(String field) {
        List<FieldProblem> problems = new ArrayList<>();
        if (maxTrials != null && maxTrials < 1) {
            problems.add(new FieldProblem(field + ".maxTrials", "must be at least 1"));
        }
        if (gpuHours != null && !(gpuHours > 0 && Double.isFinite(gpuHours))) {
            problems.add(new FieldProblem(field + ".gpuHours", "must be a positive number"));
        }
        return problems;
    }
}

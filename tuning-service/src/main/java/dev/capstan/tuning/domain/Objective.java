package dev.capstan.tuning.domain;

/**
 * What a tuning experiment optimises: the metric trials report, its direction and an optional target.
 *
 * @param metric    the name trials report the objective under (for example {@code top_1})
 * @param direction whether larger or smaller values are better
 * @param target    the value at which the experiment has done its job, or {@code null} for none
 */
public record Objective(String metric, Direction direction, Double target) {

    /** An objective without a target. */
    public static Objective of(String metric, Direction direction) {
        return new Objective(metric, direction, null);
    }

    /** {@link Direction#score} of a value: larger is better whatever the direction. */
    public double score(double value) {
        return direction.score(value);
    }

    /** Whether {@code value} is at least as good as the target; false without a target. */
    public boolean reaches(double value) {
        return target != null && score(value) >= score(target);
    }
}

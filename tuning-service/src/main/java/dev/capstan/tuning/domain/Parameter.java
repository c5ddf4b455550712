package dev.capstan.tuning.domain;

import java.util.List;

/**
 * One dimension of a search space. Numeric parameters map their range onto the unit interval (log-scaled for
 * {@link LogFloatParameter}), the space in which algorithms sample and measure distances; categorical ones list their
 * choices.
 */
public sealed interface Parameter permits NumericParameter, CategoricalParameter {

    String name();

    /** What is wrong with this parameter's definition; {@code field} is its path in the spec. Empty when valid. */
    List<FieldProblem> problems(String field);

    /** The value for a point of the unit interval (for categorical parameters: of the choice's index order). */
    ParameterValue valueAt(double unit);
}

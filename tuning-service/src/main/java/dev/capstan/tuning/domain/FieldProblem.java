package dev.capstan.tuning.domain;

/**
 * One thing wrong with an experiment spec, named by the path of the field, as a 422 answer lists them.
 *
 * @param field   the field's path in the spec, for example {@code searchSpace.parameters[1].max}
 * @param message what is wrong, in words a user can act on
 */
public record FieldProblem(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}

package dev.capstan.registry.service;

import dev.capstan.registry.domain.FieldError;
import java.util.List;

/** What a registry use case refuses, each mapped to one HTTP status by the REST adapters. */
public abstract sealed class RegistryException extends RuntimeException {

    RegistryException(String message) {
        super(message);
    }

    /** The request breaks the rules: every bad field is named (422 natively, INVALID_PARAMETER_VALUE in MLflow). */
    public static final class Invalid extends RegistryException {
        private final transient List<FieldError> errors;

        public Invalid(List<FieldError> errors) {
            super(errors.stream().map(e -> e.field() + " " + e.message()).reduce((a, b) -> a + "; " + b)
                    .orElse("invalid request"));
            this.errors = List.copyOf(errors);
        }

        public Invalid(String field, String message) {
            this(List.of(new FieldError(field, message)));
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    /** No such model, version or alias (404, RESOURCE_DOES_NOT_EXIST). */
    public static final class NotFound extends RegistryException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** A model of that name exists already (409, RESOURCE_ALREADY_EXISTS). */
    public static final class AlreadyExists extends RegistryException {
        public AlreadyExists(String message) {
            super(message);
        }
    }

    /** The state forbids it: an alias to a FAILED version, deleting a served version (409, INVALID_STATE). */
    public static final class Conflict extends RegistryException {
        public Conflict(String message) {
            super(message);
        }
    }

    /** If-Match named a revision that is not the alias's current one (412); {@code currentEtag} may be null. */
    public static final class PreconditionFailed extends RegistryException {
        private final String currentEtag;

        public PreconditionFailed(String message, String currentEtag) {
            super(message);
            this.currentEtag = currentEtag;
        }

        public String currentEtag() {
            return currentEtag;
        }
    }
}

package dev.capstan.submission.service;

import dev.capstan.submission.domain.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/** A request that breaks the workload rules; carries every invalid field. */
public class InvalidWorkloadException extends RuntimeException {
    private final List<FieldError> errors;

    public InvalidWorkloadException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}

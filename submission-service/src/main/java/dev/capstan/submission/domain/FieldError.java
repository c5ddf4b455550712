package dev.capstan.submission.domain;

/** One invalid field of a request, named by its JSON path (e.g. {@code resources.gpus}). */
public record FieldError(String field, String message) {
}

package dev.capstan.registry.domain;

/** One invalid field of a request: its path (e.g. {@code tags.owner}) and what is wrong with it. */
public record FieldError(String field, String message) {
}

package dev.capstan.submission.service;

import dev.capstan.events.spec.DocumentKind;
import dev.capstan.events.spec.SpecDocuments;
import dev.capstan.submission.domain.FieldError;
import java.util.List;
import java.util.function.Supplier;
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

    /**
     * Runs a use case for a request that came as a Kubernetes-style document: a refusal names each field by its JSON
     * pointer in the document ({@code /spec/resources/cpu}), not by the flat field the rules know
     * ({@code resources.cpuMilli}), since that is what the user wrote.
     */
    public static <T> T inTermsOf(DocumentKind kind, Supplier<T> useCase) {
        try {
            return useCase.get();
        } catch (InvalidWorkloadException e) {
            throw new InvalidWorkloadException(e.errors().stream().map(f -> new FieldError(
                    SpecDocuments.pointer(kind, f.field()),
                    // an env variable is an entry of a list in the document: its name goes in the message
                    f.field().startsWith("env.") ? f.field().substring(4) + ": " + f.message() : f.message()))
                    .toList());
        }
    }
}

package dev.capstan.events.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A document that cannot be read as a Capstan spec: every problem, each at its JSON pointer. */
public final class InvalidDocumentException extends IllegalArgumentException {

    /**
     * One problem of a document.
     *
     * @param pointer where, as a JSON pointer (RFC 6901) into the document: {@code /spec/resources/memory}
     * @param message what is wrong, in words a user can act on
     */
    public record Problem(String pointer, String message) {
        @Override
        public String toString() {
            return pointer + ": " + message;
        }
    }

    private final List<Problem> problems;

    public InvalidDocumentException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}

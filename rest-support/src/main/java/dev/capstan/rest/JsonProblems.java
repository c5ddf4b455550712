package dev.capstan.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/** The wording of JSON body errors: which field, what was expected, in JSON terms rather than Java class names. */
public final class JsonProblems {

    private JsonProblems() {
    }

    /** The path of the field at fault ({@code resources.gpus}, {@code command[2]}), or {@code body} for the whole. */
    public static String field(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "body" : path;
    }

    /** Why the field does not fit: {@code expected a number}, or the parser's first line. */
    public static String why(JsonMappingException e) {
        if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            return "expected " + expected(mi.getTargetType());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !(cause instanceof JsonProcessingException)) {
            return firstLine(cause.getMessage()); // a constructor's own check, e.g. a record's validation
        }
        return e.getOriginalMessage() == null ? "does not fit the schema" : firstLine(e.getOriginalMessage());
    }

    /** Why a body is not JSON at all: the parser's first line. */
    public static String unreadable(JsonProcessingException e) {
        return e.getOriginalMessage() == null ? "not JSON" : firstLine(e.getOriginalMessage());
    }

    /** What a client should have sent for a Java type. */
    public static String expected(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("").strip();
    }
}

package dev.capstan.registry.rest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads query and path parameters, failing with a 400 that names the parameter. */
public final class Params {

    private Params() {
    }

    /** An integer parameter within bounds; {@code fallback} when absent. */
    public static int integer(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(value.trim());
            if (v < min || v > max) {
                throw new BadParameterException(name, "must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadParameterException(name, "must be a whole number, not '" + printable(value) + "'");
        }
    }

    /** A version number (a positive integer). */
    public static int version(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new BadParameterException(name, "is required");
        }
        return integer(name, value, 0, 1, Integer.MAX_VALUE);
    }

    /** An instant: ISO-8601 with a zone, e.g. {@code 2026-11-30T12:00:00Z} or {@code 2026-11-30T13:00+01:00}. */
    public static Instant instant(String name, String value) {
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value.trim());
            } catch (DateTimeParseException e2) {
                throw new BadParameterException(name, "must be an ISO-8601 instant such as 2026-11-30T12:00:00Z, not '"
                        + printable(value) + "'");
            }
        }
    }

    /** Who acts: the header's value, {@code fallback} without it; 1-200 printable characters. */
    public static String actor(String header, String value, String fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String u = value.strip();
        if (u.length() > 200 || u.chars().anyMatch(Character::isISOControl)) {
            throw new BadParameterException(header, "must be 1-200 printable characters");
        }
        return u;
    }

    /** A value safe to echo in an error message. */
    public static String printable(String value) {
        String s = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}

package dev.capstan.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The distributed-training framework whose environment the executor prepares for each pod. */
public enum Framework {
    PYTORCH, TENSORFLOW, RAY, MPI, NONE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the lower-case wire name; null stays null so validation can name the field. */
    @JsonCreator
    public static Framework fromWire(String value) {
        if (value == null) {
            return null;
        }
        for (Framework f : values()) {
            if (f.wireName().equalsIgnoreCase(value)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown framework '" + value + "', expected one of "
                + Arrays.stream(values()).map(Framework::wireName).collect(Collectors.joining("|")));
    }
}

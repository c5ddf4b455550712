package dev.capstan.registry.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The state of an MLflow run, with MLflow's names. A run starts RUNNING; a client ends it FINISHED, FAILED or KILLED.
 */
public enum RunStatus {
    RUNNING, SCHEDULED, FINISHED, FAILED, KILLED;

    /** The status MLflow calls {@code name} (in any case), or empty. */
    public static Optional<RunStatus> of(String name) {
        String n = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.name().equals(n)).findFirst();
    }
}

package dev.capstan.events;

import java.time.Instant;

/** Model versions and aliases on {@code capstan.models}; produced by model-registry; key = model name. */
public sealed interface ModelEvent extends CapstanEvent {

    String model();

    @Override
    default String subject() {
        return model();
    }

    /**
     * A new version exists.
     *
     * @param sourceWorkloadId the training job that produced it, if any
     * @param sourceAttempt    the admission of that job that produced it (absent in older records, read as null)
     * @param sha256           the artifact's digest, if known (absent in older records)
     * @param actor            who registered it: a user, or {@code model-registry} for a job's output (absent in
     *                         older records)
     */
    record ModelVersionRegistered(String model, int version, String artifactUri, String sourceWorkloadId,
            Instant registeredAt, Integer sourceAttempt, String sha256, String actor) implements ModelEvent {
    }

    /**
     * An alias (production, staging …) now points at another version: promotion or rollback.
     *
     * @param fromVersion the version it pointed at before, null when the alias is new
     * @param reason      why, as the mover gave it (a rollback says so)
     * @param actor       who moved it (absent in older records, read as null)
     */
    record ModelAliasMoved(String model, String alias, Integer fromVersion, int toVersion, String reason,
            Instant movedAt, String actor) implements ModelEvent {
    }

    /** An alias was removed: {@code model@alias} resolves to nothing until it is set again. */
    record ModelAliasRemoved(String model, String alias, int fromVersion, String reason, String actor,
            Instant removedAt) implements ModelEvent {
    }
}

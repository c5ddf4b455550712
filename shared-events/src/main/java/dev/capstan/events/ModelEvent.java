package dev.capstan.events;

import java.time.Instant;

/** Model versions and aliases on {@code capstan.models}; produced by model-registry; key = model name. */
public sealed interface ModelEvent extends CapstanEvent {

    String model();

    @Override
    default String subject() {
        return model();
    }

    /** A new version exists; {@code sourceWorkloadId} is the training job that produced it, if any. */
    record ModelVersionRegistered(String model, int version, String artifactUri, String sourceWorkloadId,
            Instant registeredAt) implements ModelEvent {
    }

    /** An alias (production, staging …) now points at another version: promotion or rollback. */
    record ModelAliasMoved(String model, String alias, Integer fromVersion, int toVersion, String reason,
            Instant movedAt) implements ModelEvent {
    }
}

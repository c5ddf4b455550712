package dev.capstan.submission.domain;

import java.util.Map;

/**
 * Which {@link ResourceDefaults} a queue's pods get: the queue's own where one is configured, otherwise the global
 * ones. Queues are tenants, and a team whose jobs load data on the CPU (or whose nodes have more memory per GPU) sets
 * its own figures without changing anyone else's.
 *
 * @param global what every queue gets unless configured otherwise
 * @param queues the queues configured otherwise, by name
 */
public record QueueResourceDefaults(ResourceDefaults global, Map<String, ResourceDefaults> queues) {

    public QueueResourceDefaults {
        queues = Map.copyOf(queues);
    }

    /** The global defaults for every queue. */
    public static QueueResourceDefaults everywhere(ResourceDefaults global) {
        return new QueueResourceDefaults(global, Map.of());
    }

    /** The defaults of {@code queue} (the global ones for an unknown or missing queue). */
    public ResourceDefaults of(String queue) {
        return queue == null ? global : queues.getOrDefault(queue, global);
    }
}

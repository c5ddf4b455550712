package dev.capstan.submission.service;

import dev.capstan.events.InferenceServiceSpec;
import java.time.Instant;

/** An inference service as the REST API shows it: its spec with defaults, and its generation (1, then +1 a change). */
public record InferenceServiceView(String name, String queue, long generation, InferenceServiceSpec spec,
        Instant createdAt, Instant updatedAt) {
}

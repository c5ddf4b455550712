package dev.capstan.registry.service;

import dev.capstan.registry.domain.MetricPoint;
import dev.capstan.registry.domain.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the tracking use cases return; the MLflow adapter shapes these into MLflow's JSON. */
public final class TrackingViews {

    private TrackingViews() {
    }

    /** An experiment; every experiment here is active (none is ever deleted). */
    public record ExperimentView(long id, String name, String artifactLocation, Map<String, String> tags,
            Instant createdAt, Instant updatedAt) {
    }

    /**
     * A run with its data: the latest point of each metric, its params and tags. Start and end times are the
     * client's epoch milliseconds; {@code endTime} is null until the run ends.
     */
    public record RunView(String runId, long experimentId, String runName, String userId, RunStatus status,
            long startTime, Long endTime, String artifactUri, List<MetricPoint> latestMetrics,
            Map<String, String> params, Map<String, String> tags) {
    }

    /** Part of a list from an offset on, and the offset of the rest when there is more (null when not). */
    public record Chunk<T>(List<T> items, Long nextOffset) {

        /** The first {@code limit} of {@code fetched} (which asked for one more), and where the rest resumes. */
        static <T> Chunk<T> of(List<T> fetched, long offset, int limit) {
            return fetched.size() > limit ? new Chunk<>(List.copyOf(fetched.subList(0, limit)), offset + limit)
                    : new Chunk<>(List.copyOf(fetched), null);
        }
    }
}

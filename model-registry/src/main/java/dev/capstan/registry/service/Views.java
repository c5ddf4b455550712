package dev.capstan.registry.service;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.capstan.registry.domain.MoveKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the registry's use cases return; the REST adapters shape these for their clients. */
public final class Views {

    private Views() {
    }

    /** A registered model, with where each alias points now and its newest version. */
    public record ModelView(String name, String description, String queue, Map<String, String> tags,
            Map<String, Integer> aliases, Integer latestVersion, String createdBy, Instant createdAt,
            Instant updatedAt) {
    }

    /**
     * A version; {@code aliases} are those pointing at it now, {@code runLink} a URL to the run that produced it
     * (as MLflow clients give it).
     */
    public record VersionView(String model, int version, String artifactUri, String sha256, String format,
            Map<String, String> params, Map<String, Double> metrics, Map<String, String> tags, String description,
            Source source, String runId, String runLink, String status, List<String> aliases, String createdBy, Instant createdAt,
            Instant updatedAt) {
    }

    /** The training workload (and attempt) that produced a version. */
    public record Source(String workloadId, Integer attempt) {
    }

    /** Where an alias points now; {@code etag} is what If-Match must name to move it. */
    public record AliasView(String model, String alias, int version, long revision, String etag, Instant movedAt) {
    }

    /** One recorded move. */
    public record MoveView(long id, String model, String alias, Integer fromVersion, Integer toVersion, MoveKind kind,
            String actor, String reason, String cause, Instant at) {
    }

    /** One audit entry; before and after are JSON (null for a creation or a deletion). */
    public record AuditView(long id, String model, String actor, String action, String target,
            @JsonRawValue String before, @JsonRawValue String after, Instant at) {
    }

    /** Part of a list from an offset on; {@code total} counts the whole list. */
    public record Slice<T>(List<T> items, long offset, long total) {
    }

    /** One page of a list, numbered from 0. */
    public record Page<T>(List<T> items, int page, int size, long total) {
    }
}

package dev.capstan.registry.rest.mlflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.capstan.registry.domain.VersionStatus;
import dev.capstan.registry.service.Views.ModelView;
import dev.capstan.registry.service.Views.VersionView;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * MLflow 2.x's JSON shapes of the model registry, built from Capstan's views. Timestamps are epoch milliseconds,
 * versions strings, tags lists of key/value pairs; absent optional fields are left out, as MLflow leaves them.
 */
final class MlflowShapes {

    /** MLflow's only stage now that aliases replace stages. */
    static final String NO_STAGE = "None";

    private MlflowShapes() {
    }

    /** A tag of a model or a version. */
    record Tag(String key, String value) {
    }

    /** An alias of a registered model and the version it serves. */
    record Alias(String alias, String version) {
    }

    /** MLflow's {@code RegisteredModel}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RegisteredModel(String name, long creationTimestamp, long lastUpdatedTimestamp, String userId,
            String description, List<ModelVersion> latestVersions, List<Tag> tags, List<Alias> aliases) {
    }

    /** MLflow's {@code ModelVersion}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ModelVersion(String name, String version, long creationTimestamp, long lastUpdatedTimestamp,
            String userId, String currentStage, String description, String source, String runId, String status,
            String statusMessage, List<Tag> tags, String runLink, List<String> aliases) {
    }

    /** A registered model with its newest version (MLflow's latest version of the one stage, "None"). */
    static RegisteredModel model(ModelView m, VersionView latest) {
        return new RegisteredModel(m.name(), millis(m.createdAt()), millis(m.updatedAt()), m.createdBy(),
                m.description(), latest == null ? List.of() : List.of(version(latest)), tags(m.tags()),
                m.aliases().entrySet().stream().map(a -> new Alias(a.getKey(), String.valueOf(a.getValue())))
                        .toList());
    }

    /** A version: its source is the artifact URI, its stage always "None". */
    static ModelVersion version(VersionView v) {
        boolean failed = VersionStatus.FAILED.name().equals(v.status());
        return new ModelVersion(v.model(), String.valueOf(v.version()), millis(v.createdAt()), millis(v.updatedAt()),
                v.createdBy(), NO_STAGE, v.description(), v.artifactUri(), v.runId(),
                failed ? "FAILED_REGISTRATION" : "READY",
                failed ? "marked FAILED in Capstan: no alias may serve it" : null, tags(v.tags()), v.runLink(),
                v.aliases());
    }

    /** MLflow's tag list, by key so that reads are stable. */
    static List<Tag> tags(Map<String, String> tags) {
        return tags.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(t -> new Tag(t.getKey(), t.getValue())).toList();
    }

    private static long millis(Instant at) {
        return at == null ? 0 : at.toEpochMilli();
    }
}

package dev.capstan.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RegistryRulesTest {

    static RegistryRules.NewVersion aVersion() {
        return new RegistryRules.NewVersion("s3://models/fraud/7", "a".repeat(64), "pytorch", Map.of("lr", "0.01"),
                Map.of("auc", 0.93), Map.of("team", "risk"), "first", "wl-0001", 1, null, VersionStatus.READY, null);
    }

    record Case(String name, UnaryOperator<RegistryRules.NewVersion> change, String wantField) {
        @Override
        public String toString() {
            return name;
        }
    }

    static RegistryRules.NewVersion with(RegistryRules.NewVersion v, String uri, String sha, Map<String, Double> m,
            Map<String, String> tags, String workload) {
        return new RegistryRules.NewVersion(uri, sha, v.format(), v.params(), m, tags, v.description(), workload,
                v.sourceAttempt(), v.runId(), v.status(), v.runLink());
    }

    static Stream<Case> invalidVersions() {
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i <= RegistryRules.MAX_TAGS; i++) {
            tooMany.put("k" + i, "v");
        }
        return Stream.of(
                new Case("missing artifact", v -> with(v, null, v.sha256(), v.metrics(), v.tags(), null),
                        "artifactUri"),
                new Case("relative artifact", v -> with(v, "models/7", v.sha256(), v.metrics(), v.tags(), null),
                        "artifactUri"),
                new Case("artifact with a space", v -> with(v, "s3://m/a b", v.sha256(), v.metrics(), v.tags(), null),
                        "artifactUri"),
                new Case("short digest", v -> with(v, v.artifactUri(), "abc", v.metrics(), v.tags(), null), "sha256"),
                new Case("not-a-number metric", v -> with(v, v.artifactUri(), null, Map.of("auc", Double.NaN),
                        v.tags(), null), "metrics.auc"),
                new Case("oversized tag value", v -> with(v, v.artifactUri(), null, v.metrics(),
                        Map.of("k", "x".repeat(RegistryRules.MAX_TAG_VALUE + 1)), null), "tags.k"),
                new Case("too many tags", v -> with(v, v.artifactUri(), null, v.metrics(), tooMany, null), "tags"),
                new Case("tag value with a NUL", v -> with(v, v.artifactUri(), null, v.metrics(),
                        Map.of("k", "a\u0000b"), null), "tags.k"),
                new Case("workload id with a slash", v -> with(v, v.artifactUri(), null, v.metrics(), v.tags(),
                        "wl/1"), "source.workloadId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidVersions")
    void namesTheInvalidField(Case c) {
        List<FieldError> errors = RegistryRules.validate(c.change().apply(aVersion()));

        assertThat(errors).extracting(FieldError::field).contains(c.wantField());
    }

    @Test
    void aValidVersionHasNoErrors() {
        assertThat(RegistryRules.validate(aVersion())).isEmpty();
    }

    @Test
    void modelNamesAndAliases() {
        List<FieldError> errors = new java.util.ArrayList<>();
        RegistryRules.name("name", "fraud.v2_x-1", errors);
        RegistryRules.alias("alias", "production", errors);
        assertThat(errors).isEmpty();

        RegistryRules.name("name", "fraud@production", errors);
        RegistryRules.name("name", "", errors);
        RegistryRules.alias("alias", "Production", errors);
        RegistryRules.alias("alias", "latest", errors);
        RegistryRules.alias("alias", "v3", errors);
        assertThat(errors).extracting(FieldError::field).containsExactly("name", "name", "alias", "alias", "alias");
    }

    @Test
    void newModelRules() {
        assertThat(RegistryRules.validate(new RegistryRules.NewModel("fraud", "d", "team-risk", Map.of()))).isEmpty();
        assertThat(RegistryRules.validate(new RegistryRules.NewModel("fraud", "x".repeat(5001), "Team Risk",
                Map.of()))).extracting(FieldError::field).containsExactly("description", "queue");
    }
}

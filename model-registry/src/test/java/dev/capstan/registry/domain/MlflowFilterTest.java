package dev.capstan.registry.domain;

import static dev.capstan.registry.domain.MlflowFilter.Target.EXPERIMENTS;
import static dev.capstan.registry.domain.MlflowFilter.Target.MODELS;
import static dev.capstan.registry.domain.MlflowFilter.Target.VERSIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.registry.domain.MlflowFilter.Criteria;
import dev.capstan.registry.domain.MlflowFilter.Target;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** MLflow's filter subset: what each accepted filter means, and that everything else is refused by name. */
class MlflowFilterTest {

    record Accepted(String name, String filter, Target target, Criteria want) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Refused(String name, String filter, Target target, String wantMessage) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Criteria criteria() {
        return new Criteria(null, null, false, Map.of(), null, null);
    }

    static Stream<Accepted> accepted() {
        return Stream.of(
                new Accepted("no filter", null, MODELS, criteria()),
                new Accepted("blank filter", "   ", VERSIONS, criteria()),
                new Accepted("name equals", "name = 'fraud'", MODELS,
                        new Criteria("fraud", null, false, Map.of(), null, null)),
                new Accepted("no spaces, double quotes", "name=\"fraud\"", MODELS,
                        new Criteria("fraud", null, false, Map.of(), null, null)),
                new Accepted("LIKE keeps case", "name LIKE '%fr_ud%'", MODELS,
                        new Criteria(null, "%fr_ud%", false, Map.of(), null, null)),
                new Accepted("ilike in lower case", "name ilike 'Fr%'", MODELS,
                        new Criteria(null, "Fr%", true, Map.of(), null, null)),
                new Accepted("tag", "tags.team = 'risk'", MODELS,
                        new Criteria(null, null, false, Map.of("team", "risk"), null, null)),
                new Accepted("tag. prefix and a dotted key", "TAG.capstan.dev = 'y'", MODELS,
                        new Criteria(null, null, false, Map.of("capstan.dev", "y"), null, null)),
                new Accepted("backquoted tag key", "tags.`my key` = 'v'", MODELS,
                        new Criteria(null, null, false, Map.of("my key", "v"), null, null)),
                new Accepted("double-quoted tag key", "tags.\"a.b\" = 'v'", MODELS,
                        new Criteria(null, null, false, Map.of("a.b", "v"), null, null)),
                new Accepted("doubled quote in a value", "name = 'o''brien'", MODELS,
                        new Criteria("o'brien", null, false, Map.of(), null, null)),
                new Accepted("and of everything a version search takes",
                        "name = 'm' AND run_id = 'r1' and source_path = 's3://b/m' And tags.k = 'v'", VERSIONS,
                        new Criteria("m", null, false, Map.of("k", "v"), "r1", "s3://b/m")),
                new Accepted("equality and pattern on the name together", "name = 'm' AND name LIKE 'm%'", MODELS,
                        new Criteria("m", "m%", false, Map.of(), null, null)),
                new Accepted("experiments: name pattern and tag", "name ILIKE 'trial%' and tags.team = 'risk'",
                        EXPERIMENTS, new Criteria(null, "trial%", true, Map.of("team", "risk"), null, null)));
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("OR", "name = 'a' OR name = 'b'", MODELS, "OR is not supported"),
                new Refused("not equal", "name != 'a'", MODELS, "comparator '!=' is not supported"),
                new Refused("IN", "run_id IN ('a', 'b')", VERSIONS, "'IN' is not supported"),
                new Refused("parentheses", "(name = 'a')", MODELS, "parentheses are not supported"),
                new Refused("unknown key", "version_number = '3'", VERSIONS,
                        "filter key 'version_number' is not supported"),
                new Refused("run_id on models", "run_id = 'r'", MODELS,
                        "filter key 'run_id' is not supported when searching registered models"),
                new Refused("LIKE on a tag", "tags.k LIKE 'v%'", MODELS, "LIKE is not supported on tags"),
                new Refused("LIKE on run_id", "run_id LIKE 'r%'", VERSIONS, "LIKE is not supported on run_id"),
                new Refused("unquoted value", "name = fraud", MODELS, "must be quoted"),
                new Refused("unterminated value", "name = 'fraud", MODELS, "unterminated '"),
                new Refused("missing value", "name =", MODELS, "filter ends where a quoted value"),
                new Refused("missing AND", "name = 'a' name = 'b'", MODELS, "expected AND"),
                new Refused("trailing AND", "name = 'a' AND", MODELS, "filter ends where a condition"),
                new Refused("tag without key", "tags. = 'v'", MODELS, "names no tag key"),
                new Refused("name twice", "name = 'a' AND name = 'b'", MODELS, "name may appear once"),
                new Refused("tag twice", "tags.k = 'a' AND tags.k = 'b'", MODELS, "tag 'k' is compared twice"),
                new Refused("comparison", "creation_timestamp > '1'", VERSIONS, "is not supported"),
                new Refused("run_id on experiments", "run_id = 'r'", EXPERIMENTS,
                        "filter key 'run_id' is not supported when searching experiments"),
                new Refused("a number where a key belongs", "1 = 'a'", MODELS, "expected a key"));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void readsWhatAFilterMeans(Accepted c) {
        assertThat(MlflowFilter.parse(c.filter(), c.target())).as(c.name()).isEqualTo(c.want());
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWhatItCannotAnswerByName(Refused c) {
        assertThatThrownBy(() -> MlflowFilter.parse(c.filter(), c.target())).as(c.name())
                .isInstanceOf(MlflowFilter.Unsupported.class).hasMessageContaining(c.wantMessage());
    }
}

package dev.capstan.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** MLflow's rules for what a run accepts, as tables: keys, batch sizes, immutable params, run names. */
class TrackingRulesTest {

    record Key(String key, boolean wantValid) {
        @Override
        public String toString() {
            return "'" + key + "'";
        }
    }

    static Stream<Key> keys() {
        return Stream.of(new Key("loss", true), new Key("val/loss", true), new Key("train loss:top-1.5", true),
                new Key("précision", true), new Key("a_b", true), new Key("x".repeat(250), true),
                new Key("x".repeat(251), false), new Key("", false), new Key(null, false),
                new Key("a//b", false), new Key("a/", false), new Key("/a", false), new Key("./a", false),
                new Key("a/./b", false), new Key("a/../b", false), new Key("..", false), new Key(".", false),
                new Key("../a", false), new Key("bad*key", false), new Key("tab\tkey", false),
                new Key("semi;colon", false));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void keysFollowMlflowsNameRule(Key c) {
        List<FieldError> errors = new ArrayList<>();
        TrackingRules.key("key", c.key(), errors);
        assertThat(errors.isEmpty()).as(c.toString()).isEqualTo(c.wantValid());
    }

    record Normal(String path, String want) {
    }

    static Stream<Normal> normpaths() {
        return Stream.of(new Normal("", "."), new Normal("a", "a"), new Normal("a//b", "a/b"),
                new Normal("a/./b/", "a/b"), new Normal("a/../b", "b"), new Normal("../a", "../a"),
                new Normal("/../a", "/a"), new Normal("//a", "//a"), new Normal("///a", "/a"),
                new Normal("a/..", "."), new Normal("../../a/..", "../.."));
    }

    @ParameterizedTest
    @MethodSource("normpaths")
    void normpathIsPythons(Normal c) {
        assertThat(TrackingRules.normpath(c.path())).as(c.path()).isEqualTo(c.want());
    }

    record Batch(String name, int metrics, int params, int tags, List<String> wantFields) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Batch> batches() {
        return Stream.of(new Batch("at every limit", 800, 100, 100, List.of()),
                new Batch("1000 metrics alone", 1000, 0, 0, List.of()),
                new Batch("1001 metrics", 1001, 0, 0, List.of("metrics", "metrics, params, and tags")),
                new Batch("101 params", 0, 101, 0, List.of("params")),
                new Batch("101 tags", 0, 0, 101, List.of("tags")),
                new Batch("1001 in all", 801, 100, 100, List.of("metrics, params, and tags")));
    }

    @ParameterizedTest
    @MethodSource("batches")
    void batchesFollowMlflowsLimits(Batch c) {
        List<FieldError> errors = new ArrayList<>();
        TrackingRules.batchSize(c.metrics(), c.params(), c.tags(), errors);
        assertThat(errors).extracting(FieldError::field).as(c.name()).containsExactlyElementsOf(c.wantFields());
    }

    record ParamCase(String name, Map<String, String> logged, List<KeyValue> params, int wantErrors) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ParamCase> params() {
        return Stream.of(
                new ParamCase("new key", Map.of("lr", "0.1"), List.of(new KeyValue("bs", "64")), 0),
                new ParamCase("same value again", Map.of("lr", "0.1"), List.of(new KeyValue("lr", "0.1")), 0),
                new ParamCase("another value", Map.of("lr", "0.1"), List.of(new KeyValue("lr", "0.2")), 1),
                new ParamCase("absent value is the empty text", Map.of("note", ""),
                        List.of(new KeyValue("note", null)), 0),
                new ParamCase("two changes", Map.of("a", "1", "b", "2"),
                        List.of(new KeyValue("a", "x"), new KeyValue("b", "y")), 2));
    }

    @ParameterizedTest
    @MethodSource("params")
    void paramsNeverChange(ParamCase c) {
        List<FieldError> errors = new ArrayList<>();
        TrackingRules.unchangedParams("run1", c.logged(), c.params(), errors);
        assertThat(errors).as(c.name()).hasSize(c.wantErrors());
        errors.forEach(e -> assertThat(e.message()).contains("run ID='run1'").contains("already logged"));
    }

    record Name(String name, String runName, Map<String, String> tags, String want, boolean wantValid) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Name> names() {
        return Stream.of(new Name("given", "trial-7", Map.of(), "trial-7", true),
                new Name("from the tag", null, Map.of("mlflow.runName", "t"), "t", true),
                new Name("both alike", "t", Map.of("mlflow.runName", "t"), "t", true),
                new Name("both different", "a", Map.of("mlflow.runName", "b"), "a", false),
                new Name("neither", "", Map.of(), "run-fallback", true),
                new Name("too long", "x".repeat(251), Map.of(), "x".repeat(251), false));
    }

    @ParameterizedTest
    @MethodSource("names")
    void aRunIsNamedAsMlflowNamesIt(Name c) {
        List<FieldError> errors = new ArrayList<>();
        assertThat(TrackingRules.runName(c.runName(), c.tags(), "run-fallback", errors)).as(c.name())
                .isEqualTo(c.want());
        assertThat(errors.isEmpty()).as(c.name()).isEqualTo(c.wantValid());
    }

    @Test
    void duplicateParamKeysInABatchAreRefused() {
        List<FieldError> errors = new ArrayList<>();
        TrackingRules.uniqueParamKeys(List.of(new KeyValue("a", "1"), new KeyValue("a", "1")), errors);
        assertThat(errors).singleElement().satisfies(e -> assertThat(e.message()).contains("[a]"));
    }
}

package dev.capstan.submission.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.InferenceServiceSpec;
import dev.capstan.events.Resources;
import dev.capstan.events.RolloutPolicy;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InferenceServiceRulesTest {

    static final Resources HALF_T4 = new Resources(1, 500, List.of("T4"), 2000, 8192);

    /** Only what a user must say: name, queue, model, image, replica resources. */
    static InferenceServiceSpec minimal() {
        return new InferenceServiceSpec("chat", "team-nlp", "chat@production", "registry/serve:1", HALF_T4, null, null,
                null, null, null, null, null, null, null, null);
    }

    /** The minimal spec with one field replaced (null keeps it), as a change does. */
    static InferenceServiceSpec with(String name, String model, Integer min, Integer max, Double rps, Double conc,
            Boolean toZero, RolloutPolicy rollout) {
        return InferenceServiceRules.merge(minimal(), new InferenceServiceSpec(name, null, model, null, null, min, max,
                rps, conc, toZero, null, null, null, rollout, null));
    }

    @Test
    void defaultsFillWhatWasLeftOut() {
        InferenceServiceSpec s = InferenceServiceRules.withDefaults(minimal());

        assertThat(s.minReplicas()).isEqualTo(1);
        assertThat(s.maxReplicas()).isEqualTo(10);
        assertThat(s.targetRps()).isEqualTo(10.0);
        assertThat(s.targetConcurrency()).isZero();
        assertThat(s.scaleToZero()).isFalse();
        assertThat(s.coldStartSeconds()).isEqualTo(30);
        assertThat(s.queueTimeoutMillis()).isZero();
        assertThat(s.rollout()).isEqualTo(RolloutPolicy.defaults());
        assertThat(s.annotations()).isEmpty();
        assertThat(InferenceServiceRules.validate(s)).isEmpty();

        InferenceServiceSpec zero = InferenceServiceRules.withDefaults(with(null, null, null, null, null, 4.0, true,
                null));
        assertThat(zero.minReplicas()).isZero();
        assertThat(zero.targetRps()).as("a concurrency target stands alone").isZero();
        assertThat(InferenceServiceRules.validate(zero)).isEmpty();
    }

    record Case(String name, InferenceServiceSpec spec, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> invalid() {
        return Stream.of(
                new Case("min above max", with(null, null, 5, 2, null, null, null, null), "maxReplicas"),
                new Case("no replica at all", with(null, null, 0, null, null, null, false, null), "minReplicas"),
                new Case("too many replicas", with(null, null, null, 5000, null, null, null, null), "maxReplicas"),
                new Case("negative min", with(null, null, -1, null, null, null, null, null), "minReplicas"),
                new Case("model without alias or version", with(null, "chat", null, null, null, null, null, null),
                        "model"),
                new Case("version 0", with(null, "chat:0", null, null, null, null, null, null), "model"),
                new Case("alias with capitals", with(null, "chat@Prod", null, null, null, null, null, null), "model"),
                new Case("no target", with(null, null, null, null, 0.0, 0.0, null, null), "targetRps"),
                new Case("NaN target", with(null, null, null, null, Double.NaN, null, null, null), "targetRps"),
                new Case("empty canary steps", with(null, null, null, null, null, null, null,
                        new RolloutPolicy(1, List.of(), 30, 100, 1.0, 1.5)), "rollout.canarySteps"),
                new Case("steps not increasing", with(null, null, null, null, null, null, null,
                        new RolloutPolicy(1, List.of(50, 10, 100), 30, 100, 1.0, 1.5)), "rollout.canarySteps[1]"),
                new Case("steps not ending at 100", with(null, null, null, null, null, null, null,
                        new RolloutPolicy(1, List.of(10, 50), 30, 100, 1.0, 1.5)), "rollout.canarySteps"),
                new Case("no surge", with(null, null, null, null, null, null, null,
                        new RolloutPolicy(0, List.of(100), 30, 100, 1.0, 1.5)), "rollout.maxSurge"),
                new Case("window too short", with(null, null, null, null, null, null, null,
                        new RolloutPolicy(1, List.of(100), 1, 100, 1.0, 1.5)), "rollout.analysisWindowSeconds"),
                new Case("latency ratio below 1", with(null, null, null, null, null, null, null,
                        new RolloutPolicy(1, List.of(100), 30, 100, 1.0, 0.5)), "rollout.maxLatencyRatio"),
                new Case("bad name", new InferenceServiceSpec("Chat Bot", "q", "chat@production", "img", HALF_T4, null,
                        null, null, null, null, null, null, null, null, null), "name"),
                new Case("share of two GPUs", new InferenceServiceSpec("chat", "q", "chat@production", "img",
                        new Resources(2, 500, List.of(), 1000, 1024), null, null, null, null, null, null, null, null,
                        null, null), "replica.gpuMilli"),
                new Case("no image", new InferenceServiceSpec("chat", "q", "chat@production", null, HALF_T4, null,
                        null, null, null, null, null, null, null, null, null), "image"),
                new Case("bad annotation key", new InferenceServiceSpec("chat", "q", "chat@production", "img", HALF_T4,
                        null, null, null, null, null, null, null, null, null, Map.of("bad key", "v")),
                        "annotations.bad key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void anInvalidSpecIsRefusedNamingTheField(Case c) {
        List<FieldError> errors = InferenceServiceRules.validate(InferenceServiceRules.withDefaults(c.spec()));

        assertThat(errors).extracting(FieldError::field).contains(c.field());
    }

    @Test
    void aPartialRolloutTakesTheDefaultsForWhatItLeavesOutAndAChangeMergesIntoIt() {
        InferenceServiceSpec s = InferenceServiceRules.withDefaults(with(null, null, null, null, null, null, null,
                new RolloutPolicy(null, List.of(5, 25, 100), null, null, 0.0, null)));

        assertThat(s.rollout()).isEqualTo(new RolloutPolicy(1, List.of(5, 25, 100), 30, 100, 0.0, 1.5));
        assertThat(InferenceServiceRules.validate(s)).isEmpty();

        InferenceServiceSpec changed = InferenceServiceRules.merge(s, new InferenceServiceSpec(null, null, null, null,
                null, null, null, null, null, null, null, null, null,
                new RolloutPolicy(3, null, null, null, null, null), null));
        assertThat(changed.rollout()).isEqualTo(new RolloutPolicy(3, List.of(5, 25, 100), 30, 100, 0.0, 1.5));
    }

    @Test
    void aChangeReplacesOnlyTheFieldsItHoldsAndCannotRename() {
        InferenceServiceSpec current = InferenceServiceRules.withDefaults(minimal());
        InferenceServiceSpec change = new InferenceServiceSpec(null, null, "chat:7", null, null, null, 40, null, null,
                null, null, null, null, null, null);

        InferenceServiceSpec next = InferenceServiceRules.merge(current, change);

        assertThat(next.model()).isEqualTo("chat:7");
        assertThat(next.maxReplicas()).isEqualTo(40);
        assertThat(next).usingRecursiveComparison().ignoringFields("model", "maxReplicas").isEqualTo(current);
        assertThat(InferenceServiceRules.changeErrors(current, change)).isEmpty();
        assertThat(InferenceServiceRules.changeErrors(current, new InferenceServiceSpec("other", null, null, null,
                null, null, null, null, null, null, null, null, null, null, null)))
                .extracting(FieldError::field).containsExactly("name");
    }
}

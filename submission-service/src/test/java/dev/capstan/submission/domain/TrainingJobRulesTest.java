package dev.capstan.submission.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.Framework;
import dev.capstan.events.ModelOutput;
import dev.capstan.events.Resources;
import dev.capstan.events.TrainingJobSpec;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TrainingJobRulesTest {

    static TrainingJobSpec valid() {
        return new TrainingJobSpec("bert-finetune", "team-nlp", "registry/bert:1", List.of("python", "train.py"),
                Framework.PYTORCH, 4, new Resources(2, 1000, List.of("A100"), 8000, 32768), 0, Map.of(), Map.of(), null);
    }

    record Case(String name, UnaryOperator<TrainingJobSpec> change, String wantField) {
        @Override
        public String toString() {
            return name;
        }
    }

    static TrainingJobSpec with(TrainingJobSpec s, String name, String queue, String image, Framework f, int workers,
            Resources r) {
        return new TrainingJobSpec(name, queue, image, s.command(), f, workers, r, s.priority(), s.annotations(),
                s.env(), s.output());
    }

    static Stream<Case> invalid() {
        Resources r = valid().resources();
        return Stream.of(
                new Case("missing name", s -> with(s, null, s.queue(), s.image(), s.framework(), s.workers(), r), "name"),
                new Case("upper-case name", s -> with(s, "Bert", s.queue(), s.image(), s.framework(), s.workers(), r),
                        "name"),
                new Case("missing queue", s -> with(s, s.name(), " ", s.image(), s.framework(), s.workers(), r), "queue"),
                new Case("missing image", s -> with(s, s.name(), s.queue(), null, s.framework(), s.workers(), r), "image"),
                new Case("too many workers", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 513, r),
                        "workers"),
                new Case("distributed without framework",
                        s -> with(s, s.name(), s.queue(), s.image(), Framework.NONE, 2, r), "framework"),
                new Case("missing resources", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1, null),
                        "resources"),
                new Case("negative gpus", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(-1, 1000, List.of(), 1000, 1024)), "resources.gpus"),
                new Case("share of two gpus", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(2, 500, List.of(), 1000, 1024)), "resources.gpuMilli"),
                new Case("share above one gpu", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(1, 1500, List.of(), 1000, 1024)), "resources.gpuMilli"),
                new Case("no cpu", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(1, 1000, List.of(), 0, 1024)), "resources.cpuMilli"),
                new Case("no memory", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(1, 1000, List.of(), 1000, 0)), "resources.memoryMib"),
                new Case("blank gpu model", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(1, 1000, List.of("A100", " "), 1000, 1024)), "resources.gpuModels[1]"),
                new Case("output model with a slash", s -> withOutput(s, new ModelOutput("a/b", "s3://m/x", null)),
                        "output.model"),
                new Case("output without artifact", s -> withOutput(s, new ModelOutput("fraud", " ", null)),
                        "output.artifactUri"),
                new Case("output artifact not a URI", s -> withOutput(s, new ModelOutput("fraud", "models/x", null)),
                        "output.artifactUri"));
    }

    private static TrainingJobSpec withOutput(TrainingJobSpec s, ModelOutput output) {
        return new TrainingJobSpec(s.name(), s.queue(), s.image(), s.command(), s.framework(), s.workers(),
                s.resources(), s.priority(), s.annotations(), s.env(), output);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void namesTheInvalidField(Case c) {
        List<FieldError> errors = TrainingJobRules.validate(TrainingJobRules.withDefaults(c.change().apply(valid())));

        assertThat(errors).extracting(FieldError::field).containsExactly(c.wantField());
    }

    @Test
    void aValidSpecHasNoErrors() {
        assertThat(TrainingJobRules.validate(valid())).isEmpty();
        assertThat(TrainingJobRules.validate(withOutput(valid(), new ModelOutput("fraud.v2_x", "s3://m/fraud/7",
                "pytorch")))).isEmpty();
    }

    @Test
    void defaultsFillFrameworkWorkersAndWholeGpus() {
        TrainingJobSpec bare = new TrainingJobSpec("job", "q", "img", null, null, 0,
                new Resources(1, 0, null, 500, 512), 0, null, null, null);

        TrainingJobSpec s = TrainingJobRules.withDefaults(bare);

        assertThat(s.framework()).isEqualTo(Framework.NONE);
        assertThat(s.workers()).isEqualTo(1);
        assertThat(s.resources().gpuMilli()).isEqualTo(1000);
        assertThat(TrainingJobRules.validate(s)).isEmpty();
    }
}

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
                new Case("negative gpus", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(-1, 1000, List.of(), 1000, 1024)), "resources.gpus"),
                new Case("share of two gpus", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(2, 500, List.of(), 1000, 1024)), "resources.gpuMilli"),
                new Case("share above one gpu", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(1, 1500, List.of(), 1000, 1024)), "resources.gpuMilli"),
                // 0 (left out) gets a default since CPU and memory default per GPU; below 0 was written so.
                new Case("negative cpu", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(1, 1000, List.of(), -1, 1024)), "resources.cpuMilli"),
                new Case("negative memory", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(1, 1000, List.of(), 1000, -1)), "resources.memoryMib"),
                new Case("blank gpu model", s -> with(s, s.name(), s.queue(), s.image(), s.framework(), 1,
                        new Resources(1, 1000, List.of("A100", " "), 1000, 1024)), "resources.gpuModels[1]"),
                new Case("output model with a slash", s -> withOutput(s, new ModelOutput("a/b", "s3://m/x", null)),
                        "output.model"),
                new Case("output without artifact", s -> withOutput(s, new ModelOutput("fraud", " ", null)),
                        "output.artifactUri"),
                new Case("output artifact not a URI", s -> withOutput(s, new ModelOutput("fraud", "models/x", null)),
                        "output.artifactUri"),
                new Case("image with a space", s -> with(s, s.name(), s.queue(), "registry/a b:1", s.framework(),
                        s.workers(), r), "image"),
                new Case("NUL in an argument", s -> withText(s, List.of("python", "a\u0000b"), Map.of(), Map.of()),
                        "command[1]"),
                new Case("escape character in an env value", s -> withText(s, List.of(), Map.of("K", "\u001b[31m"),
                        Map.of()), "env.K"),
                new Case("env name with a space", s -> withText(s, List.of(), Map.of("MY VAR", "1"), Map.of()),
                        "env.MY VAR"),
                new Case("env name starting with a digit", s -> withText(s, List.of(), Map.of("1X", "1"), Map.of()),
                        "env.1X"),
                new Case("annotation key with two slashes", s -> withText(s, List.of(), Map.of(),
                        Map.of("a/b/c", "v")), "annotations.a/b/c"),
                new Case("NUL in an annotation value", s -> withText(s, List.of(), Map.of(), Map.of("team", "\u0000")),
                        "annotations.team"),
                new Case("control character in a gpu model", s -> with(s, s.name(), s.queue(), s.image(),
                        s.framework(), 1, new Resources(1, 1000, List.of("A1\u000700"), 1000, 1024)),
                        "resources.gpuModels[0]"));
    }

    private static TrainingJobSpec withText(TrainingJobSpec s, List<String> command, Map<String, String> env,
            Map<String, String> annotations) {
        return new TrainingJobSpec(s.name(), s.queue(), s.image(), command, s.framework(), s.workers(), s.resources(),
                s.priority(), annotations, env, s.output());
    }

    @Test
    void tabsAndLineBreaksInArgumentsAndValuesAndKubernetesStyleKeysAreFine() {
        TrainingJobSpec s = withText(valid(), List.of("bash", "-c", "echo a\n\techo b"),
                Map.of("NCCL_DEBUG", "INFO", "config.yaml", "a: 1\r\nb: 2"),
                Map.of("sim.capstan.dev/run-seconds", "30", "team", "vision", "example.com/owner_id", "x"));

        assertThat(TrainingJobRules.validate(s)).isEmpty();
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
    void aJobWithoutCpuMemoryOrResourcesGetsTheDefaultsInsteadOfARefusal() {
        TrainingJobSpec noCpuNoMemory = with(valid(), "j", "q", "img", Framework.PYTORCH, 2,
                new Resources(2, 0, List.of("A100"), 0, 0));
        TrainingJobSpec noResources = with(valid(), "j", "q", "img", Framework.NONE, 1, null);

        TrainingJobSpec gpu = TrainingJobRules.withDefaults(noCpuNoMemory, ResourceDefaults.STANDARD);
        TrainingJobSpec cpuOnly = TrainingJobRules.withDefaults(noResources, ResourceDefaults.STANDARD);

        assertThat(gpu.resources()).isEqualTo(new Resources(2, 1000, List.of("A100"), 8_000, 32_768));
        assertThat(cpuOnly.resources()).isEqualTo(new Resources(0, 1000, List.of(), 1_000, 4_096));
        assertThat(TrainingJobRules.validate(gpu)).isEmpty();
        assertThat(TrainingJobRules.validate(cpuOnly)).isEmpty();
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

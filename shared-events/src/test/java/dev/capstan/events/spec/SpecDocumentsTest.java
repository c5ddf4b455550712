package dev.capstan.events.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.capstan.events.Framework;
import dev.capstan.events.InferenceServiceSpec;
import dev.capstan.events.ModelOutput;
import dev.capstan.events.Resources;
import dev.capstan.events.RolloutPolicy;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.TuningExperimentSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Kubernetes-style documents as users write them, read onto the contract records; and every way one is refused. */
class SpecDocumentsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final String JOB = """
            apiVersion: capstan.dev/v1
            kind: TrainingJob
            metadata:
              name: llama-ft
              labels: {team: nlp}
              annotations: {sim.capstan.dev/run-seconds: "20"}
            spec:
              queue: team-nlp
              image: ghcr.io/acme/llama-ft:3
              command: [python, train.py]
              args: [--epochs, "3"]
              framework: pytorch
              workers: 4
              env:
              - {name: NCCL_DEBUG, value: INFO}
              resources: {cpu: 500m, memory: 1G, nvidia.com/gpu: 2}
              gpuModels: [A100]
              output: {model: llama-chat, artifactUri: "s3://models/llama-chat/run-7", format: pytorch}
            """;

    @Test
    void aTrainingJobMapsOntoTheFlatSpecWithQuantitiesRoundedUp() {
        var doc = (SpecDocuments.TrainingJob) SpecDocuments.read(yaml(JOB), DocumentKind.TRAINING_JOB);

        assertThat(doc.spec()).isEqualTo(new TrainingJobSpec("llama-ft", "team-nlp", "ghcr.io/acme/llama-ft:3",
                List.of("python", "train.py", "--epochs", "3"), Framework.PYTORCH, 4,
                new Resources(2, 1000, List.of("A100"), 500, 954), 0,
                Map.of("sim.capstan.dev/run-seconds", "20", "team", "nlp"), Map.of("NCCL_DEBUG", "INFO"),
                new ModelOutput("llama-chat", "s3://models/llama-chat/run-7", "pytorch")));
    }

    @Test
    void whatIsLeftOutStaysUnsetForTheOwningServiceToDefault() {
        var doc = (SpecDocuments.TrainingJob) SpecDocuments.read(yaml("""
                apiVersion: capstan.dev/v1
                kind: TrainingJob
                metadata: {name: bare}
                spec: {queue: q, image: img, resources: {nvidia.com/gpu.shared: 0.5}}
                """));

        assertThat(doc.spec().resources()).isEqualTo(new Resources(1, 500, List.of(), 0, 0));
        assertThat(doc.spec().workers()).isZero();
        assertThat(doc.spec().framework()).isNull();
    }

    @Test
    void requestsAndLimitsAreReadAsKubernetesReadsThem() {
        var doc = (SpecDocuments.TrainingJob) SpecDocuments.read(yaml("""
                apiVersion: capstan.dev/v1
                kind: TrainingJob
                metadata: {name: kube}
                spec:
                  queue: q
                  image: img
                  resources:
                    requests: {cpu: "2", memory: 8Gi}
                    limits: {cpu: "4", memory: 8Gi, nvidia.com/gpu: 1}
                """));

        assertThat(doc.spec().resources()).isEqualTo(new Resources(1, 1000, List.of(), 2_000, 8_192));
    }

    @Test
    void anInferenceServiceMapsOntoTheFlatSpec() {
        var doc = (SpecDocuments.InferenceService) SpecDocuments.read(yaml("""
                apiVersion: capstan.dev/v1
                kind: InferenceService
                metadata: {name: chat}
                spec:
                  queue: team-nlp
                  model: chat@production
                  image: registry/serve-llm:3
                  resources: {nvidia.com/gpu.shared: 500m, memory: 12Gi}
                  minReplicas: 1
                  maxReplicas: 8
                  targetRps: 4
                  rollout: {canarySteps: [10, 50, 100]}
                """), DocumentKind.INFERENCE_SERVICE);

        InferenceServiceSpec s = doc.spec();
        assertThat(s.replica()).isEqualTo(new Resources(1, 500, List.of(), 0, 12_288));
        assertThat(s.minReplicas()).isEqualTo(1);
        assertThat(s.maxReplicas()).isEqualTo(8);
        assertThat(s.targetRps()).isEqualTo(4.0);
        assertThat(s.rollout().canarySteps()).containsExactly(10, 50, 100);
        assertThat(s.rollout().maxSurge()).isNull();
    }

    static final String EXPERIMENT = """
            apiVersion: capstan.dev/v1
            kind: Experiment
            metadata: {name: lr-sweep}
            spec:
              queue: team-vision
              objective: {metric: accuracy, direction: maximize}
              searchSpace:
                parameters:
                - {name: lr, type: log-float, min: 0.0001, max: 0.1}
              algorithm: {name: random}
              budget: {maxTrials: 4}
              parallelism: 2
              seed: 7
              trialSteps: 50
              trialTemplate:
                metadata:
                  annotations: {sim.capstan.dev/run-seconds: "5"}
                spec:
                  image: registry/train:1
                  command: [python, train.py, --lr, "${lr}"]
                  resources: {nvidia.com/gpu: 1}
            """;

    @Test
    void anExperimentMapsOntoTheFlatSpecAndItsTemplateTakesTheExperimentsQueue() {
        var doc = (SpecDocuments.Experiment) SpecDocuments.read(yaml(EXPERIMENT), DocumentKind.EXPERIMENT);

        TuningExperimentSpec s = doc.spec();
        assertThat(s.name()).isEqualTo("lr-sweep");
        assertThat(s.objective()).isEqualTo(new TuningExperimentSpec.ObjectiveBody("accuracy", "maximize", null));
        assertThat(s.searchSpace().parameters()).containsExactly(
                new TuningExperimentSpec.ParameterBody("lr", "log-float", 0.0001, 0.1, null));
        assertThat(s.budget().maxTrials()).isEqualTo(4);
        assertThat(s.seed()).isEqualTo(7L);
        assertThat(s.trialSteps()).isEqualTo("50");
        assertThat(s.trialTemplate().queue()).isEqualTo("team-vision");
        assertThat(s.trialTemplate().command()).containsExactly("python", "train.py", "--lr", "${lr}");
        assertThat(s.trialTemplate().annotations()).containsEntry("sim.capstan.dev/run-seconds", "5");
        assertThat(s.trialTemplate().resources()).isEqualTo(new Resources(1, 1000, List.of(), 0, 0));
    }

    record Refused(String name, String document, DocumentKind endpoint, String wantPointer, String wantMessage) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String job(String spec) {
        return "apiVersion: capstan.dev/v1\nkind: TrainingJob\nmetadata: {name: j}\nspec: " + spec + "\n";
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("unknown apiVersion", JOB.replace("capstan.dev/v1", "capstan.dev/v2"), null,
                        "/apiVersion", "unknown apiVersion 'capstan.dev/v2': expected capstan.dev/v1"),
                new Refused("Kubernetes' own apiVersion", JOB.replace("capstan.dev/v1", "batch/v1"), null,
                        "/apiVersion", "expected capstan.dev/v1"),
                new Refused("no apiVersion", JOB.replace("apiVersion: capstan.dev/v1\n", ""), null, "/apiVersion",
                        "is required"),
                new Refused("unknown kind", JOB.replace("kind: TrainingJob", "kind: Job"), null, "/kind",
                        "unknown kind 'Job': expected TrainingJob, InferenceService or Experiment"),
                new Refused("kind in the wrong case", JOB.replace("kind: TrainingJob", "kind: trainingjob"), null,
                        "/kind", "unknown kind 'trainingjob'"),
                new Refused("a kind sent to the wrong endpoint", JOB, DocumentKind.INFERENCE_SERVICE, "/kind",
                        "a TrainingJob is not taken here: send it to POST /api/v1/workloads"),
                new Refused("no spec", "apiVersion: capstan.dev/v1\nkind: TrainingJob\nmetadata: {name: j}\n", null,
                        "/spec", "is required"),
                new Refused("unknown top-level field", JOB + "replicas: 3\n", null, "/replicas",
                        "unknown field (known: apiVersion, kind, metadata, spec, status)"),
                new Refused("a namespace", JOB.replace("  name: llama-ft", "  name: llama-ft\n  namespace: ml"),
                        null, "/metadata/namespace", "Capstan has no namespaces"),
                new Refused("unknown spec field", job("{queue: q, image: i, replicas: 3}"), null, "/spec/replicas",
                        "unknown field (known: args, command, env, framework, gpuModels, image, output, priority, "
                                + "queue, resources, workers)"),
                new Refused("unknown resource", job("{queue: q, resources: {nvidia.com/mig-1g.5gb: 1}}"), null,
                        "/spec/resources/nvidia.com~1mig-1g.5gb", "unknown field"),
                new Refused("memory with a unit Kubernetes does not know", job("{resources: {memory: 16GB}}"), null,
                        "/spec/resources/memory", "'16GB' has an unknown suffix 'GB'"),
                new Refused("cpu as words", job("{resources: {cpu: four}}"), null, "/spec/resources/cpu",
                        "must start with a number"),
                new Refused("negative cpu", job("{resources: {cpu: -1}}"), null, "/spec/resources/cpu",
                        "must not be negative"),
                new Refused("zero memory", job("{resources: {memory: 0}}"), null, "/spec/resources/memory",
                        "must be above 0 (leave it out for the default)"),
                new Refused("a fraction of whole GPUs", job("{resources: {nvidia.com/gpu: 1.5}}"), null,
                        "/spec/resources/nvidia.com~1gpu", "must be a whole number of GPUs"),
                new Refused("a share above one GPU", job("{resources: {nvidia.com/gpu.shared: 1.5}}"), null,
                        "/spec/resources/nvidia.com~1gpu.shared", "must be above 0 and at most 1"),
                new Refused("whole GPUs and a share", job("{resources: {nvidia.com/gpu: 1, nvidia.com/gpu.shared: "
                        + "0.5}}"), null, "/spec/resources/nvidia.com~1gpu.shared", "not both"),
                new Refused("a quantity that is a list", job("{resources: {cpu: [1]}}"), null,
                        "/spec/resources/cpu", "expected a quantity"),
                new Refused("workers as text", job("{workers: many}"), null, "/spec/workers",
                        "expected a whole number"),
                new Refused("env as a map", job("{env: {A: b}}"), null, "/spec/env",
                        "expected a list of {name, value}"),
                new Refused("env from a secret", job("{env: [{name: A, valueFrom: {secretKeyRef: {name: s}}}]}"),
                        null, "/spec/env/0/valueFrom", "is not supported"),
                new Refused("an unquoted number as annotation", JOB.replace("\"20\"", "20"), null,
                        "/metadata/annotations/sim.capstan.dev~1run-seconds", "expected a string: quote it (\"20\")"),
                new Refused("an unknown framework", job("{framework: caffe}"), null, "/spec/framework",
                        "unknown framework 'caffe'"),
                new Refused("an unknown field in the output", job("{output: {model: m, artifactUri: "
                        + "\"s3://x\", path: y}}"), null, "/spec/output/path", "unknown field (known: artifactUri, "
                                + "format, model)"),
                new Refused("an unknown field in a service's rollout", """
                        apiVersion: capstan.dev/v1
                        kind: InferenceService
                        metadata: {name: s}
                        spec: {rollout: {canarySteps: [10, 100], steps: 2}}
                        """, null, "/spec/rollout/steps", "unknown field"),
                new Refused("a mistyped search-space bound", EXPERIMENT.replace("min: 0.0001", "min: low"), null,
                        "/spec/searchSpace/parameters/0/min", "expected a number"),
                new Refused("an unknown field in a trial template", EXPERIMENT.replace("image: registry/train:1",
                        "image: registry/train:1\n      restartPolicy: Never"), null,
                        "/spec/trialTemplate/spec/restartPolicy", "unknown field"),
                new Refused("a body that is not an object", "[1, 2]", null, "", "expected an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWithTheJsonPointerOfTheFieldAndWhy(Refused c) {
        assertThatThrownBy(() -> SpecDocuments.read(yaml(c.document()), c.endpoint()))
                .isInstanceOfSatisfying(InvalidDocumentException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> {
                            assertThat(p.pointer()).isEqualTo(c.wantPointer());
                            assertThat(p.message()).contains(c.wantMessage());
                        }));
    }

    @Test
    void statusAndServerSetMetadataAreIgnoredSoThatWhatGetPrintedCanBeAppliedAgain() {
        var printed = (SpecDocuments.TrainingJob) SpecDocuments.read(yaml(JOB.replace("  name: llama-ft",
                "  name: llama-ft\n  uid: wl-0123456789ab\n  creationTimestamp: 2026-12-03T09:59:00Z")
                + "status: {phase: RUNNING, attempt: 1}\n"));

        assertThat(printed).isEqualTo(SpecDocuments.read(yaml(JOB)));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> SpecDocuments.read(yaml(job("{resources: {cpu: x, memory: 1GB}, workers: a}"))))
                .isInstanceOfSatisfying(InvalidDocumentException.class, e -> assertThat(e.problems())
                        .extracting(InvalidDocumentException.Problem::pointer)
                        .containsExactlyInAnyOrder("/spec/resources/cpu", "/spec/resources/memory", "/spec/workers"));
    }

    @Test
    void onlyObjectsWithApiVersionOrKindAreDocuments() {
        assertThat(SpecDocuments.isDocument(yaml(JOB))).isTrue();
        assertThat(SpecDocuments.isDocument(yaml("{kind: Foo}"))).isTrue();
        assertThat(SpecDocuments.isDocument(yaml("{name: j, queue: q}"))).isFalse();
        assertThat(SpecDocuments.isDocument(yaml("[1]"))).isFalse();
        assertThat(SpecDocuments.isDocument(null)).isFalse();
    }

    record Where(DocumentKind kind, String field, String wantPointer) {
        @Override
        public String toString() {
            return kind.kind() + " " + field;
        }
    }

    static Stream<Where> pointers() {
        return Stream.of(
                new Where(DocumentKind.TRAINING_JOB, "name", "/metadata/name"),
                new Where(DocumentKind.TRAINING_JOB, "queue", "/spec/queue"),
                new Where(DocumentKind.TRAINING_JOB, "resources.gpus", "/spec/resources/nvidia.com~1gpu"),
                new Where(DocumentKind.TRAINING_JOB, "resources.gpuMilli", "/spec/resources/nvidia.com~1gpu.shared"),
                new Where(DocumentKind.TRAINING_JOB, "resources.cpuMilli", "/spec/resources/cpu"),
                new Where(DocumentKind.TRAINING_JOB, "resources.gpuModels[1]", "/spec/gpuModels/1"),
                new Where(DocumentKind.TRAINING_JOB, "command[2]", "/spec/command/2"),
                new Where(DocumentKind.TRAINING_JOB, "annotations.example.com/team",
                        "/metadata/annotations/example.com~1team"),
                new Where(DocumentKind.TRAINING_JOB, "output.artifactUri", "/spec/output/artifactUri"),
                new Where(DocumentKind.INFERENCE_SERVICE, "replica.memoryMib", "/spec/resources/memory"),
                new Where(DocumentKind.INFERENCE_SERVICE, "rollout.canarySteps[0]", "/spec/rollout/canarySteps/0"),
                new Where(DocumentKind.EXPERIMENT, "searchSpace.parameters[0].min",
                        "/spec/searchSpace/parameters/0/min"),
                new Where(DocumentKind.EXPERIMENT, "trialTemplate.image", "/spec/trialTemplate/spec/image"),
                new Where(DocumentKind.EXPERIMENT, "trialTemplate.resources.gpus",
                        "/spec/trialTemplate/spec/resources/nvidia.com~1gpu"),
                new Where(DocumentKind.EXPERIMENT, "body", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pointers")
    void aServicesFlatFieldIsNamedInTheDocumentsTerms(Where w) {
        assertThat(SpecDocuments.pointer(w.kind(), w.field())).isEqualTo(w.wantPointer());
    }

    @Test
    void whatIsWrittenReadsBackToTheSameSpec() {
        TrainingJobSpec job = new TrainingJobSpec("j", "q", "img", List.of("python", "x.py"), Framework.MPI, 2,
                new Resources(2, 1000, List.of("H100"), 1_500, 16_384), 3, Map.of("a", "b"), Map.of("K", "V"),
                new ModelOutput("m", "s3://m/1", null));
        InferenceServiceSpec service = new InferenceServiceSpec("s", "q", "m@production", "img",
                new Resources(1, 250, List.of(), 2_000, 8_192), 1, 4, 5.0, 0.0, false, 60, 30, 0,
                RolloutPolicy.defaults(), Map.of());
        var experiment = ((SpecDocuments.Experiment) SpecDocuments.read(yaml(EXPERIMENT))).spec();

        assertThat(((SpecDocuments.TrainingJob) SpecDocuments.read(SpecDocuments.write(job))).spec()).isEqualTo(job);
        assertThat(((SpecDocuments.InferenceService) SpecDocuments.read(SpecDocuments.write(service))).spec())
                .isEqualTo(service);
        assertThat(((SpecDocuments.Experiment) SpecDocuments.read(SpecDocuments.write(experiment))).spec())
                .isEqualTo(experiment);
        assertThat(SpecDocuments.write(job).path("spec").path("resources").toString())
                .isEqualTo("{\"cpu\":\"1500m\",\"memory\":\"16Gi\",\"nvidia.com/gpu\":2}");
    }
}

package dev.capstan.localstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.capstan.events.EventCodec;
import dev.capstan.events.spec.DocumentKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./capstan apply}, {@code get} and {@code describe} for Kubernetes-style specs: what is sent where, what the
 * user reads back, against a stand-in for the two REST APIs that answers as they do (the end-to-end test applies the
 * same kind of file to the real services).
 */
class SpecCommandsTest {

    static final String FILE = """
            apiVersion: capstan.dev/v1
            kind: TrainingJob
            metadata: {name: llama-ft}
            spec:
              queue: team-nlp
              image: ghcr.io/acme/llama-ft:3
              resources: {nvidia.com/gpu: 2, memory: 64Gi}
            ---
            apiVersion: capstan.dev/v1
            kind: InferenceService
            metadata: {name: chat}
            spec: {queue: team-nlp, model: chat@production, image: serve:1, resources: {nvidia.com/gpu.shared: 0.5}}
            ---
            # an empty document between two separators is skipped, as kubectl skips it
            ---
            apiVersion: capstan.dev/v1
            kind: Experiment
            metadata: {name: lr-sweep}
            spec:
              objective: {metric: acc, direction: maximize}
              trialTemplate: {spec: {queue: research, image: train:1}}
            """;

    /** What the stand-in API received: method, path, Idempotency-Key and body. */
    record Request(String method, String path, String key, String body) {
    }

    HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, Integer> keys = new ConcurrentHashMap<>();
    final Map<String, Integer> generations = new ConcurrentHashMap<>();
    final Map<String, Boolean> experiments = new ConcurrentHashMap<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    SpecCommands commands;

    @BeforeEach
    void standInApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        commands = new SpecCommands(url, url, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = x.getRequestURI().getPath();
        String key = x.getRequestHeaders().getFirst("Idempotency-Key");
        requests.add(new Request(x.getRequestMethod(), path, key, body));
        JsonNode doc = body.isEmpty() ? null : EventCodec.mapper().readTree(body);
        String name = doc == null ? "" : doc.path("metadata").path("name").asText(doc.path("name").asText());
        switch (x.getRequestMethod() + " " + path) {
            case "POST /api/v1/workloads" -> {
                if (name.equals("broken")) {
                    reply(x, 400, """
                            {"type":"https://capstan.dev/problems/invalid-document","title":"Invalid document",
                             "status":400,"errors":[{"field":"/spec/resources/memory",
                             "message":"'16GB' has an unknown suffix 'GB'"}]}""");
                } else {
                    reply(x, keys.merge(key, 1, Integer::sum) == 1 ? 201 : 200, "{\"id\":\"wl-1\"}");
                }
            }
            case "POST /api/v1/inference-services" -> {
                boolean exists = generations.putIfAbsent(name, 1) != null;
                reply(x, exists ? 409 : 201, "{\"name\":\"" + name + "\",\"generation\":1}");
            }
            case "POST /api/v1/experiments" -> reply(x, experiments.putIfAbsent(name, true) == null ? 201 : 409,
                    "{\"name\":\"" + name + "\"}");
            case "GET /api/v1/workloads" -> reply(x, 200, """
                    {"items":[{"id":"wl-0123456789ab","kind":"training","name":"llama-ft","queue":"team-nlp",
                      "status":"RUNNING","reason":"all pods running","attempt":1,"createdAt":"2026-12-03T09:59:00Z",
                      "spec":{"name":"llama-ft","queue":"team-nlp","image":"img","framework":"pytorch","workers":2,
                        "resources":{"gpus":1,"gpuMilli":500,"cpuMilli":2000,"memoryMib":8192},
                        "annotations":{"team":"nlp"}},"pods":[]},
                     {"id":"wl-ba9876543210","kind":"training","name":"other","queue":"q","status":"QUEUED",
                      "reason":"submitted via rest","attempt":0,"createdAt":"2026-12-03T09:59:30Z",
                      "spec":{"name":"other","queue":"q","image":"img","workers":1,
                        "resources":{"gpus":0,"gpuMilli":1000,"cpuMilli":1000,"memoryMib":4096}},"pods":[]}],
                     "page":0,"size":500,"total":2}""");
            default -> {
                if (path.startsWith("/api/v1/inference-services/")) {
                    String service = path.substring(path.lastIndexOf('/') + 1);
                    int generation = x.getRequestMethod().equals("PATCH") ? generations.merge(service, 1,
                            Integer::sum) : generations.getOrDefault(service, 0);
                    reply(x, 200, "{\"name\":\"" + service + "\",\"generation\":" + generation + "}");
                } else {
                    reply(x, 404, "{\"title\":\"Not found\",\"status\":404}");
                }
            }
        }
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Test
    void applyingAFileOfThreeKindsCreatesEachWhereItGoesAndAgainChangesOnlyWhatCanChange(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("all.yaml");
        Files.writeString(file, FILE);

        int first = commands.run(List.of("apply", "-f", file.toString()));
        String created = out.toString(StandardCharsets.UTF_8);
        out.reset();
        int second = commands.run(List.of("apply", "-f", file.toString()));

        assertThat(first).isZero();
        assertThat(created.lines()).containsExactly("trainingjob.capstan.dev/llama-ft created",
                "inferenceservice.capstan.dev/chat created", "experiment.capstan.dev/lr-sweep created");
        assertThat(second).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "trainingjob.capstan.dev/llama-ft unchanged", "inferenceservice.capstan.dev/chat configured",
                "experiment.capstan.dev/lr-sweep unchanged (it exists, and an experiment is not changed once "
                        + "created: stop it and apply it under another name)");
        // The documents go as they were written; the same job twice carries the same Idempotency-Key.
        List<Request> jobs = requests.stream().filter(r -> r.path().equals("/api/v1/workloads")).toList();
        assertThat(jobs).hasSize(2);
        assertThat(jobs.get(0).key()).startsWith("apply-").isEqualTo(jobs.get(1).key());
        assertThat(EventCodec.mapper().readTree(jobs.get(0).body()).path("kind").asText()).isEqualTo("TrainingJob");
        // An existing service takes the document's settings in the flat form PATCH reads.
        Request patch = requests.stream().filter(r -> r.method().equals("PATCH")).findFirst().orElseThrow();
        assertThat(EventCodec.mapper().readTree(patch.body()).path("replica").path("gpuMilli").asInt()).isEqualTo(500);
    }

    @Test
    void aDocumentRefusedOrOfAnUnknownKindIsReportedAndTheOthersAreStillApplied(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("mixed.yaml");
        Files.writeString(file, """
                apiVersion: capstan.dev/v1
                kind: PyTorchJob
                metadata: {name: a}
                ---
                apiVersion: capstan.dev/v1
                kind: TrainingJob
                metadata: {name: broken}
                spec: {queue: q, resources: {memory: 16GB}}
                ---
                apiVersion: capstan.dev/v1
                kind: TrainingJob
                metadata: {name: fine}
                spec: {queue: q, image: i}
                """);

        int code = commands.run(List.of("apply", "-f", file.toString()));

        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "trainingjob.capstan.dev/fine created");
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "error: resource mapping not found for kind \"PyTorchJob\" in \"" + file + "\": expected TrainingJob, "
                        + "InferenceService or Experiment (apiVersion capstan.dev/v1)",
                "Error from server (InvalidDocument): error when creating \"" + file + "\": "
                        + "trainingjob.capstan.dev \"broken\" is invalid: /spec/resources/memory: '16GB' has an "
                        + "unknown suffix 'GB'");
    }

    @Test
    void getWithOutputYamlPrintsTheJobAsTheDocumentItCameFromWithItsStatus() {
        int code = commands.run(List.of("get", "trainingjobs", "llama-ft", "-o", "yaml"));

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("""
                apiVersion: capstan.dev/v1
                kind: TrainingJob
                metadata:
                  name: llama-ft
                  annotations:
                    team: nlp
                  uid: wl-0123456789ab
                  creationTimestamp: 2026-12-03T09:59:00Z
                spec:
                  queue: team-nlp
                  image: img
                  framework: pytorch
                  workers: 2
                  resources:
                    cpu: "2"
                    memory: 8Gi
                    nvidia.com/gpu.shared: "0.5"
                status:
                  phase: RUNNING
                  reason: all pods running
                  attempt: 1
                """);
        out.reset();
        assertThat(commands.run(List.of("get", "trainingjobs", "-o", "json"))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"kind\" : \"List\"", "\"name\" : \"other\"");
        assertThat(commands.run(List.of("get", "trainingjobs", "missing"))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(
                "Error from server (NotFound): trainingjobs.capstan.dev \"missing\" not found");
    }

    @Test
    void whatAJobAsksForDecidesItsIdempotencyKeyNotHowItIsWritten() throws IOException {
        JsonNode written = SpecCommands.documents(new java.io.ByteArrayInputStream("""
                # a comment
                apiVersion: capstan.dev/v1
                kind: TrainingJob
                metadata: {name: j, annotations: {b: "2", a: "1"}}
                spec: {queue: q, image: i, resources: {cpu: 500m, memory: 1Gi}}
                """.getBytes(StandardCharsets.UTF_8))).get(0);
        JsonNode printed = SpecCommands.documents(new java.io.ByteArrayInputStream("""
                apiVersion: capstan.dev/v1
                kind: TrainingJob
                metadata:
                  name: j
                  annotations: {a: "1", b: "2"}
                  uid: wl-0123456789ab
                spec:
                  queue: q
                  image: i
                  resources: {memory: 1024Mi, cpu: "0.5"}
                status: {phase: RUNNING}
                """.getBytes(StandardCharsets.UTF_8))).get(0);

        assertThat(SpecCommands.canonical(written, DocumentKind.TRAINING_JOB, written.toString()))
                .isEqualTo(SpecCommands.canonical(printed, DocumentKind.TRAINING_JOB, printed.toString()));
    }

    @Test
    void getPrintsKubectlLikeTables() throws IOException {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        JsonNode job = SpecCommands.trainingJob(EventCodec.mapper().readTree("""
                {"id":"wl-0123456789ab","kind":"training","name":"llama-ft","queue":"team-nlp","status":"RUNNING",
                 "reason":"all pods running","attempt":1,"createdAt":"2026-12-03T09:57:30Z",
                 "spec":{"name":"llama-ft","queue":"team-nlp","image":"img","framework":"pytorch","workers":4,
                   "resources":{"gpus":2,"gpuMilli":1000,"cpuMilli":8000,"memoryMib":32768}},"pods":[]}
                """));
        JsonNode service = SpecCommands.inferenceService(EventCodec.mapper().readTree("""
                {"name":"chat","queue":"team-nlp","generation":3,"createdAt":"2026-12-01T09:00:00Z",
                 "spec":{"name":"chat","queue":"team-nlp","model":"chat@production","image":"serve:1",
                   "replica":{"gpus":1,"gpuMilli":500,"cpuMilli":2000,"memoryMib":8192},"minReplicas":1,
                   "maxReplicas":8,"targetRps":4.0}}
                """));

        String jobs = text(SpecCommands.table(DocumentKind.TRAINING_JOB, List.of(job), false, now));
        String services = text(SpecCommands.table(DocumentKind.INFERENCE_SERVICE, List.of(service), true, now));

        assertThat(jobs.lines()).containsExactly(
                "NAME      QUEUE     STATUS   WORKERS  GPUS  ID               AGE",
                "llama-ft  team-nlp  RUNNING  4        2     wl-0123456789ab  2m");
        assertThat(services.lines()).containsExactly(
                "NAME                               QUEUE     MODEL            REPLICAS  GPUS  GENERATION  AGE",
                "inferenceservice.capstan.dev/chat  team-nlp  chat@production  1-8       0.5   3           2d");
    }

    @Test
    void describeShowsTheJobsResourcesPodsAndEvents() throws IOException {
        JsonNode job = SpecCommands.trainingJob(EventCodec.mapper().readTree("""
                {"id":"wl-0123456789ab","kind":"training","name":"llama-ft","queue":"team-nlp","status":"SUCCEEDED",
                 "reason":"all pods succeeded","attempt":1,"createdAt":"2026-12-03T09:00:00Z",
                 "spec":{"name":"llama-ft","queue":"team-nlp","image":"img","command":["python","train.py"],
                   "framework":"pytorch","workers":1,
                   "resources":{"gpus":1,"gpuMilli":500,"cpuMilli":2000,"memoryMib":8192}},
                 "pods":[{"pod":"wl-0123456789ab-a1-worker-0","role":"worker","rank":0,"node":"a100-0",
                          "gpuIndices":[3],"gpuMilli":500,"gpuModel":"A100-80GB"}],
                 "history":[{"from":null,"to":"QUEUED","reason":"submitted via rest","at":"2026-12-03T09:00:00Z"},
                            {"from":"QUEUED","to":"SUCCEEDED","reason":"all pods succeeded",
                             "at":"2026-12-03T09:59:00Z"}]}
                """));

        String text = SpecCommands.describeTrainingJob(job, Instant.parse("2026-12-03T10:00:00Z"));

        assertThat(text).contains("Name:          llama-ft", "UID:           wl-0123456789ab",
                "Status:        SUCCEEDED", "  Resources:   cpu 2, memory 8Gi, nvidia.com/gpu.shared 0.5 per worker");
        assertThat(text).containsPattern("wl-0123456789ab-a1-worker-0 +a100-0 +3 +500m +A100-80GB");
        assertThat(text).containsPattern("Normal +Queued +60m +\\(new\\) +submitted via rest");
        assertThat(text).containsPattern("Normal +Succeeded +60s +QUEUED +all pods succeeded");
    }

    @Test
    void describeWithAKindIsOursAndWithoutOneStaysTheOldCommand() {
        assertThat(SpecCommands.handles(List.of("describe", "trainingjob", "llama-ft"))).isTrue();
        assertThat(SpecCommands.handles(List.of("describe", "inferenceservices", "chat"))).isTrue();
        assertThat(SpecCommands.handles(List.of("describe", "experiment.capstan.dev", "x"))).isTrue();
        assertThat(SpecCommands.handles(List.of("describe", "chat"))).isFalse();
        assertThat(SpecCommands.handles(List.of("describe", "wl-0123", "--json"))).isFalse();
        assertThat(SpecCommands.handles(List.of("get", "all"))).isTrue();
        assertThat(SpecCommands.handles(List.of("submit", "job.yaml"))).isFalse();
    }

    private static String text(Table t) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        t.print(new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }
}

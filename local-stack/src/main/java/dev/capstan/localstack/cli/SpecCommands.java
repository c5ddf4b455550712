package dev.capstan.localstack.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.capstan.events.EventCodec;
import dev.capstan.events.InferenceServiceSpec;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.spec.DocumentKind;
import dev.capstan.events.spec.InvalidDocumentException;
import dev.capstan.events.spec.SpecDocuments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The kubectl-like commands of {@code ./capstan} for Kubernetes-style specs: {@code apply -f FILE} (any kind, several
 * documents separated by {@code ---}), {@code get KIND [NAME] [-o yaml|json]} and {@code describe KIND NAME}. Training
 * jobs and inference services go to submission-service ({@code $CAPSTAN_API}), experiments to tuning-service
 * ({@code $CAPSTAN_TUNING}).
 *
 * <p>{@code apply} is idempotent as kubectl's is: a training job applied again unchanged is the workload it created
 * (its Idempotency-Key is a digest of what the document asks for, however it is written, so the output of
 * {@code get -o yaml} applied again is unchanged too), an inference service that exists is changed to the document's
 * settings.
 */
public final class SpecCommands {

    static final String USAGE = """
            usage: ./capstan apply -f FILE [-f FILE ...]          create what the documents describe (--- separates them)
                   ./capstan get trainingjobs|inferenceservices|experiments|all [NAME] [-o yaml|json]
                   ./capstan describe trainingjob|inferenceservice|experiment NAME""";

    /**
     * YAML as kubectl prints it: no {@code ---} before a single document, quotes only where needed, and always around
     * text that would read back as a number ({@code cpu: "2"}, an annotation {@code "20"}), so that the output can be
     * applied again (annotations must be strings).
     */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String api;
    private final String tuning;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    public SpecCommands(String api, String tuning, PrintStream out, PrintStream err, Clock clock) {
        this.api = api;
        this.tuning = tuning;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    /** The commands as {@code ./capstan} runs them: addresses from the environment. */
    public static SpecCommands fromEnvironment() {
        return new SpecCommands(System.getenv().getOrDefault("CAPSTAN_API", "http://127.0.0.1:8081"),
                System.getenv().getOrDefault("CAPSTAN_TUNING", TuningCommands.DEFAULT_URL), System.out, System.err,
                Clock.systemUTC());
    }

    /** Whether these commands take {@code args}: apply and get always, describe when it names a kind and a name. */
    public static boolean handles(List<String> args) {
        if (args.isEmpty()) {
            return false;
        }
        return switch (args.get(0)) {
            case "apply", "get" -> true;
            case "describe" -> args.size() >= 3 && DocumentKind.fromCommandLine(args.get(1)).isPresent();
            default -> false;
        };
    }

    /** Runs one command; returns the exit code (0 done, 1 refused or unreachable, 2 a malformed command line). */
    public int run(List<String> args) {
        try {
            return switch (args.get(0)) {
                case "apply" -> apply(args.subList(1, args.size()));
                case "get" -> get(args.subList(1, args.size()));
                case "describe" -> describe(DocumentKind.fromCommandLine(args.get(1)).orElseThrow(), args.get(2));
                default -> usage("unknown command '" + args.get(0) + "'");
            };
        } catch (Unreachable e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("capstan: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int usage(String problem) {
        err.println("capstan: " + problem);
        err.println(USAGE);
        return 2;
    }

    // ------------------------------------------------------------------ apply

    private int apply(List<String> args) throws IOException, InterruptedException, Unreachable {
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("-f") || a.equals("--filename")) && i + 1 < args.size()) {
                files.add(args.get(++i));
            } else if (a.startsWith("--filename=")) {
                files.add(a.substring("--filename=".length()));
            } else {
                return usage("apply takes -f FILE, not '" + a + "'");
            }
        }
        if (files.isEmpty()) {
            return usage("apply needs -f FILE");
        }
        boolean failed = false;
        for (String file : files) {
            List<JsonNode> documents;
            try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
                documents = documents(in);
            } catch (IOException e) {
                err.println("error: " + file + ": " + firstLine(e.getMessage()));
                failed = true;
                continue;
            }
            for (JsonNode doc : documents) {
                failed |= !applyOne(file, doc);
            }
        }
        return failed ? 1 : 0;
    }

    /** The documents of a YAML (or JSON) stream, {@code ---} between them; empty documents skipped. */
    static List<JsonNode> documents(InputStream in) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (JsonParser parser = YAML.getFactory().createParser(in);
                MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
            while (it.hasNextValue()) {
                JsonNode d = it.nextValue();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    /** Applies one document; prints what happened as kubectl does. False when it was refused. */
    private boolean applyOne(String file, JsonNode doc) throws InterruptedException, Unreachable {
        if (!SpecDocuments.isDocument(doc)) {
            err.println("error: " + file + ": a document without apiVersion and kind (the flat format goes through "
                    + "./capstan submit, serve or tune)");
            return false;
        }
        String kindName = doc.path("kind").asText();
        Optional<DocumentKind> kind = DocumentKind.of(kindName);
        if (kind.isEmpty()) {
            err.println("error: resource mapping not found for kind \"" + kindName + "\" in \"" + file
                    + "\": expected TrainingJob, InferenceService or Experiment (apiVersion " + SpecDocuments.API_VERSION
                    + ")");
            return false;
        }
        DocumentKind k = kind.get();
        String name = doc.path("metadata").path("name").asText("");
        String ref = k.qualified() + "/" + name;
        String body = doc.toString();
        String key = "apply-" + digest(canonical(doc, k, body));
        Answer a = switch (k) {
            case TRAINING_JOB -> send(HttpRequest.newBuilder(URI.create(api + "/api/v1/workloads"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)), api);
            case INFERENCE_SERVICE -> send(HttpRequest.newBuilder(URI.create(api + "/api/v1/inference-services"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)), api);
            case EXPERIMENT -> send(HttpRequest.newBuilder(URI.create(tuning + "/api/v1/experiments"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)),
                    tuning);
        };
        if (a.status() == 201) {
            out.println(ref + " created");
            return true;
        }
        if (a.status() == 200) {
            out.println(ref + " unchanged");
            return true;
        }
        if (a.status() == 409 && k == DocumentKind.INFERENCE_SERVICE) {
            return configure(file, ref, name, doc);
        }
        if (a.status() == 409 && k == DocumentKind.EXPERIMENT) {
            out.println(ref + " unchanged (it exists, and an experiment is not changed once created: stop it and "
                    + "apply it under another name)");
            return true;
        }
        err.println(refusal(a, "creating", file, k, name));
        return false;
    }

    /** An inference service that exists takes the document's settings (a new model starts a rollout). */
    private boolean configure(String file, String ref, String name, JsonNode doc)
            throws InterruptedException, Unreachable {
        InferenceServiceSpec spec;
        try {
            spec = (InferenceServiceSpec) SpecDocuments.read(doc, DocumentKind.INFERENCE_SERVICE).spec();
        } catch (InvalidDocumentException e) {
            err.println("error: " + file + ": " + ref + " is invalid: " + e.getMessage());
            return false;
        }
        String url = api + "/api/v1/inference-services/" + segment(name);
        Answer before = send(HttpRequest.newBuilder(URI.create(url)), api);
        Answer after = send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(EventCodec.mapper().valueToTree(spec)
                        .toString())), api);
        if (after.status() != 200) {
            err.println(refusal(after, "applying", file, DocumentKind.INFERENCE_SERVICE, name));
            return false;
        }
        boolean changed = before.body() == null
                || after.body().path("generation").asLong() != before.body().path("generation").asLong();
        out.println(ref + (changed ? " configured" : " unchanged"));
        return true;
    }

    /** A refusal as kubectl words one, with each field the server named. */
    static String refusal(Answer a, String doing, String file, DocumentKind kind, String name) {
        JsonNode p = a.body();
        String title = p != null && p.has("title") ? p.path("title").asText() : "HTTP " + a.status();
        // kubectl's reasons are CamelCase: "Invalid document" is InvalidDocument
        StringBuilder reason = new StringBuilder();
        for (String word : title.split(" ")) {
            reason.append(word.isEmpty() ? "" : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        StringBuilder s = new StringBuilder("Error from server (" + reason + "): error when "
                + doing + " \"" + file + "\": " + kind.qualified() + " \"" + name + "\"");
        if (p == null || !p.has("title")) {
            return s.append(": HTTP ").append(a.status()).append(' ').append(a.raw().strip()).toString();
        }
        List<String> fields = new ArrayList<>();
        p.path("errors").forEach(e -> fields.add(e.path("field").asText() + ": " + e.path("message").asText()));
        return s.append(fields.isEmpty() ? ": " + p.path("detail").asText() : " is invalid: "
                + String.join("; ", fields)).toString();
    }

    /**
     * What a document asks for, independent of how it is written (comments, key order, quoting, the status and uid
     * that {@code get -o yaml} adds): the spec it maps onto, map entries sorted. A document that cannot be read is
     * sent as it is, for the server to say why.
     */
    static String canonical(JsonNode doc, DocumentKind kind, String raw) {
        try {
            return EventCodec.mapper().writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsString(SpecDocuments.read(doc, kind).spec());
        } catch (InvalidDocumentException | IOException unreadable) {
            return raw;
        }
    }

    private static String digest(String body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    // ------------------------------------------------------------------ get

    private int get(List<String> args) throws IOException, InterruptedException, Unreachable {
        String output = null;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("-o") || a.equals("--output")) && i + 1 < args.size()) {
                output = args.get(++i);
            } else if (a.startsWith("-o") && a.length() > 2) {
                output = a.substring(a.startsWith("-o=") ? 3 : 2);
            } else if (a.startsWith("--output=")) {
                output = a.substring("--output=".length());
            } else {
                words.add(a);
            }
        }
        if (output != null && !Set.of("yaml", "json", "wide").contains(output)) {
            return usage("-o takes yaml or json, not '" + output + "'");
        }
        if (words.isEmpty() || words.size() > 2) {
            return usage(words.isEmpty() ? "get needs a kind" : "too many arguments");
        }
        String name = words.size() == 2 ? words.get(1) : null;
        List<DocumentKind> kinds;
        if (words.get(0).equals("all")) {
            kinds = List.of(DocumentKind.values());
        } else {
            Optional<DocumentKind> k = DocumentKind.fromCommandLine(words.get(0));
            if (k.isEmpty()) {
                err.println("error: the server doesn't have a resource type \"" + words.get(0) + "\" (trainingjobs, "
                        + "inferenceservices, experiments or all)");
                return 1;
            }
            kinds = List.of(k.get());
        }
        ArrayNode items = EventCodec.mapper().createArrayNode();
        List<Table> tables = new ArrayList<>();
        for (DocumentKind k : kinds) {
            List<JsonNode> objects = objects(k, name);
            objects.forEach(items::add);
            if (output == null || output.equals("wide")) {
                Table t = table(k, objects, kinds.size() > 1, Instant.now(clock));
                if (t.size() > 0 || kinds.size() == 1) {
                    tables.add(t);
                }
            }
        }
        if (name != null && items.isEmpty()) {
            err.println("Error from server (NotFound): " + kinds.get(0).plural() + "." + SpecDocuments.GROUP + " \""
                    + name + "\" not found");
            return 1;
        }
        if (output != null && !output.equals("wide")) {
            JsonNode shown = name != null && items.size() == 1 ? items.get(0) : list(items);
            out.print(output.equals("yaml") ? YAML.writeValueAsString(shown)
                    : EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(shown) + "\n");
            return 0;
        }
        if (tables.isEmpty() || tables.stream().allMatch(t -> t.size() == 0)) {
            out.println("No resources found.");
            return 0;
        }
        for (int i = 0; i < tables.size(); i++) {
            if (i > 0) {
                out.println();
            }
            tables.get(i).print(out);
        }
        return 0;
    }

    private static ObjectNode list(ArrayNode items) {
        ObjectNode list = EventCodec.mapper().createObjectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.set("items", items);
        return list;
    }

    /** The objects of a kind (named {@code name}, or all), each as a document with its status. */
    private List<JsonNode> objects(DocumentKind k, String name) throws IOException, InterruptedException, Unreachable {
        List<JsonNode> out = new ArrayList<>();
        switch (k) {
            case TRAINING_JOB -> {
                if (name != null && name.startsWith("wl-")) {
                    Answer a = send(HttpRequest.newBuilder(URI.create(api + "/api/v1/workloads/" + segment(name))),
                            api);
                    if (a.status() == 200) {
                        out.add(trainingJob(a.body()));
                    }
                    return out;
                }
                Answer a = ok(send(HttpRequest.newBuilder(URI.create(api + "/api/v1/workloads?size=500")), api));
                a.body().path("items").forEach(w -> {
                    if ("training".equals(w.path("kind").asText("training"))
                            && (name == null || name.equals(w.path("name").asText()))) {
                        out.add(trainingJob(w));
                    }
                });
            }
            case INFERENCE_SERVICE -> {
                Answer a = ok(send(HttpRequest.newBuilder(URI.create(api + "/api/v1/inference-services?size=500")),
                        api));
                a.body().path("items").forEach(s -> {
                    if (name == null || name.equals(s.path("name").asText())) {
                        out.add(inferenceService(s));
                    }
                });
            }
            case EXPERIMENT -> {
                Answer a;
                try {
                    a = send(HttpRequest.newBuilder(URI.create(tuning + "/api/v1/experiments" + (name == null ? ""
                            : "/" + segment(name)))), tuning);
                } catch (Unreachable e) {
                    if (name == null) {
                        return out; // tuning-service is not running: no experiments to show
                    }
                    throw e;
                }
                if (name != null) {
                    if (a.status() == 200) {
                        out.add(experiment(a.body()));
                    }
                    return out;
                }
                ok(a).body().forEach(e -> out.add(experiment(e)));
            }
        }
        return out;
    }

    /** A workload as kubectl would show a TrainingJob: the document, its id as uid, its lifecycle as status. */
    static ObjectNode trainingJob(JsonNode w) {
        ObjectNode doc = SpecDocuments.write(EventCodec.mapper().convertValue(w.path("spec"), TrainingJobSpec.class));
        ObjectNode meta = (ObjectNode) doc.path("metadata");
        meta.put("uid", w.path("id").asText());
        meta.put("creationTimestamp", w.path("createdAt").asText());
        ObjectNode status = doc.putObject("status");
        status.put("phase", w.path("status").asText());
        status.put("reason", w.path("reason").asText());
        status.put("attempt", w.path("attempt").asInt());
        if (w.path("pods").size() > 0) {
            status.set("pods", w.path("pods"));
        }
        if (w.has("history")) {
            status.set("history", w.path("history"));
        }
        return doc;
    }

    static ObjectNode inferenceService(JsonNode s) {
        ObjectNode doc = SpecDocuments.write(EventCodec.mapper().convertValue(s.path("spec"),
                InferenceServiceSpec.class));
        ObjectNode meta = (ObjectNode) doc.path("metadata");
        meta.put("generation", s.path("generation").asLong());
        meta.put("creationTimestamp", s.path("createdAt").asText());
        return doc;
    }

    /** tuning-service answers with the experiment's state, not its spec: that is its status. */
    static ObjectNode experiment(JsonNode e) {
        ObjectNode doc = EventCodec.mapper().createObjectNode();
        doc.put("apiVersion", SpecDocuments.API_VERSION);
        doc.put("kind", DocumentKind.EXPERIMENT.kind());
        doc.putObject("metadata").put("name", e.path("name").asText())
                .put("creationTimestamp", e.path("createdAt").asText());
        ObjectNode status = e.deepCopy();
        status.remove("name");
        status.remove("createdAt");
        doc.set("status", status);
        return doc;
    }

    /** kubectl's table of a kind: NAME first ({@code kind/name} when several kinds are shown), AGE last. */
    static Table table(DocumentKind k, List<JsonNode> objects, boolean qualified, Instant now) {
        Table t = switch (k) {
            case TRAINING_JOB -> new Table("NAME", "QUEUE", "STATUS", "WORKERS", "GPUS", "ID", "AGE");
            case INFERENCE_SERVICE -> new Table("NAME", "QUEUE", "MODEL", "REPLICAS", "GPUS", "GENERATION", "AGE");
            case EXPERIMENT -> new Table("NAME", "STATUS", "ALGORITHM", "TRIALS", "BEST", "GPU-H", "AGE");
        };
        for (JsonNode o : objects) {
            String name = (qualified ? k.qualified() + "/" : "") + o.path("metadata").path("name").asText();
            String age = age(o.path("metadata").path("creationTimestamp").asText(null), now);
            JsonNode spec = o.path("spec");
            switch (k) {
                case TRAINING_JOB -> t.row(name, spec.path("queue").asText(), o.path("status").path("phase").asText(),
                        spec.path("workers").asInt(1), gpus(spec.path("resources")),
                        o.path("metadata").path("uid").asText(), age);
                case INFERENCE_SERVICE -> t.row(name, spec.path("queue").asText(), spec.path("model").asText(),
                        spec.path("minReplicas").asInt() + "-" + spec.path("maxReplicas").asInt(),
                        gpus(spec.path("resources")), o.path("metadata").path("generation").asLong(), age);
                case EXPERIMENT -> {
                    JsonNode s = o.path("status");
                    long trials = 0;
                    for (JsonNode n : s.path("trialsByState")) {
                        trials += n.asLong();
                    }
                    JsonNode best = s.path("best");
                    t.row(name, s.path("state").asText(), s.path("algorithm").asText(), trials,
                            best.isObject() ? s.path("metric").asText() + "=" + String.format(Locale.ROOT, "%.4f",
                                    best.path("lastValue").asDouble()) : null,
                            String.format(Locale.ROOT, "%.3f", s.path("gpuHours").asDouble()), age);
                }
            }
        }
        return t;
    }

    /** GPUs of one pod as written: {@code 2}, {@code 0.5} for a share, {@code 0}. */
    private static String gpus(JsonNode resources) {
        if (resources.has("nvidia.com/gpu.shared")) {
            return resources.path("nvidia.com/gpu.shared").asText();
        }
        return resources.path("nvidia.com/gpu").asText("0");
    }

    /** kubectl's age: {@code 45s}, {@code 12m}, {@code 3h}, {@code 2d}. */
    static String age(String since, Instant now) {
        if (since == null || since.isBlank()) {
            return null;
        }
        try {
            long s = Math.max(0, Duration.between(Instant.parse(since), now).getSeconds());
            return s < 120 ? s + "s" : s < 7_200 ? s / 60 + "m" : s < 172_800 ? s / 3_600 + "h" : s / 86_400 + "d";
        } catch (RuntimeException notAnInstant) {
            return null;
        }
    }

    // ------------------------------------------------------------------ describe

    private int describe(DocumentKind k, String name) throws IOException, InterruptedException, Unreachable {
        if (k == DocumentKind.EXPERIMENT) {
            int code = new TuningCommands(tuning, out, err).describe(name, false);
            if (code < 0) {
                err.println("Error from server (NotFound): experiments." + SpecDocuments.GROUP + " \"" + name
                        + "\" not found");
                return 1;
            }
            return code;
        }
        List<JsonNode> found = objects(k, name);
        if (found.isEmpty()) {
            err.println("Error from server (NotFound): " + k.plural() + "." + SpecDocuments.GROUP + " \"" + name
                    + "\" not found");
            return 1;
        }
        if (k == DocumentKind.TRAINING_JOB) {
            // the list leaves out the history: read each workload whole
            for (int i = 0; i < found.size(); i++) {
                String id = found.get(i).path("metadata").path("uid").asText();
                Answer a = ok(send(HttpRequest.newBuilder(URI.create(api + "/api/v1/workloads/" + segment(id))),
                        api));
                if (i > 0) {
                    out.println();
                }
                out.print(describeTrainingJob(trainingJob(a.body()), Instant.now(clock)));
            }
            return 0;
        }
        out.print(describeInferenceService(found.get(0)));
        return 0;
    }

    /** kubectl-like describe of a training job: what it asked for, where its pods are, and its events. */
    static String describeTrainingJob(JsonNode doc, Instant now) {
        JsonNode meta = doc.path("metadata");
        JsonNode spec = doc.path("spec");
        JsonNode status = doc.path("status");
        StringBuilder s = new StringBuilder();
        line(s, "Name:", meta.path("name").asText());
        line(s, "UID:", meta.path("uid").asText());
        line(s, "Queue:", spec.path("queue").asText());
        line(s, "API Version:", SpecDocuments.API_VERSION);
        line(s, "Kind:", DocumentKind.TRAINING_JOB.kind());
        line(s, "Annotations:", pairs(meta.path("annotations")));
        line(s, "Created:", meta.path("creationTimestamp").asText());
        line(s, "Status:", status.path("phase").asText());
        line(s, "Reason:", status.path("reason").asText());
        line(s, "Attempt:", status.path("attempt").asText());
        s.append("Spec:\n");
        line(s, "  Image:", spec.path("image").asText());
        line(s, "  Command:", join(spec.path("command")));
        line(s, "  Framework:", spec.path("framework").asText("none"));
        line(s, "  Workers:", spec.path("workers").asText("1"));
        line(s, "  Resources:", resources(spec.path("resources")) + " per worker");
        if (spec.has("gpuModels")) {
            line(s, "  GPU Models:", join(spec.path("gpuModels")));
        }
        if (spec.has("env")) {
            List<String> env = new ArrayList<>();
            spec.path("env").forEach(e -> env.add(e.path("name").asText() + "=" + e.path("value").asText()));
            line(s, "  Env:", String.join(", ", env));
        }
        if (spec.has("output")) {
            line(s, "  Output:", spec.path("output").path("model").asText() + " at "
                    + spec.path("output").path("artifactUri").asText());
        }
        s.append("Pods:\n");
        if (status.path("pods").isEmpty()) {
            s.append("  <none>\n");
        } else {
            Table pods = new Table("  POD", "NODE", "GPU IDS", "GPU SHARE", "GPU MODEL");
            status.path("pods").forEach(p -> pods.row("  " + p.path("pod").asText(), p.path("node").asText(),
                    join(p.path("gpuIndices")), p.path("gpuMilli").asInt(1000) + "m", p.path("gpuModel").asText(null)));
            s.append(text(pods));
        }
        s.append("Events:\n");
        if (status.path("history").isEmpty()) {
            s.append("  <none>\n");
        } else {
            Table events = new Table("  TYPE", "REASON", "AGE", "FROM", "MESSAGE");
            status.path("history").forEach(h -> events.row("  " + ("FAILED".equals(h.path("to").asText())
                            ? "Warning" : "Normal"), capitalised(h.path("to").asText()),
                    age(h.path("at").asText(null), now), h.path("from").isTextual() ? h.path("from").asText()
                            : "(new)", h.path("reason").asText()));
            s.append(text(events));
        }
        return s.toString();
    }

    /** kubectl-like describe of an inference service's settings. */
    static String describeInferenceService(JsonNode doc) {
        JsonNode meta = doc.path("metadata");
        JsonNode spec = doc.path("spec");
        StringBuilder s = new StringBuilder();
        line(s, "Name:", meta.path("name").asText());
        line(s, "Queue:", spec.path("queue").asText());
        line(s, "API Version:", SpecDocuments.API_VERSION);
        line(s, "Kind:", DocumentKind.INFERENCE_SERVICE.kind());
        line(s, "Annotations:", pairs(meta.path("annotations")));
        line(s, "Generation:", meta.path("generation").asText());
        line(s, "Created:", meta.path("creationTimestamp").asText());
        s.append("Spec:\n");
        line(s, "  Model:", spec.path("model").asText());
        line(s, "  Image:", spec.path("image").asText());
        line(s, "  Resources:", resources(spec.path("resources")) + " per replica");
        line(s, "  Replicas:", spec.path("minReplicas").asText() + "-" + spec.path("maxReplicas").asText());
        line(s, "  Target:", spec.path("targetConcurrency").asDouble() > 0 ? spec.path("targetConcurrency").asText()
                + " in flight per replica" : spec.path("targetRps").asText() + " requests/s per replica");
        line(s, "  Scale To Zero:", spec.path("scaleToZero").asText("false"));
        JsonNode r = spec.path("rollout");
        line(s, "  Rollout:", "canary steps " + join(r.path("canarySteps")) + " %, " + r.path("analysisWindowSeconds")
                .asText() + " s windows, max surge " + r.path("maxSurge").asText());
        s.append("Serving:     ./capstan describe ").append(meta.path("name").asText())
                .append(" shows revisions, replicas, traffic weights and the rollout\n");
        return s.toString();
    }

    private static String resources(JsonNode r) {
        List<String> parts = new ArrayList<>();
        r.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asText()));
        return parts.isEmpty() ? "<none>" : String.join(", ", parts);
    }

    private static void line(StringBuilder s, String label, String value) {
        s.append(String.format("%-14s %s%n", label, value == null || value.isEmpty() ? "<none>" : value));
    }

    private static String pairs(JsonNode map) {
        List<String> parts = new ArrayList<>();
        map.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", parts);
    }

    private static String join(JsonNode array) {
        List<String> parts = new ArrayList<>();
        array.forEach(x -> parts.add(x.asText()));
        return String.join(" ", parts);
    }

    private static String capitalised(String status) {
        return status.isEmpty() ? status : status.charAt(0) + status.substring(1).toLowerCase(Locale.ROOT);
    }

    private static String text(Table t) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        t.print(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        return buffer.toString(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ HTTP

    /** One answer: status, body as JSON when it is JSON, and the raw text. */
    record Answer(int status, JsonNode body, String raw) {
    }

    /** Nothing answers at the address. */
    private static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    private static Answer send(HttpRequest.Builder request, String base) throws InterruptedException, Unreachable {
        HttpResponse<String> r;
        try {
            r = HTTP.send(request.header("Accept", "application/json").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unreachable("capstan: cannot reach " + base + "; is ./capstan up running? (CAPSTAN_API and "
                    + "CAPSTAN_TUNING set other addresses)");
        } catch (IOException e) {
            throw new Unreachable("capstan: talking to " + base + " failed: " + e);
        }
        JsonNode body = null;
        try {
            body = r.body().isBlank() ? null : EventCodec.mapper().readTree(r.body());
        } catch (IOException notJson) {
            // kept raw
        }
        return new Answer(r.statusCode(), body, r.body());
    }

    private static Answer ok(Answer a) throws IOException {
        if (a.status() != 200 || a.body() == null) {
            throw new IOException("the API answered HTTP " + a.status() + (a.raw().isBlank() ? "" : ": "
                    + firstLine(a.raw())));
        }
        return a;
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").strip();
    }
}

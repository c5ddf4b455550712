package dev.capstan.events.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.events.EventCodec;
import dev.capstan.events.Framework;
import dev.capstan.events.InferenceServiceSpec;
import dev.capstan.events.ModelOutput;
import dev.capstan.events.Resources;
import dev.capstan.events.RolloutPolicy;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.TuningExperimentSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and writes Kubernetes-style documents:
 *
 * <pre>
 * apiVersion: capstan.dev/v1
 * kind: TrainingJob            # | InferenceService | Experiment
 * metadata: {name: llama-ft, labels: {...}, annotations: {...}}
 * spec:
 *   queue: team-nlp
 *   resources: {cpu: "4", memory: 16Gi, nvidia.com/gpu: 2}   # or nvidia.com/gpu.shared: 0.5
 *   ...
 * </pre>
 *
 * <p>Each kind maps onto the contract record the flat format already fills ({@link TrainingJobSpec},
 * {@link InferenceServiceSpec}, {@link TuningExperimentSpec}), so everything downstream is the same whichever format
 * came in. Reading is strict, as the Kubernetes API server is: an unknown field, a value of the wrong type or a
 * quantity that does not parse is a problem at its JSON pointer, all of them reported at once. What is left out stays
 * unset (0 for CPU and memory), for the owning service to default; whether values are allowed (names, limits) is the
 * owning service's decision too, and {@link #pointer} names its flat field in the document's terms.
 *
 * <p>{@code metadata.labels} are kept as annotations on the pods: Capstan's contracts have no labels of their own (the
 * executor's pod labels are its selectors), and a label is what a user would look for on a pod.
 */
public final class SpecDocuments {

    /** The API group, as in {@code trainingjob.capstan.dev}. */
    public static final String GROUP = "capstan.dev";
    /** The one version there is. */
    public static final String API_VERSION = GROUP + "/v1";

    static final String CPU = "cpu";
    static final String MEMORY = "memory";
    static final String GPU = "nvidia.com/gpu";
    static final String GPU_SHARE = "nvidia.com/gpu.shared";

    /**
     * {@code status} and the metadata the server sets ({@code uid}, {@code creationTimestamp}, {@code generation},
     * {@code resourceVersion}) are read and ignored, as the Kubernetes API server ignores them on a create: what
     * {@code get -o yaml} printed can be applied again.
     */
    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec", "status");
    private static final Set<String> METADATA = Set.of("name", "labels", "annotations", "uid", "creationTimestamp",
            "generation", "resourceVersion");
    private static final Set<String> TEMPLATE = Set.of("metadata", "spec");
    private static final Set<String> TEMPLATE_METADATA = Set.of("labels", "annotations");
    private static final Set<String> JOB = Set.of("queue", "image", "command", "args", "framework", "workers",
            "priority", "env", "resources", "gpuModels", "output");
    private static final Set<String> SERVICE = Set.of("queue", "model", "image", "resources", "gpuModels",
            "minReplicas", "maxReplicas", "targetRps", "targetConcurrency", "scaleToZero", "scaleToZeroGraceSeconds",
            "coldStartSeconds", "queueTimeoutMillis", "rollout");
    private static final Set<String> EXPERIMENT = Set.of("queue", "objective", "searchSpace", "algorithm",
            "earlyStopping", "parallelism", "budget", "seed", "trialSteps", "trialTemplate", "model");
    private static final Set<String> RESOURCES = Set.of(CPU, MEMORY, GPU, GPU_SHARE);
    private static final Set<String> REQUESTS_LIMITS = Set.of("requests", "limits");
    private static final Set<String> ENV_VAR = Set.of("name", "value");
    /** Kubernetes' rule for a label value: at most 63 characters, alphanumeric at both ends. */
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?");

    /** Reads nested contract records strictly: an unknown field is refused rather than dropped. */
    private static final ObjectMapper STRICT = EventCodec.mapper().copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private SpecDocuments() {
    }

    /** A document read: its kind and the contract record it maps onto. */
    public sealed interface Document permits TrainingJob, InferenceService, Experiment {
        DocumentKind kind();

        /** {@code metadata.name}. */
        String name();

        /** The contract record the document maps onto. */
        Object spec();
    }

    /** A {@code kind: TrainingJob}. */
    public record TrainingJob(TrainingJobSpec spec) implements Document {
        @Override
        public DocumentKind kind() {
            return DocumentKind.TRAINING_JOB;
        }

        @Override
        public String name() {
            return spec.name();
        }
    }

    /** A {@code kind: InferenceService}. */
    public record InferenceService(InferenceServiceSpec spec) implements Document {
        @Override
        public DocumentKind kind() {
            return DocumentKind.INFERENCE_SERVICE;
        }

        @Override
        public String name() {
            return spec.name();
        }
    }

    /** A {@code kind: Experiment}. */
    public record Experiment(TuningExperimentSpec spec) implements Document {
        @Override
        public DocumentKind kind() {
            return DocumentKind.EXPERIMENT;
        }

        @Override
        public String name() {
            return spec.name();
        }
    }

    /**
     * Whether a body is meant as a document rather than the flat format: an object with {@code apiVersion} or
     * {@code kind}, neither of which the flat format has.
     */
    public static boolean isDocument(JsonNode body) {
        return body != null && body.isObject() && (body.has("apiVersion") || body.has("kind"));
    }

    /**
     * Reads a document of any kind.
     *
     * @throws InvalidDocumentException with every problem at its JSON pointer
     */
    public static Document read(JsonNode doc) {
        return read(doc, null);
    }

    /**
     * Reads a document that must be of {@code expected} kind (the kind an endpoint takes); another kind is a problem
     * at {@code /kind} saying where it goes instead.
     *
     * @throws InvalidDocumentException with every problem at its JSON pointer
     */
    public static Document read(JsonNode doc, DocumentKind expected) {
        Reading r = new Reading();
        if (doc == null || !doc.isObject()) {
            throw r.fail("", "expected an object with apiVersion, kind, metadata and spec");
        }
        r.unknown(doc, "", TOP);
        JsonNode apiVersion = doc.get("apiVersion");
        if (apiVersion == null || apiVersion.isNull()) {
            r.problem("/apiVersion", "is required: " + API_VERSION);
        } else if (!API_VERSION.equals(apiVersion.asText()) || !apiVersion.isTextual()) {
            r.problem("/apiVersion", "unknown apiVersion '" + apiVersion.asText() + "': expected " + API_VERSION);
        }
        JsonNode kindNode = doc.get("kind");
        DocumentKind kind = kindNode == null || !kindNode.isTextual() ? null
                : DocumentKind.of(kindNode.asText()).orElse(null);
        if (kind == null) {
            r.problem("/kind", (kindNode == null || kindNode.isNull() ? "is required" : "unknown kind '"
                    + kindNode.asText() + "'") + ": expected TrainingJob, InferenceService or Experiment");
            throw r.failure();
        }
        if (expected != null && kind != expected) {
            r.problem("/kind", "a " + kind.kind() + " is not taken here: send it to " + kind.endpoint());
            throw r.failure();
        }
        JsonNode metadata = r.object(doc, "metadata", "/metadata", METADATA, true);
        JsonNode spec = r.object(doc, "spec", "/spec", switch (kind) {
            case TRAINING_JOB -> JOB;
            case INFERENCE_SERVICE -> SERVICE;
            case EXPERIMENT -> EXPERIMENT;
        }, true);
        String name = metadata == null ? null : r.text(metadata, "name", "/metadata/name");
        Map<String, String> annotations = r.annotations(metadata, "/metadata");
        Document d = switch (kind) {
            case TRAINING_JOB -> new TrainingJob(trainingJob(r, name, annotations, spec, "/spec", null));
            case INFERENCE_SERVICE -> new InferenceService(inferenceService(r, name, annotations, spec));
            case EXPERIMENT -> new Experiment(experiment(r, name, spec));
        };
        if (!r.problems.isEmpty()) {
            throw r.failure();
        }
        return d;
    }

    private static TrainingJobSpec trainingJob(Reading r, String name, Map<String, String> annotations, JsonNode spec,
            String at, String defaultQueue) {
        if (spec == null) {
            return null;
        }
        List<String> command = new ArrayList<>(r.strings(spec, "command", at + "/command"));
        command.addAll(r.strings(spec, "args", at + "/args")); // Kubernetes' args follow the command
        String queue = r.text(spec, "queue", at + "/queue");
        Integer workers = r.whole(spec, "workers", at + "/workers");
        Integer priority = r.whole(spec, "priority", at + "/priority");
        return new TrainingJobSpec(name, queue != null ? queue : defaultQueue, r.text(spec, "image", at + "/image"),
                command, r.convert(spec.get("framework"), Framework.class, at + "/framework"),
                workers == null ? 0 : workers, r.resources(spec, at), priority == null ? 0 : priority, annotations,
                r.env(spec, at + "/env"), r.convert(spec.get("output"), ModelOutput.class, at + "/output"));
    }

    private static InferenceServiceSpec inferenceService(Reading r, String name, Map<String, String> annotations,
            JsonNode spec) {
        if (spec == null) {
            return null;
        }
        return new InferenceServiceSpec(name, r.text(spec, "queue", "/spec/queue"), r.text(spec, "model",
                "/spec/model"), r.text(spec, "image", "/spec/image"), r.resources(spec, "/spec"),
                r.whole(spec, "minReplicas", "/spec/minReplicas"), r.whole(spec, "maxReplicas", "/spec/maxReplicas"),
                r.number(spec, "targetRps", "/spec/targetRps"),
                r.number(spec, "targetConcurrency", "/spec/targetConcurrency"),
                r.bool(spec, "scaleToZero", "/spec/scaleToZero"),
                r.whole(spec, "scaleToZeroGraceSeconds", "/spec/scaleToZeroGraceSeconds"),
                r.whole(spec, "coldStartSeconds", "/spec/coldStartSeconds"),
                r.whole(spec, "queueTimeoutMillis", "/spec/queueTimeoutMillis"),
                r.convert(spec.get("rollout"), RolloutPolicy.class, "/spec/rollout"), annotations);
    }

    private static TuningExperimentSpec experiment(Reading r, String name, JsonNode spec) {
        if (spec == null) {
            return null;
        }
        String queue = r.text(spec, "queue", "/spec/queue");
        TrainingJobSpec template = null;
        JsonNode t = r.object(spec, "trialTemplate", "/spec/trialTemplate", TEMPLATE, false);
        if (t != null) {
            String at = "/spec/trialTemplate";
            JsonNode meta = r.object(t, "metadata", at + "/metadata", TEMPLATE_METADATA, false);
            JsonNode jobSpec = r.object(t, "spec", at + "/spec", JOB, true);
            // Trials are named after the experiment (<experiment>-t<n>); the template's own name is that.
            template = trainingJob(r, name, r.annotations(meta, at + "/metadata"), jobSpec, at + "/spec", queue);
        }
        JsonNode steps = spec.get("trialSteps");
        String trialSteps = null;
        if (steps != null && !steps.isNull()) {
            if (steps.isTextual() || steps.canConvertToLong() && steps.isIntegralNumber()) {
                trialSteps = steps.asText();
            } else {
                r.problem("/spec/trialSteps", "expected a number of steps or the name of a parameter");
            }
        }
        JsonNode seed = spec.get("seed");
        Long seedValue = null;
        if (seed != null && !seed.isNull()) {
            if (seed.isIntegralNumber() && seed.canConvertToLong()) {
                seedValue = seed.asLong();
            } else {
                r.problem("/spec/seed", "expected a whole number");
            }
        }
        return new TuningExperimentSpec(name,
                r.convert(spec.get("objective"), TuningExperimentSpec.ObjectiveBody.class, "/spec/objective"),
                r.convert(spec.get("searchSpace"), TuningExperimentSpec.SearchSpaceBody.class, "/spec/searchSpace"),
                r.convert(spec.get("algorithm"), TuningExperimentSpec.AlgorithmBody.class, "/spec/algorithm"),
                r.convert(spec.get("earlyStopping"), TuningExperimentSpec.EarlyStoppingBody.class,
                        "/spec/earlyStopping"),
                r.whole(spec, "parallelism", "/spec/parallelism"),
                r.convert(spec.get("budget"), TuningExperimentSpec.BudgetBody.class, "/spec/budget"), seedValue,
                trialSteps, template,
                r.convert(spec.get("model"), TuningExperimentSpec.ModelBody.class, "/spec/model"));
    }

    // ------------------------------------------------------------------ flat fields in the document's terms

    /**
     * Where a field of the flat format ({@code resources.cpuMilli}, {@code annotations.team},
     * {@code trialTemplate.image}), as the services name it in a refusal, is in a document of {@code kind}: a JSON
     * pointer such as {@code /spec/resources/cpu}.
     */
    public static String pointer(DocumentKind kind, String field) {
        if (field == null || field.isEmpty() || field.equals("body")) {
            return "";
        }
        if (field.equals("name")) {
            return "/metadata/name";
        }
        return switch (kind) {
            case TRAINING_JOB -> jobPointer("", "/spec", field, "resources");
            case INFERENCE_SERVICE -> jobPointer("", "/spec", field, "replica");
            case EXPERIMENT -> field.startsWith("trialTemplate.")
                    ? jobPointer("/spec/trialTemplate", "/spec/trialTemplate/spec",
                            field.substring("trialTemplate.".length()), "resources")
                    : dotted("/spec", field);
        };
    }

    private static String jobPointer(String metadataBase, String spec, String field, String resources) {
        if (field.equals("annotations")) {
            return metadataBase + "/metadata/annotations";
        }
        if (field.startsWith("annotations.")) {
            return metadataBase + "/metadata/annotations/" + escape(field.substring("annotations.".length()));
        }
        if (field.startsWith("env.")) {
            return spec + "/env"; // a list in the document: the variable's name is in the message's field
        }
        if (field.startsWith(resources + ".")) {
            String sub = field.substring(resources.length() + 1);
            String at = spec + "/resources/";
            if (sub.startsWith("gpuModels")) {
                return dotted(spec, sub);
            }
            return switch (sub) {
                case "gpus" -> at + escape(GPU);
                case "gpuMilli" -> at + escape(GPU_SHARE);
                case "cpuMilli" -> at + CPU;
                case "memoryMib" -> at + MEMORY;
                default -> at + sub;
            };
        }
        if (field.equals(resources)) {
            return spec + "/resources";
        }
        return dotted(spec, field);
    }

    /** {@code a.b[2].c} under {@code base}: {@code base/a/b/2/c}. */
    private static String dotted(String base, String field) {
        StringBuilder p = new StringBuilder(base);
        for (String part : field.split("\\.")) {
            p.append('/').append(part.replaceAll("\\[(\\d+)]", "/$1"));
        }
        return p.toString();
    }

    /** A key as a JSON pointer segment (RFC 6901): {@code ~} and {@code /} escaped. */
    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    // ------------------------------------------------------------------ writing

    /** A training job as a document (the inverse of {@link #read} for a spec with its defaults filled in). */
    public static ObjectNode write(TrainingJobSpec s) {
        ObjectNode doc = header(DocumentKind.TRAINING_JOB, s.name(), s.annotations());
        doc.set("spec", jobSpec(s));
        return doc;
    }

    /** An inference service as a document. */
    public static ObjectNode write(InferenceServiceSpec s) {
        ObjectNode doc = header(DocumentKind.INFERENCE_SERVICE, s.name(), s.annotations());
        ObjectNode spec = doc.putObject("spec");
        putText(spec, "queue", s.queue());
        putText(spec, "model", s.model());
        putText(spec, "image", s.image());
        putResources(spec, s.replica());
        ObjectMapper m = EventCodec.mapper();
        for (var e : new Object[][] {{"minReplicas", s.minReplicas()}, {"maxReplicas", s.maxReplicas()},
                {"targetRps", s.targetRps()}, {"targetConcurrency", s.targetConcurrency()},
                {"scaleToZero", s.scaleToZero()}, {"scaleToZeroGraceSeconds", s.scaleToZeroGraceSeconds()},
                {"coldStartSeconds", s.coldStartSeconds()}, {"queueTimeoutMillis", s.queueTimeoutMillis()},
                {"rollout", s.rollout()}}) {
            if (e[1] != null) {
                spec.set((String) e[0], m.valueToTree(e[1]));
            }
        }
        return doc;
    }

    /** A tuning experiment as a document. */
    public static ObjectNode write(TuningExperimentSpec s) {
        ObjectNode doc = header(DocumentKind.EXPERIMENT, s.name(), Map.of());
        ObjectNode spec = EventCodec.mapper().valueToTree(s);
        spec.remove("name");
        spec.remove("trialTemplate");
        doc.set("spec", spec);
        if (s.trialTemplate() != null) {
            ObjectNode template = spec.putObject("trialTemplate");
            if (!s.trialTemplate().annotations().isEmpty()) {
                template.putObject("metadata").set("annotations",
                        EventCodec.mapper().valueToTree(s.trialTemplate().annotations()));
            }
            template.set("spec", jobSpec(s.trialTemplate()));
        }
        return doc;
    }

    private static ObjectNode header(DocumentKind kind, String name, Map<String, String> annotations) {
        ObjectNode doc = EventCodec.mapper().createObjectNode();
        doc.put("apiVersion", API_VERSION);
        doc.put("kind", kind.kind());
        ObjectNode metadata = doc.putObject("metadata");
        putText(metadata, "name", name);
        if (annotations != null && !annotations.isEmpty()) {
            metadata.set("annotations", EventCodec.mapper().valueToTree(new java.util.TreeMap<>(annotations)));
        }
        return doc;
    }

    private static ObjectNode jobSpec(TrainingJobSpec s) {
        ObjectNode spec = EventCodec.mapper().createObjectNode();
        putText(spec, "queue", s.queue());
        putText(spec, "image", s.image());
        if (!s.command().isEmpty()) {
            spec.set("command", EventCodec.mapper().valueToTree(s.command()));
        }
        if (s.framework() != null) {
            spec.put("framework", s.framework().wireName());
        }
        if (s.workers() != 0) {
            spec.put("workers", s.workers());
        }
        if (s.priority() != 0) {
            spec.put("priority", s.priority());
        }
        if (!s.env().isEmpty()) {
            ArrayNode env = spec.putArray("env");
            new java.util.TreeMap<>(s.env()).forEach((k, v) -> env.addObject().put("name", k).put("value", v));
        }
        putResources(spec, s.resources());
        if (s.output() != null) {
            spec.set("output", EventCodec.mapper().valueToTree(s.output()));
        }
        return spec;
    }

    private static void putResources(ObjectNode spec, Resources r) {
        if (r == null) {
            return;
        }
        ObjectNode q = spec.putObject("resources");
        if (r.cpuMilli() > 0) {
            q.put(CPU, Quantity.cpu(r.cpuMilli()));
        }
        if (r.memoryMib() > 0) {
            q.put(MEMORY, Quantity.memory(r.memoryMib()));
        }
        if (r.gpus() == 1 && r.gpuMilli() > 0 && r.gpuMilli() < 1000) {
            q.put(GPU_SHARE, java.math.BigDecimal.valueOf(r.gpuMilli(), 3).stripTrailingZeros().toPlainString());
        } else if (r.gpus() > 0) {
            q.put(GPU, r.gpus());
        }
        if (!r.gpuModels().isEmpty()) {
            spec.set("gpuModels", EventCodec.mapper().valueToTree(r.gpuModels()));
        }
    }

    private static void putText(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    // ------------------------------------------------------------------ reading, field by field

    /** One reading: the problems found so far, and typed access to fields that records them. */
    private static final class Reading {
        final List<InvalidDocumentException.Problem> problems = new ArrayList<>();

        void problem(String pointer, String message) {
            problems.add(new InvalidDocumentException.Problem(pointer, message));
        }

        InvalidDocumentException fail(String pointer, String message) {
            problem(pointer, message);
            return failure();
        }

        InvalidDocumentException failure() {
            return new InvalidDocumentException(problems);
        }

        /** Reports every field of {@code o} not in {@code known}. */
        void unknown(JsonNode o, String at, Set<String> known) {
            o.fieldNames().forEachRemaining(f -> {
                if (!known.contains(f)) {
                    problem(at + "/" + escape(f), "unknown field" + hint(at, f) + " (known: "
                            + String.join(", ", new TreeSet<>(known)) + ")");
                }
            });
        }

        private static String hint(String at, String field) {
            if (field.equals("namespace") && at.endsWith("/metadata")) {
                return ": Capstan has no namespaces; work is divided by queue (spec.queue)";
            }
            return "";
        }

        /** The object at {@code parent.field}, its unknown fields reported; null when absent or not an object. */
        JsonNode object(JsonNode parent, String field, String at, Set<String> known, boolean required) {
            JsonNode o = parent.get(field);
            if (o == null || o.isNull()) {
                if (required) {
                    problem(at, "is required");
                }
                return null;
            }
            if (!o.isObject()) {
                problem(at, "expected an object");
                return null;
            }
            unknown(o, at, known);
            return o;
        }

        String text(JsonNode o, String field, String at) {
            JsonNode v = o.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                problem(at, "expected a string");
                return null;
            }
            return v.asText();
        }

        Integer whole(JsonNode o, String field, String at) {
            JsonNode v = o.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                problem(at, "expected a whole number" + (v.isIntegralNumber() ? " of at most " + Integer.MAX_VALUE
                        : ""));
                return null;
            }
            return v.asInt();
        }

        Double number(JsonNode o, String field, String at) {
            JsonNode v = o.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isNumber()) {
                problem(at, "expected a number");
                return null;
            }
            return v.asDouble();
        }

        Boolean bool(JsonNode o, String field, String at) {
            JsonNode v = o.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isBoolean()) {
                problem(at, "expected true or false");
                return null;
            }
            return v.asBoolean();
        }

        List<String> strings(JsonNode o, String field, String at) {
            JsonNode v = o.get(field);
            List<String> out = new ArrayList<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (!v.isArray()) {
                problem(at, "expected a list of strings");
                return out;
            }
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    problem(at + "/" + i, "expected a string");
                } else {
                    out.add(v.get(i).asText());
                }
            }
            return out;
        }

        /** A map of strings (annotations, labels): a number or boolean must be quoted, as Kubernetes requires. */
        Map<String, String> strings(JsonNode map, String at) {
            Map<String, String> out = new LinkedHashMap<>();
            if (map == null || map.isNull()) {
                return out;
            }
            if (!map.isObject()) {
                problem(at, "expected a map of strings");
                return out;
            }
            map.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual()) {
                    out.put(e.getKey(), e.getValue().asText());
                } else {
                    problem(at + "/" + escape(e.getKey()), "expected a string" + (e.getValue().isValueNode()
                            ? ": quote it (\"" + e.getValue().asText() + "\")" : ""));
                }
            });
            return out;
        }

        /** {@code metadata.annotations} with {@code metadata.labels} added (see the class comment). */
        Map<String, String> annotations(JsonNode metadata, String at) {
            if (metadata == null) {
                return Map.of();
            }
            Map<String, String> annotations = strings(metadata.get("annotations"), at + "/annotations");
            strings(metadata.get("labels"), at + "/labels").forEach((k, v) -> {
                String where = at + "/labels/" + escape(k);
                if (!LABEL_VALUE.matcher(v).matches()) {
                    problem(where, "a label value is at most 63 letters, digits, '-', '_' or '.', starting and "
                            + "ending with a letter or digit");
                } else if (annotations.containsKey(k) && !annotations.get(k).equals(v)) {
                    problem(where, "is also an annotation with another value (labels are kept as annotations)");
                } else {
                    annotations.put(k, v);
                }
            });
            return annotations;
        }

        /** Kubernetes' env list, {@code [{name: A, value: "1"}]}, as a map. */
        Map<String, String> env(JsonNode spec, String at) {
            JsonNode v = spec.get("env");
            Map<String, String> out = new LinkedHashMap<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (!v.isArray()) {
                problem(at, "expected a list of {name, value}");
                return out;
            }
            for (int i = 0; i < v.size(); i++) {
                JsonNode e = v.get(i);
                String where = at + "/" + i;
                if (!e.isObject()) {
                    problem(where, "expected {name, value}");
                    continue;
                }
                if (e.has("valueFrom")) {
                    problem(where + "/valueFrom", "is not supported: give the value itself");
                    continue;
                }
                unknown(e, where, ENV_VAR);
                String name = text(e, "name", where + "/name");
                String value = text(e, "value", where + "/value");
                if (name == null) {
                    problem(where + "/name", "is required");
                } else if (out.containsKey(name)) {
                    problem(where + "/name", "'" + name + "' is set twice");
                } else {
                    out.put(name, value == null ? "" : value);
                }
            }
            return out;
        }

        /**
         * A pod's resources: quantities under {@code resources} (or its {@code requests}, falling back to its
         * {@code limits}, as Kubernetes reads a request), GPU models beside them. CPU and memory left out are 0, for
         * the owning service's per-GPU defaults.
         */
        Resources resources(JsonNode spec, String at) {
            List<String> models = strings(spec, "gpuModels", at + "/gpuModels");
            JsonNode res = spec.get("resources");
            String rat = at + "/resources";
            Map<String, JsonNode> quantities = new LinkedHashMap<>();
            Map<String, String> where = new LinkedHashMap<>();
            if (res != null && !res.isNull()) {
                if (!res.isObject()) {
                    problem(rat, "expected quantities such as {cpu: \"4\", memory: 16Gi, nvidia.com/gpu: 1}");
                } else if (res.has("requests") || res.has("limits")) {
                    unknown(res, rat, REQUESTS_LIMITS);
                    for (String part : List.of("limits", "requests")) { // requests win, as in Kubernetes
                        JsonNode p = object(res, part, rat + "/" + part, RESOURCES, false);
                        if (p != null) {
                            p.fields().forEachRemaining(e -> {
                                JsonNode before = quantities.put(e.getKey(), e.getValue());
                                if (before != null && e.getKey().startsWith(GPU) && !before.asText().equals(e
                                        .getValue().asText())) {
                                    problem(rat + "/requests/" + escape(e.getKey()), "must equal the limit for a "
                                            + "GPU, as Kubernetes requires of extended resources");
                                }
                                where.put(e.getKey(), rat + "/" + part + "/" + escape(e.getKey()));
                            });
                        }
                    }
                } else {
                    unknown(res, rat, RESOURCES);
                    res.fields().forEachRemaining(e -> {
                        quantities.put(e.getKey(), e.getValue());
                        where.put(e.getKey(), rat + "/" + escape(e.getKey()));
                    });
                }
            }
            long cpu = 0;
            long memory = 0;
            int gpus = 0;
            int gpuMilli = 1000; // whole GPUs, unless a share is asked for
            Quantity q = quantity(quantities.get(CPU), where.get(CPU));
            if (q != null) {
                cpu = atLeastOne(q, where.get(CPU), true);
            }
            q = quantity(quantities.get(MEMORY), where.get(MEMORY));
            if (q != null) {
                memory = atLeastOne(q, where.get(MEMORY), false);
            }
            Quantity whole = quantity(quantities.get(GPU), where.get(GPU));
            Quantity share = quantity(quantities.get(GPU_SHARE), where.get(GPU_SHARE));
            if (whole != null && share != null) {
                problem(where.get(GPU_SHARE), "use nvidia.com/gpu (whole GPUs) or nvidia.com/gpu.shared (a share of "
                        + "one GPU), not both");
            } else if (whole != null) {
                if (whole.isNegative() || !whole.isWhole()) {
                    problem(where.get(GPU), "must be a whole number of GPUs (a share of one goes in "
                            + GPU_SHARE + ")");
                } else if (whole.value().compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                    problem(where.get(GPU), "is too large");
                } else {
                    gpus = whole.value().intValueExact();
                }
            } else if (share != null) {
                if (share.value().signum() <= 0 || share.value().compareTo(java.math.BigDecimal.ONE) > 0) {
                    problem(where.get(GPU_SHARE), "must be above 0 and at most 1: the share of one GPU (e.g. 0.5 or "
                            + "500m); whole GPUs go in " + GPU);
                } else {
                    gpus = 1;
                    gpuMilli = (int) share.milliRoundedUp();
                }
            }
            return new Resources(gpus, gpuMilli, models, cpu, memory);
        }

        private Quantity quantity(JsonNode v, String at) {
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual() && !v.isNumber()) {
                problem(at, "expected a quantity such as 500m, 4, 16Gi or 0.5");
                return null;
            }
            try {
                return Quantity.parse(v.asText());
            } catch (Quantity.InvalidQuantityException e) {
                problem(at, e.getMessage());
                return null;
            }
        }

        private long atLeastOne(Quantity q, String at, boolean cpu) {
            if (q.isNegative()) {
                problem(at, "must not be negative");
                return 0;
            }
            try {
                long v = cpu ? q.milliRoundedUp() : q.mebibytesRoundedUp();
                if (v == 0) {
                    problem(at, "must be above 0 (leave it out for the default)");
                }
                return v;
            } catch (Quantity.InvalidQuantityException e) {
                problem(at, e.getMessage());
                return 0;
            }
        }

        /** A nested contract record read strictly; a problem at its pointer (and null) when it does not fit. */
        <T> T convert(JsonNode v, Class<T> type, String at) {
            if (v == null || v.isNull()) {
                return null;
            }
            try {
                return STRICT.treeToValue(v, type);
            } catch (JsonMappingException e) {
                StringBuilder p = new StringBuilder(at);
                e.getPath().forEach(ref -> p.append('/').append(ref.getFieldName() != null
                        ? escape(ref.getFieldName()) : Integer.toString(ref.getIndex())));
                problem(p.toString(), why(e));
                return null;
            } catch (JsonProcessingException | IllegalArgumentException e) {
                problem(at, firstLine(e.getMessage()));
                return null;
            }
        }

        private static String why(JsonMappingException e) {
            if (e instanceof UnrecognizedPropertyException u) {
                Collection<Object> known = u.getKnownPropertyIds();
                Set<String> names = new TreeSet<>();
                known.forEach(k -> names.add(k.toString()));
                return "unknown field (known: " + String.join(", ", names) + ")";
            }
            if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
                Class<?> t = m.getTargetType();
                return "expected " + (Number.class.isAssignableFrom(t) || t.isPrimitive() && t != boolean.class
                        ? "a number" : t == Boolean.class || t == boolean.class ? "true or false"
                        : CharSequence.class.isAssignableFrom(t) ? "a string"
                        : Collection.class.isAssignableFrom(t) ? "a list" : "an object");
            }
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null && !(cause instanceof JsonProcessingException)) {
                return firstLine(cause.getMessage()); // e.g. an unknown framework, from its own check
            }
            return firstLine(e.getOriginalMessage());
        }

        private static String firstLine(String s) {
            return s == null ? "does not fit" : s.lines().findFirst().orElse("").strip();
        }
    }
}

package dev.capstan.events.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of Kubernetes-style document Capstan takes, with where each one goes. */
public enum DocumentKind {
    TRAINING_JOB("TrainingJob", "trainingjobs", "POST /api/v1/workloads (submission-service)"),
    INFERENCE_SERVICE("InferenceService", "inferenceservices", "POST /api/v1/inference-services (submission-service)"),
    EXPERIMENT("Experiment", "experiments", "POST /api/v1/experiments (tuning-service)");

    private final String kind;
    private final String plural;
    private final String endpoint;

    DocumentKind(String kind, String plural, String endpoint) {
        this.kind = kind;
        this.plural = plural;
        this.endpoint = endpoint;
    }

    /** As written in {@code kind:}, e.g. {@code TrainingJob}. */
    public String kind() {
        return kind;
    }

    /** The plural resource name, as {@code kubectl get} takes it: {@code trainingjobs}. */
    public String plural() {
        return plural;
    }

    /** {@code trainingjob.capstan.dev}, as kubectl prints an object's type. */
    public String qualified() {
        return kind.toLowerCase(Locale.ROOT) + "." + SpecDocuments.GROUP;
    }

    /** Where a document of this kind is sent. */
    public String endpoint() {
        return endpoint;
    }

    /** The kind named {@code kind:} (exactly, as Kubernetes matches it). */
    public static Optional<DocumentKind> of(String kind) {
        return Arrays.stream(values()).filter(k -> k.kind.equals(kind)).findFirst();
    }

    /**
     * The kind a command line names the way kubectl accepts it: kind, singular or plural, any case
     * ({@code TrainingJob}, {@code trainingjob}, {@code trainingjobs}, {@code trainingjob.capstan.dev}).
     */
    public static Optional<DocumentKind> fromCommandLine(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        String bare = w.endsWith("." + SpecDocuments.GROUP) ? w.substring(0, w.length() - SpecDocuments.GROUP.length()
                - 1) : w;
        return Arrays.stream(values()).filter(k -> bare.equals(k.kind.toLowerCase(Locale.ROOT))
                || bare.equals(k.plural)).findFirst();
    }
}

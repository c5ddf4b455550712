package dev.capstan.submission.domain;

import dev.capstan.events.Framework;
import dev.capstan.events.ModelNames;
import dev.capstan.events.ModelOutput;
import dev.capstan.events.Resources;
import dev.capstan.events.TrainingJobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validation and defaults of a training job. Limits are those a pod spec can carry: names become
 * Kubernetes object names (DNS-1123 labels), a gang never exceeds {@link #MAX_WORKERS} pods.
 */
public final class TrainingJobRules {

    /** Largest gang accepted; the placement engine's gang benchmark covers 512 pods. */
    public static final int MAX_WORKERS = 512;
    /** Largest GPU count of one pod; no node in the reference traces has more than 8. */
    public static final int MAX_GPUS_PER_WORKER = 16;
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");
    /** scheme:rest with no spaces or control characters; the registry applies the same rule to versions. */
    private static final Pattern IMAGE = Pattern.compile("[^\\s\\p{Cntrl}]{1,512}");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]{0,252}");
    private static final Pattern ANNOTATION_KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final String NO_CONTROL = "must not contain control characters";
    private static final String NO_CONTROL_TEXT = "must not contain control characters other than tab and line breaks";
    private static final Pattern ARTIFACT_URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s\\p{Cntrl}]{1,2040}");

    private TrainingJobRules() {
    }

    /** Fills in defaults with the {@link ResourceDefaults#STANDARD} CPU and memory. */
    public static TrainingJobSpec withDefaults(TrainingJobSpec s) {
        return withDefaults(s, ResourceDefaults.STANDARD);
    }

    /**
     * Fills in defaults: framework none, one worker, whole GPUs, and CPU and memory from {@code resources} (per GPU)
     * where the spec leaves them out; a spec without resources asks for no GPU.
     */
    public static TrainingJobSpec withDefaults(TrainingJobSpec s, ResourceDefaults resources) {
        Resources r = resources.fill(withWholeGpus(s.resources()));
        return new TrainingJobSpec(s.name(), s.queue(), s.image(), s.command(),
                s.framework() == null ? Framework.NONE : s.framework(), s.workers() == 0 ? 1 : s.workers(), r,
                s.priority(), s.annotations(), s.env(), s.output());
    }

    /** Every problem of a spec (after defaults), empty when it is valid. */
    public static List<FieldError> validate(TrainingJobSpec s) {
        List<FieldError> errors = new ArrayList<>();
        nameErrors("name", s.name(), errors);
        nameErrors("queue", s.queue(), errors);
        imageErrors(s.image(), errors);
        textErrors(s, errors);
        if (s.workers() < 1 || s.workers() > MAX_WORKERS) {
            errors.add(new FieldError("workers", "must be between 1 and " + MAX_WORKERS));
        }
        if (s.framework() == Framework.NONE && s.workers() > 1) {
            errors.add(new FieldError("framework", "a job with several workers needs pytorch, tensorflow, ray or mpi"));
        }
        outputErrors(s.output(), errors);
        resourceErrors("resources", s.resources(), errors);
        return errors;
    }

    /** A name or queue: a DNS label of at most 40 characters. */
    static void nameErrors(String field, String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        } else if (!NAME.matcher(value).matches()) {
            errors.add(new FieldError(field,
                    "must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit"));
        }
    }

    /** A container image reference. */
    static void imageErrors(String image, List<FieldError> errors) {
        if (image == null || image.isBlank()) {
            errors.add(new FieldError("image", "is required"));
        } else if (!IMAGE.matcher(image).matches()) {
            errors.add(new FieldError("image", "must be an image reference: at most 512 characters, no spaces or "
                    + "control characters"));
        }
    }

    /** What one pod asks for (after defaults: {@code gpuMilli} 1000 when it was left out). */
    static void resourceErrors(String field, Resources r, List<FieldError> errors) {
        if (r == null) {
            errors.add(new FieldError(field, "is required"));
            return;
        }
        if (r.gpus() < 0 || r.gpus() > MAX_GPUS_PER_WORKER) {
            errors.add(new FieldError(field + ".gpus", "must be between 0 and " + MAX_GPUS_PER_WORKER));
        }
        if (r.gpuMilli() < 1 || r.gpuMilli() > 1000) {
            errors.add(new FieldError(field + ".gpuMilli", "must be between 1 and 1000"));
        } else if (r.gpuMilli() < 1000 && r.gpus() != 1) {
            errors.add(new FieldError(field + ".gpuMilli", "a GPU share below 1000 needs exactly 1 GPU"));
        }
        // 0 was filled in by the defaults; what is left at or below 0 was written so.
        if (r.cpuMilli() <= 0) {
            errors.add(new FieldError(field + ".cpuMilli", "must be positive (leave it out for the default)"));
        }
        if (r.memoryMib() <= 0) {
            errors.add(new FieldError(field + ".memoryMib", "must be positive (leave it out for the default)"));
        }
        for (int i = 0; i < r.gpuModels().size(); i++) {
            String m = r.gpuModels().get(i);
            if (m == null || m.isBlank()) {
                errors.add(new FieldError(field + ".gpuModels[" + i + "]", "must not be blank"));
            } else if (m.chars().anyMatch(Character::isISOControl)) {
                errors.add(new FieldError(field + ".gpuModels[" + i + "]", NO_CONTROL));
            }
        }
    }

    /** Resources with {@code gpuMilli} 1000 (whole GPUs) when it was left out. */
    static Resources withWholeGpus(Resources r) {
        return r != null && r.gpuMilli() == 0
                ? new Resources(r.gpus(), 1000, r.gpuModels(), r.cpuMilli(), r.memoryMib()) : r;
    }

    /**
     * Free text the pods carry: arguments and values may hold tabs and line breaks, never NUL (no pod spec or database
     * holds it) or other control characters; names (env variables, annotation keys) follow Kubernetes' rules, which
     * the API server would otherwise enforce only when the pods are created, failing the job late.
     */
    private static void textErrors(TrainingJobSpec s, List<FieldError> errors) {
        for (int i = 0; i < s.command().size(); i++) {
            if (!freeText(s.command().get(i))) {
                errors.add(new FieldError("command[" + i + "]", NO_CONTROL_TEXT));
            }
        }
        s.env().forEach((k, v) -> {
            if (!ENV_NAME.matcher(k).matches()) {
                errors.add(new FieldError("env." + printable(k), "must be a variable name: letters, digits, '_', '-' "
                        + "or '.', not starting with a digit"));
            } else if (!freeText(v)) {
                errors.add(new FieldError("env." + k, NO_CONTROL_TEXT));
            }
        });
        annotationErrors(s.annotations(), errors);
    }

    /** Annotations copied onto pods: Kubernetes' key rules, values without control characters but line breaks. */
    static void annotationErrors(java.util.Map<String, String> annotations, List<FieldError> errors) {
        annotations.forEach((k, v) -> {
            if (!ANNOTATION_KEY.matcher(k).matches()) {
                errors.add(new FieldError("annotations." + printable(k), "must be a Kubernetes annotation key such as "
                        + "example.com/name: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' "
                        + "or '.'"));
            } else if (!freeText(v)) {
                errors.add(new FieldError("annotations." + k, NO_CONTROL_TEXT));
            }
        });
    }

    private static boolean freeText(String v) {
        return v != null && v.chars().noneMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r');
    }

    /** A key as it can be shown back in a field path: control characters escaped. */
    private static String printable(String k) {
        StringBuilder b = new StringBuilder();
        k.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** A declared output must name a model and an absolute artifact URI, so the registry can register it. */
    private static void outputErrors(ModelOutput o, List<FieldError> errors) {
        if (o == null) {
            return;
        }
        String model = ModelNames.modelNameProblem(o.model());
        if (model != null) {
            errors.add(new FieldError("output.model", model));
        }
        if (o.artifactUri() == null || o.artifactUri().isBlank()) {
            errors.add(new FieldError("output.artifactUri", "is required"));
        } else if (!ARTIFACT_URI.matcher(o.artifactUri()).matches()) {
            errors.add(new FieldError("output.artifactUri",
                    "must be an absolute URI such as s3://bucket/path (at most 2048 characters)"));
        }
    }
}

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
    private static final Pattern ARTIFACT_URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s\\p{Cntrl}]{1,2040}");

    private TrainingJobRules() {
    }

    /** Fills in defaults: framework none, one worker, whole GPUs. */
    public static TrainingJobSpec withDefaults(TrainingJobSpec s) {
        Resources r = s.resources();
        if (r != null && r.gpuMilli() == 0) {
            r = new Resources(r.gpus(), 1000, r.gpuModels(), r.cpuMilli(), r.memoryMib());
        }
        return new TrainingJobSpec(s.name(), s.queue(), s.image(), s.command(),
                s.framework() == null ? Framework.NONE : s.framework(), s.workers() == 0 ? 1 : s.workers(), r,
                s.priority(), s.annotations(), s.env(), s.output());
    }

    /** Every problem of a spec (after defaults), empty when it is valid. */
    public static List<FieldError> validate(TrainingJobSpec s) {
        List<FieldError> errors = new ArrayList<>();
        if (s.name() == null || s.name().isBlank()) {
            errors.add(new FieldError("name", "is required"));
        } else if (!NAME.matcher(s.name()).matches()) {
            errors.add(new FieldError("name",
                    "must be 1-40 lower-case letters, digits or '-', starting and ending with a letter or digit"));
        }
        if (s.queue() == null || s.queue().isBlank()) {
            errors.add(new FieldError("queue", "is required"));
        } else if (!NAME.matcher(s.queue()).matches()) {
            errors.add(new FieldError("queue", "must be 1-40 lower-case letters, digits or '-'"));
        }
        if (s.image() == null || s.image().isBlank()) {
            errors.add(new FieldError("image", "is required"));
        }
        if (s.workers() < 1 || s.workers() > MAX_WORKERS) {
            errors.add(new FieldError("workers", "must be between 1 and " + MAX_WORKERS));
        }
        if (s.framework() == Framework.NONE && s.workers() > 1) {
            errors.add(new FieldError("framework", "a job with several workers needs pytorch, tensorflow, ray or mpi"));
        }
        outputErrors(s.output(), errors);
        Resources r = s.resources();
        if (r == null) {
            errors.add(new FieldError("resources", "is required"));
            return errors;
        }
        if (r.gpus() < 0 || r.gpus() > MAX_GPUS_PER_WORKER) {
            errors.add(new FieldError("resources.gpus", "must be between 0 and " + MAX_GPUS_PER_WORKER));
        }
        if (r.gpuMilli() < 1 || r.gpuMilli() > 1000) {
            errors.add(new FieldError("resources.gpuMilli", "must be between 1 and 1000"));
        } else if (r.gpuMilli() < 1000 && r.gpus() != 1) {
            errors.add(new FieldError("resources.gpuMilli", "a GPU share below 1000 needs exactly 1 GPU"));
        }
        if (r.cpuMilli() <= 0) {
            errors.add(new FieldError("resources.cpuMilli", "must be positive"));
        }
        if (r.memoryMib() <= 0) {
            errors.add(new FieldError("resources.memoryMib", "must be positive"));
        }
        for (int i = 0; i < r.gpuModels().size(); i++) {
            String m = r.gpuModels().get(i);
            if (m == null || m.isBlank()) {
                errors.add(new FieldError("resources.gpuModels[" + i + "]", "must not be blank"));
            }
        }
        return errors;
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

package dev.capstan.registry.domain;

import dev.capstan.events.ModelNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the registry accepts. Limits follow MLflow's model-registry limits where it has them (tag keys of 250
 * characters, values of 5,000) so that anything written through MLflow's API also fits ours, and are bounded
 * everywhere else so that no request can store an unbounded row.
 */
public final class RegistryRules {

    public static final int MAX_DESCRIPTION = 5_000;
    public static final int MAX_TAGS = 100;
    public static final int MAX_TAG_KEY = 250;
    public static final int MAX_TAG_VALUE = 5_000;
    public static final int MAX_PARAMS = 500;
    public static final int MAX_PARAM_VALUE = 6_000;
    public static final int MAX_REASON = 1_000;
    public static final int MAX_ARTIFACT_URI = 2_048;
    private static final Pattern ARTIFACT_URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s\\p{Cntrl}]+");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHORT_TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
    private static final Pattern QUEUE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");
    private static final Pattern WORKLOAD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private RegistryRules() {
    }

    /** A model to create. */
    public record NewModel(String name, String description, String queue, Map<String, String> tags) {
    }

    /** A version to register. Params, metrics and tags may be null; {@code runLink} is a URL to the run. */
    public record NewVersion(String artifactUri, String sha256, String format, Map<String, String> params,
            Map<String, Double> metrics, Map<String, String> tags, String description, String sourceWorkloadId,
            Integer sourceAttempt, String runId, VersionStatus status, String runLink) {
    }

    /** Every problem of a new model, empty when it is valid. */
    public static List<FieldError> validate(NewModel m) {
        List<FieldError> errors = new ArrayList<>();
        name("name", m.name(), errors);
        description("description", m.description(), errors);
        if (m.queue() != null && !QUEUE.matcher(m.queue()).matches()) {
            errors.add(new FieldError("queue", "must be 1-40 lower-case letters, digits or '-'"));
        }
        tags("tags", m.tags(), errors);
        return errors;
    }

    /** Every problem of a new version, empty when it is valid. */
    public static List<FieldError> validate(NewVersion v) {
        List<FieldError> errors = new ArrayList<>();
        artifactUri("artifactUri", v.artifactUri(), errors);
        if (v.sha256() != null && !SHA256.matcher(v.sha256()).matches()) {
            errors.add(new FieldError("sha256", "must be 64 lower-case hexadecimal digits"));
        }
        if (v.format() != null && !SHORT_TOKEN.matcher(v.format()).matches()) {
            errors.add(new FieldError("format", "must be 1-64 letters, digits, '.', '_', '+' or '-'"));
        }
        if (v.params() != null) {
            if (v.params().size() > MAX_PARAMS) {
                errors.add(new FieldError("params", "at most " + MAX_PARAMS + " entries"));
            }
            v.params().forEach((k, val) -> {
                key("params", k, errors);
                if (val != null && val.length() > MAX_PARAM_VALUE) {
                    errors.add(new FieldError("params." + k, "at most " + MAX_PARAM_VALUE + " characters"));
                }
            });
        }
        if (v.metrics() != null) {
            if (v.metrics().size() > MAX_PARAMS) {
                errors.add(new FieldError("metrics", "at most " + MAX_PARAMS + " entries"));
            }
            v.metrics().forEach((k, val) -> {
                key("metrics", k, errors);
                if (val == null || val.isNaN() || val.isInfinite()) {
                    errors.add(new FieldError("metrics." + k, "must be a finite number"));
                }
            });
        }
        tags("tags", v.tags(), errors);
        description("description", v.description(), errors);
        if (v.sourceWorkloadId() != null && !WORKLOAD_ID.matcher(v.sourceWorkloadId()).matches()) {
            errors.add(new FieldError("source.workloadId", "must be 1-64 letters, digits, '.', '_' or '-'"));
        }
        if (v.sourceAttempt() != null && v.sourceAttempt() < 0) {
            errors.add(new FieldError("source.attempt", "must not be negative"));
        }
        if (v.runId() != null && (v.runId().isBlank() || v.runId().length() > 64 || hasControl(v.runId()))) {
            errors.add(new FieldError("runId", "must be 1-64 printable characters"));
        }
        if (v.runLink() != null && (v.runLink().length() > MAX_ARTIFACT_URI || hasControl(v.runLink()))) {
            errors.add(new FieldError("runLink", "at most " + MAX_ARTIFACT_URI + " printable characters"));
        }
        return errors;
    }

    /** Checks a model name into {@code errors} under {@code field}. */
    public static void name(String field, String name, List<FieldError> errors) {
        String problem = ModelNames.modelNameProblem(name);
        if (problem != null) {
            errors.add(new FieldError(field, problem));
        }
    }

    /** Checks an alias into {@code errors} under {@code field}. */
    public static void alias(String field, String alias, List<FieldError> errors) {
        String problem = ModelNames.aliasProblem(alias);
        if (problem != null) {
            errors.add(new FieldError(field, problem));
        }
    }

    /** Checks an artifact URI: required, absolute (a scheme), printable, bounded. */
    public static void artifactUri(String field, String uri, List<FieldError> errors) {
        if (uri == null || uri.isBlank()) {
            errors.add(new FieldError(field, "is required"));
        } else if (uri.length() > MAX_ARTIFACT_URI || !ARTIFACT_URI.matcher(uri).matches()) {
            errors.add(new FieldError(field, "must be an absolute URI such as s3://bucket/path, without spaces, "
                    + "at most " + MAX_ARTIFACT_URI + " characters"));
        }
    }

    /** Checks a description: optional, bounded, no control characters but newlines and tabs. */
    public static void description(String field, String text, List<FieldError> errors) {
        if (text == null) {
            return;
        }
        if (text.length() > MAX_DESCRIPTION) {
            errors.add(new FieldError(field, "at most " + MAX_DESCRIPTION + " characters"));
        } else if (text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r')) {
            errors.add(new FieldError(field, "must not hold control characters"));
        }
    }

    /** Checks a reason given for a move. */
    public static void reason(String field, String text, List<FieldError> errors) {
        if (text != null && (text.length() > MAX_REASON || hasControl(text))) {
            errors.add(new FieldError(field, "at most " + MAX_REASON + " printable characters"));
        }
    }

    /** Checks a tag map: at most {@link #MAX_TAGS} entries, bounded keys and values. */
    public static void tags(String field, Map<String, String> tags, List<FieldError> errors) {
        if (tags == null) {
            return;
        }
        if (tags.size() > MAX_TAGS) {
            errors.add(new FieldError(field, "at most " + MAX_TAGS + " tags"));
        }
        tags.forEach((k, v) -> tag(field, k, v, errors));
    }

    /** Checks one tag. */
    public static void tag(String field, String key, String value, List<FieldError> errors) {
        key(field, key, errors);
        if (value == null) {
            errors.add(new FieldError(field + "." + key, "needs a value"));
        } else if (value.length() > MAX_TAG_VALUE || hasControl(value)) {
            errors.add(new FieldError(field + "." + key, "at most " + MAX_TAG_VALUE + " printable characters"));
        }
    }

    private static void key(String field, String key, List<FieldError> errors) {
        if (key == null || key.isBlank() || key.length() > MAX_TAG_KEY || hasControl(key)) {
            errors.add(new FieldError(field, "keys must be 1-" + MAX_TAG_KEY + " printable characters"));
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }
}

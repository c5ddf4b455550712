package dev.capstan.registry.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the MLflow tracking API accepts, with MLflow's own limits and messages so that a client written against MLflow
 * meets the same refusals: key names, value lengths, the size of a batch, params that cannot change once logged, and
 * a run's name against its {@code mlflow.runName} tag. Every check adds {@link FieldError}s naming the field by its
 * JSON path ({@code metrics[3].key}).
 */
public final class TrackingRules {

    /**
     * MLflow's batch limits ({@code MAX_METRICS_PER_BATCH}, {@code MAX_PARAMS_TAGS_PER_BATCH},
     * {@code MAX_ENTITIES_PER_BATCH}).
     */
    public static final int MAX_METRICS_PER_BATCH = 1000;
    public static final int MAX_PARAMS_PER_BATCH = 100;
    public static final int MAX_TAGS_PER_BATCH = 100;
    public static final int MAX_ENTITIES_PER_BATCH = 1000;
    /** MLflow's {@code MAX_ENTITY_KEY_LENGTH}: metric, param and tag keys. */
    public static final int MAX_KEY = 250;
    /** MLflow's {@code MAX_PARAM_VAL_LENGTH}. */
    public static final int MAX_PARAM_VALUE = 6000;
    /** MLflow's {@code MAX_TAG_VAL_LENGTH} for run tags. */
    public static final int MAX_TAG_VALUE = 8000;
    /** MLflow's {@code MAX_EXPERIMENT_TAG_VAL_LENGTH}. */
    public static final int MAX_EXPERIMENT_TAG_VALUE = 5000;
    /** MLflow's {@code MAX_EXPERIMENT_NAME_LENGTH}. */
    public static final int MAX_EXPERIMENT_NAME = 500;
    /** The width of MLflow's run name and user columns. */
    public static final int MAX_RUN_NAME = 250;
    public static final int MAX_USER = 256;
    /** The tag MLflow keeps a run's name in as well. */
    public static final String RUN_NAME_TAG = "mlflow.runName";

    /** MLflow's {@code validate_param_and_metric_name}: Python's {@code \w} matches Unicode letters and digits too. */
    private static final Pattern KEY = Pattern.compile("[/\\w.\\- :]*", Pattern.UNICODE_CHARACTER_CLASS);

    private TrackingRules() {
    }

    /**
     * Checks a metric, param or tag key: present, at most {@link #MAX_KEY} characters, only letters, digits,
     * {@code _ - . : /} and spaces, and a name that stays itself when read as a path ({@code a//b}, {@code ./a},
     * {@code a/} and {@code /a} do not), as MLflow requires.
     */
    public static void key(String field, String key, List<FieldError> errors) {
        if (key == null || key.isEmpty()) {
            errors.add(new FieldError(field, "missing value for required parameter '" + field + "'"));
        } else if (key.length() > MAX_KEY) {
            errors.add(new FieldError(field, "exceeds the maximum length of " + MAX_KEY + " characters"));
        } else if (!KEY.matcher(key).matches()) {
            errors.add(new FieldError(field, "invalid value '" + key + "': names may only contain alphanumerics, "
                    + "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)"));
        } else if (!pathIsItself(key)) {
            errors.add(new FieldError(field, "invalid value '" + key + "': names may be treated as files in certain "
                    + "cases, and must not resolve to other names when treated as such; this name would resolve to '"
                    + normpath(key) + "'"));
        }
    }

    /** Checks one metric point; any value is allowed (NaN and the infinities too), a timestamp is never negative. */
    public static void metric(String field, MetricPoint m, List<FieldError> errors) {
        key(field + ".key", m.key(), errors);
        if (m.timestamp() < 0) {
            errors.add(new FieldError(field + ".timestamp", "must be a nonnegative long (64-bit integer), not "
                    + m.timestamp()));
        }
    }

    /** Checks a param: a valid key, a value of at most {@link #MAX_PARAM_VALUE} characters. */
    public static void param(String field, KeyValue p, List<FieldError> errors) {
        key(field + ".key", p.key(), errors);
        length(field + ".value", p.value(), MAX_PARAM_VALUE, errors);
    }

    /**
     * Checks a run tag: a valid key, a value of at most {@link #MAX_TAG_VALUE} characters ({@link #MAX_RUN_NAME} for
     * {@code mlflow.runName}, which names the run).
     */
    public static void tag(String field, KeyValue t, List<FieldError> errors) {
        key(field + ".key", t.key(), errors);
        length(field + ".value", t.value(), RUN_NAME_TAG.equals(t.key()) ? MAX_RUN_NAME : MAX_TAG_VALUE, errors);
    }

    /** Checks an experiment's tag: a valid key, a value of at most {@link #MAX_EXPERIMENT_TAG_VALUE} characters. */
    public static void experimentTag(String field, KeyValue t, List<FieldError> errors) {
        key(field + ".key", t.key(), errors);
        length(field + ".value", t.value(), MAX_EXPERIMENT_TAG_VALUE, errors);
    }

    /** Checks an experiment's name: present, at most {@link #MAX_EXPERIMENT_NAME} characters. */
    public static void experimentName(String field, String name, List<FieldError> errors) {
        if (name == null || name.isEmpty()) {
            errors.add(new FieldError(field, "missing value for required parameter '" + field + "'"));
        } else {
            length(field, name, MAX_EXPERIMENT_NAME, errors);
        }
    }

    /** Checks a text against a maximum length (null passes: MLflow reads an absent text as empty). */
    public static void length(String field, String value, int max, List<FieldError> errors) {
        if (value != null && value.length() > max) {
            errors.add(new FieldError(field, "exceeds the maximum length of " + max + " characters"));
        }
    }

    /**
     * Checks the size of a batch against MLflow's limits: 1000 metrics, 100 params, 100 tags, 1000 items in all.
     */
    public static void batchSize(int metrics, int params, int tags, List<FieldError> errors) {
        limit("metrics", MAX_METRICS_PER_BATCH, metrics, errors);
        limit("params", MAX_PARAMS_PER_BATCH, params, errors);
        limit("tags", MAX_TAGS_PER_BATCH, tags, errors);
        limit("metrics, params, and tags", MAX_ENTITIES_PER_BATCH, metrics + params + tags, errors);
    }

    /** A batch names each param key once, as MLflow requires (even with the same value). */
    public static void uniqueParamKeys(List<KeyValue> params, List<FieldError> errors) {
        Set<String> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (KeyValue p : params) {
            if (p.key() != null && !seen.add(p.key())) {
                twice.add(p.key());
            }
        }
        if (!twice.isEmpty()) {
            errors.add(new FieldError("params", "duplicate parameter keys have been submitted: " + twice
                    + "; the request may hold only one value per param key"));
        }
    }

    /**
     * Params are immutable: logging a key again with the same value is fine, with another value it is refused,
     * naming the old and the new value as MLflow does. {@code logged} are the run's params so far.
     */
    public static void unchangedParams(String runId, Map<String, String> logged, List<KeyValue> params,
            List<FieldError> errors) {
        for (int i = 0; i < params.size(); i++) {
            KeyValue p = params.get(i);
            String old = logged.get(p.key());
            if (old != null && !old.equals(valueOrEmpty(p.value()))) {
                errors.add(new FieldError("params[" + i + "]", "changing param values is not allowed. Param with "
                        + "key='" + p.key() + "' was already logged with value='" + old + "' for run ID='" + runId
                        + "'. Attempted logging new value '" + p.value() + "'"));
            }
        }
    }

    /**
     * The name of a new run: {@code runName}, else its {@code mlflow.runName} tag, else {@code fallback}. Both given
     * with different values is refused, as in MLflow.
     */
    public static String runName(String runName, Map<String, String> tags, String fallback,
            List<FieldError> errors) {
        String tagged = tags.get(RUN_NAME_TAG);
        boolean named = runName != null && !runName.isEmpty();
        if (named && tagged != null && !tagged.equals(runName)) {
            errors.add(new FieldError("run_name", "both 'run_name' and the '" + RUN_NAME_TAG + "' tag are given, "
                    + "with different values (run_name='" + runName + "', " + RUN_NAME_TAG + "='" + tagged + "')"));
        }
        String name = named ? runName : tagged != null && !tagged.isEmpty() ? tagged : fallback;
        length("run_name", name, MAX_RUN_NAME, errors);
        return name;
    }

    /** MLflow stores an absent param or tag value as the empty text. */
    public static String valueOrEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Python's {@code posixpath.normpath}, which MLflow applies to keys to refuse those that name another path. */
    static String normpath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        int slashes = !path.startsWith("/") ? 0 : path.startsWith("//") && !path.startsWith("///") ? 2 : 1;
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            boolean keep = !part.equals("..") || (slashes == 0 && parts.isEmpty())
                    || (!parts.isEmpty() && parts.get(parts.size() - 1).equals(".."));
            if (keep) {
                parts.add(part);
            } else if (!parts.isEmpty()) {
                parts.remove(parts.size() - 1);
            }
        }
        String normal = "/".repeat(slashes) + String.join("/", parts);
        return normal.isEmpty() ? "." : normal;
    }

    private static boolean pathIsItself(String key) {
        String normal = normpath(key);
        return normal.equals(key) && !normal.equals(".") && !normal.startsWith("..") && !normal.startsWith("/");
    }

    private static void limit(String what, int max, int count, List<FieldError> errors) {
        if (count > max) {
            errors.add(new FieldError(what, "at most " + max + " in a batch logging request, got " + count
                    + ": split them up across multiple requests"));
        }
    }
}

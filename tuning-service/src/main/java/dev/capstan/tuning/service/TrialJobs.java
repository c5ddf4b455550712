package dev.capstan.tuning.service;

import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.TrialEvent;
import dev.capstan.tuning.domain.Configuration;
import dev.capstan.tuning.domain.FieldProblem;
import dev.capstan.tuning.domain.ParameterValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trial's training job from the experiment's template: {@code ${param}} placeholders in the command, env values and
 * annotation values become the trial's values, and the job learns who it is and where to report:
 * <ul>
 *   <li>{@code CAPSTAN_TRIAL_ID} and the annotation {@value TrialEvent#TRIAL_TAG}: the trial;</li>
 *   <li>{@code CAPSTAN_TRIAL_PARAMS}: every parameter as one JSON object;</li>
 *   <li>{@code MLFLOW_TRACKING_URI}, {@code MLFLOW_RUN_ID}: MLflow's own variables, so a trainer that calls
 *       {@code mlflow.log_metric} reports into the trial's run without a code change;</li>
 *   <li>{@code CAPSTAN_RESUME_STEP}: on a resumed trial, the last step it reported (continue from the checkpoint).</li>
 * </ul>
 * The template's {@code output} is dropped: the best trial, not every trial, becomes a model version.
 */
public final class TrialJobs {

    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
    /** Placeholders besides the parameters. */
    static final Set<String> BUILT_IN = Set.of("trial", "experiment");

    private TrialJobs() {
    }

    /** The trial id of trial {@code number}: also its MLflow run's {@value TrialEvent#TRIAL_TAG} tag. */
    public static String trialId(String experiment, int number) {
        return experiment + "-t" + number;
    }

    /** Placeholders of the template (and the model's artifact URI) that name nothing; each one a problem. */
    public static List<FieldProblem> problems(TrainingJobSpec template, Set<String> parameters, String artifactUri) {
        List<FieldProblem> problems = new ArrayList<>();
        Set<String> known = new TreeSet<>(parameters);
        known.addAll(BUILT_IN);
        for (int i = 0; i < template.command().size(); i++) {
            unknown("trialTemplate.command[" + i + "]", template.command().get(i), known, problems);
        }
        template.env().forEach((k, v) -> unknown("trialTemplate.env." + k, v, known, problems));
        template.annotations().forEach((k, v) -> unknown("trialTemplate.annotations." + k, v, known, problems));
        if (artifactUri != null) {
            unknown("model.artifactUri", artifactUri, known, problems);
        }
        return problems;
    }

    private static void unknown(String field, String text, Set<String> known, List<FieldProblem> problems) {
        if (text == null) {
            return;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!known.contains(m.group(1))) {
                problems.add(new FieldProblem(field, "${" + m.group(1) + "} names no parameter (known: " + known
                        + ")"));
            }
        }
    }

    /**
     * The job of one run of a trial.
     *
     * @param resumeStep the last step reported before this run, or null for the trial's first run
     */
    public static TrainingJobSpec job(TrainingJobSpec template, String experiment, int number,
            Configuration configuration, String trackingUri, String runId, Long resumeStep) {
        Map<String, String> values = values(experiment, number, configuration);
        List<String> command = template.command().stream().map(c -> fill(c, values)).toList();
        Map<String, String> env = new LinkedHashMap<>();
        template.env().forEach((k, v) -> env.put(k, fill(v, values)));
        String trialId = trialId(experiment, number);
        env.put("CAPSTAN_TRIAL_ID", trialId);
        env.put("CAPSTAN_TRIAL_PARAMS", paramsJson(configuration));
        env.put("MLFLOW_TRACKING_URI", trackingUri);
        if (runId != null) {
            env.put("MLFLOW_RUN_ID", runId);
        }
        if (resumeStep != null) {
            env.put("CAPSTAN_RESUME_STEP", Long.toString(resumeStep));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        template.annotations().forEach((k, v) -> annotations.put(k, fill(v, values)));
        annotations.put(TrialEvent.TRIAL_TAG, trialId);
        return new TrainingJobSpec(trialId, template.queue(), template.image(), command, template.framework(),
                template.workers(), template.resources(), template.priority(), annotations, env, null);
    }

    /** {@code text} with the trial's placeholders filled (the model's artifact URI, for one). */
    public static String fill(String text, String experiment, int number, Configuration configuration) {
        return fill(text, values(experiment, number, configuration));
    }

    private static Map<String, String> values(String experiment, int number, Configuration configuration) {
        Map<String, String> values = new LinkedHashMap<>();
        configuration.values().forEach((k, v) -> values.put(k, v.text()));
        values.put("trial", trialId(experiment, number));
        values.put("experiment", experiment);
        return values;
    }

    private static String fill(String text, Map<String, String> values) {
        if (text == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The configuration as a JSON object: numbers as numbers, choices as strings (or numbers when they are). */
    static String paramsJson(Configuration configuration) {
        StringBuilder json = new StringBuilder("{");
        configuration.values().forEach((k, v) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(escape(k)).append("\":");
            if (v instanceof ParameterValue.Choice c && !isNumber(c.value())) {
                json.append('"').append(escape(c.value())).append('"');
            } else {
                json.append(v.text());
            }
        });
        return json.append('}').toString();
    }

    private static boolean isNumber(String s) {
        return s != null && s.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}

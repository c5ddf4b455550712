package dev.capstan.tuning.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.events.EventCodec;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.TrialEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@link Platform} over the services' REST APIs: submission-service's {@code /api/v1/workloads} (an
 * {@code Idempotency-Key} per trial run), and model-registry's MLflow tracking API and {@code /api/v1/models}.
 */
@ApplicationScoped
public class HttpPlatform implements Platform {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String submission;
    private final String registry;

    HttpPlatform(@ConfigProperty(name = "capstan.tuning.submission-url") String submission,
            @ConfigProperty(name = "capstan.tuning.registry-url") String registry) {
        this.submission = submission;
        this.registry = registry;
    }

    @Override
    public String trialRun(String experiment, String trialId) {
        String experimentId = mlflowExperiment("capstan/" + experiment);
        ObjectNode search = EventCodec.mapper().createObjectNode();
        search.putArray("experiment_ids").add(experimentId);
        search.put("filter", "tags.`" + TrialEvent.TRIAL_TAG + "` = '" + trialId + "'");
        search.put("max_results", 1);
        JsonNode found = ok(call("POST", registry + "/api/2.0/mlflow/runs/search", search.toString(), null));
        JsonNode runs = found.path("runs");
        if (runs.size() > 0) {
            return runs.get(0).path("info").path("run_id").asText();
        }
        ObjectNode create = EventCodec.mapper().createObjectNode();
        create.put("experiment_id", experimentId);
        create.put("run_name", trialId);
        create.put("start_time", System.currentTimeMillis());
        ArrayNode tags = create.putArray("tags");
        tags.addObject().put("key", TrialEvent.TRIAL_TAG).put("value", trialId);
        tags.addObject().put("key", "capstan.dev/experiment").put("value", experiment);
        return ok(call("POST", registry + "/api/2.0/mlflow/runs/create", create.toString(), null))
                .path("run").path("info").path("run_id").asText();
    }

    private String mlflowExperiment(String name) {
        Answer got = call("GET", registry + "/api/2.0/mlflow/experiments/get-by-name?experiment_name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8), null, null);
        if (got.status == 200) {
            return got.body.path("experiment").path("experiment_id").asText();
        }
        ObjectNode create = EventCodec.mapper().createObjectNode().put("name", name);
        Answer created = call("POST", registry + "/api/2.0/mlflow/experiments/create", create.toString(), null);
        if (created.status == 200) {
            return created.body.path("experiment_id").asText();
        }
        // Created meanwhile by another call: read it.
        return ok(call("GET", registry + "/api/2.0/mlflow/experiments/get-by-name?experiment_name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8), null, null)).path("experiment")
                .path("experiment_id").asText();
    }

    @Override
    public String submit(TrainingJobSpec job, String idempotencyKey) {
        Answer a = call("POST", submission + "/api/v1/workloads", EventCodec.mapper().valueToTree(job).toString(),
                idempotencyKey);
        if (a.status == 200 || a.status == 201) {
            return a.body.path("id").asText();
        }
        if (a.status >= 400 && a.status < 500 && a.status != 408 && a.status != 429) {
            throw new Rejected(problem(a));
        }
        throw new Unavailable("submission-service answered " + a.status + ": " + problem(a), null);
    }

    @Override
    public java.util.List<Point> metricHistory(String runId, String metric) {
        JsonNode history = ok(call("GET", registry + "/api/2.0/mlflow/metrics/get-history?run_id="
                + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "&metric_key="
                + URLEncoder.encode(metric, StandardCharsets.UTF_8), null, null));
        java.util.List<Point> points = new java.util.ArrayList<>();
        for (JsonNode m : history.path("metrics")) {
            JsonNode v = m.path("value");
            double value = v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText("NaN"));
            points.add(new Point(m.path("step").asLong(), value,
                    java.time.Instant.ofEpochMilli(m.path("timestamp").asLong())));
        }
        return points;
    }

    @Override
    public void cancel(String workloadId, String reason) {
        Answer a = call("DELETE", submission + "/api/v1/workloads/" + URLEncoder.encode(workloadId,
                StandardCharsets.UTF_8) + "?reason=" + URLEncoder.encode(reason == null ? "cancelled by tuning"
                        : reason, StandardCharsets.UTF_8), null, null);
        if (a.status != 200 && a.status != 404 && a.status != 409) {
            throw new Unavailable("submission-service answered " + a.status + " to a cancel: " + problem(a), null);
        }
    }

    @Override
    public int registerBest(String model, String artifactUri, Map<String, String> params,
            Map<String, Double> metrics, Map<String, String> tags, String runId, String workloadId) {
        if (runId != null) {
            Integer v = versionOfRun(model, runId);
            if (v != null) {
                return v;
            }
        }
        ObjectNode m = EventCodec.mapper().createObjectNode().put("name", model);
        Answer created = call("POST", registry + "/api/v1/models", m.toString(), null);
        if (created.status != 201 && created.status != 409) {
            throw failure("creating model " + model, created);
        }
        ObjectNode v = EventCodec.mapper().createObjectNode();
        v.put("artifactUri", artifactUri);
        v.set("params", EventCodec.mapper().valueToTree(params));
        v.set("metrics", EventCodec.mapper().valueToTree(metrics));
        v.set("tags", EventCodec.mapper().valueToTree(tags));
        if (workloadId != null) {
            v.putObject("source").put("workloadId", workloadId);
        }
        if (runId != null) {
            v.put("runId", runId);
        }
        Answer a = call("POST", registry + "/api/v1/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8)
                + "/versions", v.toString(), null);
        if (a.status == 201) {
            return a.body.path("version").asInt();
        }
        if (a.status == 409 && runId != null) {
            Integer again = versionOfRun(model, runId); // registered by an earlier attempt
            if (again != null) {
                return again;
            }
        }
        throw failure("registering a version of " + model, a);
    }

    private Integer versionOfRun(String model, String runId) {
        String filter = "name = '" + model + "' and run_id = '" + runId + "'";
        JsonNode found = ok(call("GET", registry + "/api/2.0/mlflow/model-versions/search?filter="
                + URLEncoder.encode(filter, StandardCharsets.UTF_8), null, null));
        JsonNode versions = found.path("model_versions");
        return versions.size() == 0 ? null : Integer.valueOf(versions.get(0).path("version").asText());
    }

    private RuntimeException failure(String what, Answer a) {
        return a.status >= 400 && a.status < 500 ? new Rejected(what + ": " + problem(a))
                : new Unavailable(what + ": HTTP " + a.status, null);
    }

    private record Answer(int status, JsonNode body) {
    }

    private JsonNode ok(Answer a) {
        if (a.status != 200) {
            throw failure("model-registry", a);
        }
        return a.body;
    }

    private static String problem(Answer a) {
        JsonNode b = a.body;
        if (b.has("errors") && b.get("errors").isArray() && b.get("errors").size() > 0) {
            StringBuilder s = new StringBuilder(b.path("detail").asText(b.path("title").asText("")));
            for (JsonNode e : b.get("errors")) {
                s.append(s.length() == 0 ? "" : "; ").append(e.path("field").asText()).append(": ")
                        .append(e.path("message").asText());
            }
            return s.toString();
        }
        if (b.has("message")) {
            return b.path("error_code").asText("") + " " + b.path("message").asText();
        }
        return b.path("detail").asText(b.path("title").asText("HTTP " + a.status));
    }

    private Answer call(String method, String url, String body, String idempotencyKey) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Accept", "application/json").header("X-Capstan-User", "tuning-service");
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        if (idempotencyKey != null) {
            r.header("Idempotency-Key", idempotencyKey);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = response.body().isBlank() ? EventCodec.mapper().createObjectNode()
                        : EventCodec.mapper().readTree(response.body());
            } catch (IOException e) {
                json = EventCodec.mapper().createObjectNode().put("detail", response.body());
            }
            return new Answer(response.statusCode(), json);
        } catch (IOException e) {
            throw new Unavailable(method + " " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(method + " " + url + ": interrupted", e);
        }
    }
}

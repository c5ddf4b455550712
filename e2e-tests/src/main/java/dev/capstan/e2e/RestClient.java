package dev.capstan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.events.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** A small JSON client for the submission-service REST API. */
public final class RestClient {

    private static final HttpClient SHARED = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final HttpClient http = SHARED;
    private final String base;

    public RestClient(String submissionUrl) {
        this.base = submissionUrl + "/api/v1/workloads";
    }

    /** POSTs a training job and returns the created workload's JSON; fails unless 201. */
    public JsonNode submit(String body) {
        return read(submitAsync(body).join(), 201);
    }

    public CompletableFuture<HttpResponse<String>> submitAsync(String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Submits as a careful client does while a service may be restarting: the same Idempotency-Key on every try,
     * tried again after a refused connection, a 5xx or a 429, for at most {@code patience}. Returns the workload
     * (201 created, or 200 when an earlier try had got through).
     */
    public JsonNode submitPersistently(String body, String idempotencyKey, Duration patience)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        String last = "no try";
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base))
                        .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 || r.statusCode() == 201) {
                    return read(r, r.statusCode());
                }
                if (r.statusCode() < 500 && r.statusCode() != 429) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                }
                last = "HTTP " + r.statusCode() + ": " + r.body();
            } catch (IOException e) {
                last = e.toString(); // not listening (restarting): try again
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("not accepted within " + patience + "; last answer: " + last);
    }

    public JsonNode get(String id) {
        return read(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/" + id)).build(),
                HttpResponse.BodyHandlers.ofString()).join(), 200);
    }

    public JsonNode list(String query) {
        return read(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "?" + query)).build(),
                HttpResponse.BodyHandlers.ofString()).join(), 200);
    }

    /**
     * Sends a JSON request to any service (as user {@code e2e}, 10 s timeout) and fails unless the answer has status
     * {@code want}; returns the answer.
     */
    public static HttpResponse<String> call(String method, String url, String body, int want) {
        try {
            HttpResponse<String> r = SHARED.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json").header("X-Capstan-User", "e2e")
                    .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != want) {
                throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + url, e);
        }
    }

    /** GETs any JSON document (another service's REST API); fails unless 200. */
    public static JsonNode fetch(String url) {
        return read(SHARED.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).join(), 200);
    }

    public static JsonNode read(HttpResponse<String> r, int want) {
        if (r.statusCode() != want) {
            throw new IllegalStateException("HTTP " + r.statusCode() + " (wanted " + want + "): " + r.body());
        }
        try {
            return EventCodec.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A training job body that declares its output: the model version it produces when it succeeds. */
    public static String job(String name, String queue, int runSeconds, String model, String artifactUri) {
        try {
            ObjectNode job = (ObjectNode) EventCodec.mapper().readTree(job(name, queue, "pytorch", 1, 1, null,
                    runSeconds));
            job.putObject("output").put("model", model).put("artifactUri", artifactUri).put("format", "pytorch");
            return job.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A training job body. */
    public static String job(String name, String queue, String framework, int workers, int gpus, String model,
            int runSeconds) {
        String models = model == null ? "[]" : "[\"" + model + "\"]";
        return """
                {"name":"%s","queue":"%s","image":"registry.local/train:1","command":["python","train.py"],
                 "framework":"%s","workers":%d,
                 "resources":{"gpus":%d,"gpuModels":%s,"cpuMilli":2000,"memoryMib":8192},
                 "annotations":{"sim.capstan.dev/run-seconds":"%d"}}
                """.formatted(name, queue, framework, workers, gpus, models, runSeconds);
    }
}

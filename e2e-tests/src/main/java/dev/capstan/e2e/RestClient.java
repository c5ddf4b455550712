package dev.capstan.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.events.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
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

    public JsonNode get(String id) {
        return read(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/" + id)).build(),
                HttpResponse.BodyHandlers.ofString()).join(), 200);
    }

    public JsonNode list(String query) {
        return read(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "?" + query)).build(),
                HttpResponse.BodyHandlers.ofString()).join(), 200);
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

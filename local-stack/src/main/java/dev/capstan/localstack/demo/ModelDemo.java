package dev.capstan.localstack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.events.EventCodec;
import dev.capstan.localstack.cli.ModelCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registry part of the demo: two training runs of one model each declare their output, and each becomes a
 * version of that model with the job as its source when it succeeds; the first version is promoted to
 * {@code production}, then the second, production is rolled back, and the alias's history is printed — through
 * the same commands a user types ({@link ModelCommands}), shown with their output.
 *
 * <p>Version numbers are whatever the registry gives: {@code ./capstan up} keeps its database between runs, so a
 * second run trains v3 and v4 of the same model.
 */
public final class ModelDemo {

    static final String MODEL = "demo-churn";
    static final String ALIAS = "production";
    /** Long enough to see the job run, short enough that both versions exist within the first half minute. */
    static final int RUN_SECONDS = 3;
    private static final Duration VERSION_DEADLINE = Duration.ofMinutes(2);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String workloads;
    private final String registry;
    private final PrintStream out;
    private final String model;
    private final String tag;

    public ModelDemo(String submissionUrl, String registryUrl, PrintStream out) {
        this(submissionUrl, registryUrl, out, MODEL, "models");
    }

    /** The same steps for another model, its lines printed as {@code [tag] …}. */
    ModelDemo(String submissionUrl, String registryUrl, PrintStream out, String model, String tag) {
        this.workloads = submissionUrl + "/api/v1/workloads";
        this.registry = registryUrl;
        this.out = out;
        this.model = model;
        this.tag = tag;
    }

    /** A training job of {@code model} that writes its result to {@code artifactUri}. */
    static String job(String model, String name, String artifactUri) throws IOException {
        ObjectNode job = (ObjectNode) EventCodec.mapper().readTree(
                Demo.job(name, "team-ml", "pytorch", 1, 1, 1000, "", RUN_SECONDS));
        job.putObject("output").put("model", model).put("artifactUri", artifactUri).put("format", "pytorch");
        return job.toString();
    }

    /** Trains two versions, promotes, rolls back, prints the history; reports and stops at the first failure. */
    public void run() {
        try {
            int first = trainAndAwait("churn-train-1", "s3://demo-models/churn/run-1");
            int second = trainAndAwait("churn-train-2", "s3://demo-models/churn/run-2");
            boolean ok = command("promote", MODEL, ALIAS, String.valueOf(first), "--reason",
                    "first model that passes offline evaluation")
                    && command("promote", MODEL, ALIAS, String.valueOf(second), "--reason",
                    "v" + second + " beats v" + first + " on AUC")
                    && command("rollback", MODEL, ALIAS, "--reason", "p99 latency regression in the canary")
                    && command("models", "history", MODEL, ALIAS)
                    && command("models", "describe", MODEL);
            say(ok ? "done. Try: ./capstan models, ./capstan models history " + MODEL + " " + ALIAS
                    : "stopped: a command was refused (see above)");
        } catch (IOException | IllegalStateException e) {
            say("stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Submits one training job with an output and waits until the registry holds the version it produced. */
    int trainAndAwait(String name, String artifactUri) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(workloads))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(job(model, name, artifactUri))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("submitting " + name + " was refused: " + r.statusCode() + " " + r.body());
        }
        String id = EventCodec.mapper().readTree(r.body()).path("id").asText();
        say("training job " + id + " (" + name + ", " + RUN_SECONDS + " s) declares output " + model + " at "
                + artifactUri);
        Instant deadline = Instant.now().plus(VERSION_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            Optional<JsonNode> version = versionFrom(id);
            if (version.isPresent()) {
                JsonNode v = version.get();
                say(id + " succeeded: " + model + " v" + v.path("version").asInt() + " registered from "
                        + v.path("source").path("workloadId").asText() + " attempt "
                        + v.path("source").path("attempt").asInt());
                return v.path("version").asInt();
            }
            String status = fetch(workloads + "/" + id).path("status").asText();
            if (status.equals("FAILED") || status.equals("CANCELLED")) {
                throw new IllegalStateException(id + " ended " + status + ": no version to promote");
            }
            Thread.sleep(500); // polling two REST resources until the version shows up, bounded by the deadline
        }
        throw new IllegalStateException("no version of " + model + " from " + id + " within " + VERSION_DEADLINE);
    }

    private Optional<JsonNode> versionFrom(String workloadId) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(registry + "/api/v1/models/" + model
                + "/versions?size=100")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return Optional.empty(); // the model is created with its first version
        }
        for (JsonNode v : EventCodec.mapper().readTree(r.body()).path("items")) {
            if (workloadId.equals(v.path("source").path("workloadId").asText())) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private JsonNode fetch(String url) throws IOException, InterruptedException {
        return EventCodec.mapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Runs one {@code ./capstan} command and prints it with its output in one piece; false if it failed. */
    boolean command(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int status = new ModelCommands(registry, "demo", capture, capture).run(List.of(args));
        List<String> shown = new ArrayList<>();
        for (String a : args) {
            shown.add(a.contains(" ") ? "'" + a + "'" : a);
        }
        StringBuilder text = new StringBuilder("[" + tag + "] $ CAPSTAN_USER=demo ./capstan " + String.join(" ", shown));
        buffer.toString(StandardCharsets.UTF_8).stripTrailing().lines()
                .forEach(l -> text.append('\n').append(l.isEmpty() ? "" : "  " + l));
        out.println(text);
        return status == 0;
    }

    void say(String s) {
        out.println("[" + tag + "] " + s);
    }
}

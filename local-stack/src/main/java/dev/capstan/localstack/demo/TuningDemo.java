package dev.capstan.localstack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.events.EventCodec;
import dev.capstan.localstack.cli.TuningCommands;
import dev.capstan.localstack.kube.SimulatedTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * The tuning part of the demo: an experiment over AlexNet's hyperparameters whose trials are ordinary training jobs
 * (same queue, placement and pods as every job). Each trial pod replays the recorded learning curve nearest to its
 * parameters (local-stack's simulated trainer, {@link SimulatedTrainer}) and reports each epoch through the MLflow
 * tracking API in model-registry; tuning-service stops and pauses trials from those reports, and registers the best
 * one as a model version. Trial changes are printed as they happen, then the experiment as {@code ./capstan
 * describe} shows it.
 *
 * <p>The curves: shared/traces/tuning-opda-imagenet-mnli (from github.com/nicholaslourie/opda, CC BY-SA 4.0,
 * © Nicholas Lourie), read in place; without that file the tuning demo is skipped.
 */
public final class TuningDemo implements Runnable {

    static final String CURVES = "../shared/traces/tuning-opda-imagenet-mnli/alexnet_tuning.results.jsonl";
    /** Recorded seconds to real ones: AlexNet's 20–100 epochs (1.7–7.8 recorded hours) take 3–14 s. */
    static final String TIME_SCALE = "0.0005";
    private static final Duration DEADLINE = Duration.ofMinutes(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String tuning;
    private final Path curves;
    private final PrintStream out;

    public TuningDemo(String tuningUrl, Path root, PrintStream out) {
        this.tuning = tuningUrl;
        this.curves = root.resolve(CURVES).normalize();
        this.out = out;
    }

    /** The demo's experiment: named after the time, so a second {@code ./capstan up} adds another. */
    static String experiment(String name, Path curves) {
        return """
                {"name":"%s",
                 "objective":{"metric":"top_1","direction":"maximize"},
                 "searchSpace":{"parameters":[
                   {"name":"epochs","type":"int","min":20,"max":100},
                   {"name":"batch_size","type":"categorical","choices":["128","256","512","1024"]},
                   {"name":"lr","type":"log-float","min":0.005,"max":50},
                   {"name":"momentum","type":"float","min":0.7,"max":1.0},
                   {"name":"weight_decay","type":"log-float","min":0.000001,"max":0.001},
                   {"name":"label_smoothing","type":"float","min":0,"max":0.5}]},
                 "parallelism":4,"budget":{"maxTrials":16},"seed":%d,"trialSteps":"epochs",
                 "trialTemplate":{"name":"alexnet","queue":"team-vision","image":"ghcr.io/capstan/alexnet-train:1",
                   "command":["python","train.py","--epochs=${epochs}","--lr=${lr}","--batch-size=${batch_size}"],
                   "framework":"pytorch","workers":1,
                   "resources":{"gpus":1,"gpuMilli":0,"cpuMilli":4000,"memoryMib":16384},
                   "annotations":{"%s":"%s","%s":"%s"}},
                 "model":{"name":"demo-alexnet","artifactUri":"s3://demo-models/alexnet/${trial}"}}
                """.formatted(name, Math.abs(name.hashCode()) % 1000, SimulatedTrainer.CURVES, curves,
                SimulatedTrainer.TIME_SCALE, TIME_SCALE);
    }

    @Override
    public void run() {
        if (!Files.isRegularFile(curves)) {
            say("skipped: no learning curves at " + curves);
            return;
        }
        String name = "alexnet-" + DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        try {
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(tuning
                    + "/api/v1/experiments")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(experiment(name, curves))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201) {
                say("stopped: the experiment was refused: " + created.body());
                return;
            }
            say("experiment " + name + ": AlexNet's hyperparameters, 16 trials, 4 at a time, each a training job "
                    + "that replays a recorded learning curve and reports through MLflow's API");
            Map<String, String> seen = new HashMap<>();
            Instant deadline = Instant.now().plus(DEADLINE);
            JsonNode e = null;
            while (Instant.now().isBefore(deadline)) {
                Thread.sleep(2000);
                e = EventCodec.mapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create(tuning
                        + "/api/v1/experiments/" + name)).build(), HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode t : e.path("trials")) {
                    String now = t.path("state").asText() + " " + t.path("reason").asText("");
                    if (!now.equals(seen.put(t.path("id").asText(), now)) && !t.path("state").asText()
                            .equals("RUNNING")) {
                        say(t.path("id").asText() + " " + t.path("state").asText().toLowerCase()
                                + (t.path("reason").isTextual() ? ": " + t.path("reason").asText()
                                        : " at step " + t.path("lastStep").asText("-") + ", top_1 "
                                                + t.path("lastValue").asText("-")));
                    }
                }
                // Ended, and its best trial registered (or refused with a reason).
                if (!e.path("state").asText().equals("RUNNING")
                        && (e.path("modelVersion").isNumber() || e.path("modelError").isTextual())) {
                    break;
                }
            }
            if (e != null) {
                out.print(TuningCommands.summaryOf(e));
                say("done. Try: ./capstan experiments, ./capstan describe " + name);
            }
        } catch (IOException ex) {
            say("stopped: " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void say(String line) {
        out.println("[tuning] " + line);
    }
}

package dev.capstan.localstack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.events.EventCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first-run demo: submits a few training jobs over REST (one PyTorch job over 4 workers, a
 * TensorFlow pair, a Ray job, an MPI job, a single-GPU job and a shared-GPU notebook job) and prints
 * their progress until every one has finished.
 */
public final class Demo {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String api;
    private final PrintStream out;

    public Demo(String submissionUrl, PrintStream out) {
        this.api = submissionUrl + "/api/v1/workloads";
        this.out = out;
    }

    /** The demo jobs as REST bodies. */
    static List<String> jobs() {
        return List.of(
                job("llama-ft-ddp", "team-nlp", "pytorch", 4, 2, 1000, "A100-80GB", 12),
                job("resnet-tf", "team-vision", "tensorflow", 2, 1, 1000, "", 8),
                job("rl-sweep-ray", "team-rl", "ray", 3, 1, 1000, "", 10),
                job("bert-mpi", "team-nlp", "mpi", 2, 4, 1000, "A100-80GB", 9),
                job("eval-single", "team-vision", "none", 1, 1, 1000, "T4", 5),
                job("notebook-share", "team-rl", "none", 1, 1, 500, "T4", 6));
    }

    static String job(String name, String queue, String framework, int workers, int gpus, int gpuMilli, String model,
            int seconds) {
        String models = model.isEmpty() ? "[]" : "[\"" + model + "\"]";
        return """
                {"name":"%s","queue":"%s","image":"ghcr.io/capstan/demo-train:1","command":["python","train.py"],
                 "framework":"%s","workers":%d,
                 "resources":{"gpus":%d,"gpuMilli":%d,"gpuModels":%s,"cpuMilli":4000,"memoryMib":16384},
                 "annotations":{"sim.capstan.dev/run-seconds":"%d"}}
                """.formatted(name, queue, framework, workers, gpus, gpuMilli, models, seconds);
    }

    public void run() throws IOException, InterruptedException {
        out.println("[demo] submitting " + jobs().size() + " training jobs to " + api);
        Map<String, String> ids = new LinkedHashMap<>();
        for (String body : jobs()) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode w = EventCodec.mapper().readTree(r.body());
            if (r.statusCode() != 201) {
                out.println("[demo] submit failed: " + r.statusCode() + " " + r.body());
                continue;
            }
            ids.put(w.get("id").asText(), w.get("name").asText());
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            List<String> lines = new ArrayList<>();
            int done = 0;
            for (var e : ids.entrySet()) {
                JsonNode w = get(e.getKey());
                String status = w.path("status").asText();
                if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status)) {
                    done++;
                }
                List<String> nodes = new ArrayList<>();
                w.path("pods").forEach(p -> nodes.add(p.path("node").asText() + p.path("gpuIndices")));
                lines.add(String.format("  %-16s %-15s %-10s %s %s", e.getKey(), e.getValue(), status,
                        w.path("reason").asText(), nodes.isEmpty() ? "" : nodes));
            }
            String table = String.join("\n", lines);
            if (!table.equals(last)) {
                out.println("[demo] " + Instant.now() + "\n" + table);
                last = table;
            }
            if (done == ids.size()) {
                out.println("[demo] all " + ids.size() + " jobs finished. Try: ./capstan list, ./capstan describe "
                        + ids.keySet().iterator().next());
                return;
            }
            Thread.sleep(1000); // a progress display refreshes on a period by design
        }
        out.println("[demo] not every job finished within 3 minutes; see the logs");
    }

    private JsonNode get(String id) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        return EventCodec.mapper().readTree(r.body());
    }
}

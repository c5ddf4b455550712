package dev.capstan.localstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.capstan.events.EventCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tuning commands of {@code ./capstan}, against tuning-service at {@code $CAPSTAN_TUNING} (default
 * http://127.0.0.1:8086): {@code tune FILE} creates an experiment from a YAML or JSON file, {@code experiments} lists
 * them, {@code describe NAME} shows one with its trials (best so far, stopped ones and why),
 * {@code experiments stop NAME [REASON]} stops one. {@code --json} prints the API's answer as it is.
 */
public final class TuningCommands {

    public static final String DEFAULT_URL = "http://127.0.0.1:8086";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String url;
    private final PrintStream out;
    private final PrintStream err;

    public TuningCommands(String url, PrintStream out, PrintStream err) {
        this.url = url;
        this.out = out;
        this.err = err;
    }

    public static TuningCommands fromEnvironment() {
        return new TuningCommands(System.getenv().getOrDefault("CAPSTAN_TUNING", DEFAULT_URL), System.out,
                System.err);
    }

    /** Whether {@code command} is one of these (describe is shared: see {@link #describe}). */
    public static boolean handles(String command) {
        return Set.of("tune", "experiments").contains(command);
    }

    /** Runs one command; returns the exit code. */
    public int run(List<String> args) {
        boolean json = args.contains("--json");
        List<String> words = args.stream().filter(a -> !a.equals("--json")).toList();
        try {
            switch (words.get(0)) {
                case "tune" -> {
                    if (words.size() < 2) {
                        err.println("usage: ./capstan tune FILE   (an experiment in YAML or JSON)");
                        return 2;
                    }
                    JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(Path.of(
                            words.get(1))));
                    JsonNode created = call(HttpRequest.newBuilder(URI.create(url + "/api/v1/experiments"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(EventCodec.mapper().writeValueAsString(spec))));
                    if (json) {
                        print(created);
                    } else {
                        out.println("experiment " + created.path("name").asText() + " created; ./capstan describe "
                                + created.path("name").asText() + " shows its trials");
                    }
                }
                case "experiments" -> {
                    if (words.size() > 2 && words.get(1).equals("stop")) {
                        JsonNode stopped = call(HttpRequest.newBuilder(URI.create(url + "/api/v1/experiments/"
                                + enc(words.get(2)) + (words.size() > 3 ? "?reason=" + enc(words.get(3)) : "")))
                                .DELETE());
                        out.println("experiment " + stopped.path("name").asText() + " " + stopped.path("state")
                                .asText().toLowerCase(Locale.ROOT) + ": " + stopped.path("reason").asText());
                        return 0;
                    }
                    JsonNode all = call(HttpRequest.newBuilder(URI.create(url + "/api/v1/experiments")));
                    if (json) {
                        print(all);
                    } else {
                        list(all);
                    }
                }
                default -> {
                    err.println("capstan: not a tuning command: " + words.get(0));
                    return 2;
                }
            }
            return 0;
        } catch (Refused e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("capstan: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * {@code describe NAME} for an experiment: the summary and its trials; -1 when there is no such experiment (the
     * name may be another kind's), else the exit code.
     */
    public int describe(String name, boolean json) throws InterruptedException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/experiments/"
                    + enc(name))).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return -1;
            }
            JsonNode e = EventCodec.mapper().readTree(r.body());
            if (r.statusCode() != 200) {
                err.println(ModelCommands.problem(r.statusCode(), e, r.body()));
                return 1;
            }
            if (json) {
                print(e);
            } else {
                out.print(summaryOf(e));
            }
            return 0;
        } catch (IOException e) {
            return -1; // tuning-service is not there: not an experiment as far as we can tell
        }
    }

    /** An experiment and its trials, for the terminal. */
    public static String summaryOf(JsonNode e) {
        StringBuilder s = new StringBuilder();
        s.append("Experiment:  ").append(e.path("name").asText()).append('\n');
        s.append("State:       ").append(e.path("state").asText())
                .append(e.path("reason").isTextual() ? " (" + e.path("reason").asText() + ")" : "").append('\n');
        s.append("Objective:   ").append(e.path("direction").asText()).append(' ').append(e.path("metric").asText())
                .append(e.path("target").isNumber() ? ", target " + e.path("target").asText() : "").append('\n');
        s.append("Algorithm:   ").append(e.path("algorithm").asText()).append('\n');
        s.append(String.format(Locale.ROOT, "GPU-hours:   %.3f%n", e.path("gpuHours").asDouble()));
        JsonNode best = e.path("best");
        if (best.isObject()) {
            s.append("Best trial:  ").append(best.path("id").asText()).append(' ').append(e.path("metric").asText())
                    .append('=').append(best.path("lastValue").asText()).append(" at step ")
                    .append(best.path("lastStep").asText()).append(' ').append(best.path("params")).append('\n');
        }
        if (e.path("model").isTextual()) {
            s.append("Model:       ").append(e.path("model").asText()).append(e.path("modelVersion").isNumber()
                    ? " version " + e.path("modelVersion").asText() : e.path("modelError").isTextual()
                            ? " not registered: " + e.path("modelError").asText() : " (registered when it ends)")
                    .append('\n');
        }
        s.append('\n');
        Table t = new Table("TRIAL", "STATE", "STEP", e.path("metric").asText().toUpperCase(Locale.ROOT), "GPU-H",
                "RUNS", "REASON");
        e.path("trials").forEach(tr -> t.row(tr.path("id").asText(), tr.path("state").asText(),
                tr.path("lastStep").isNumber() ? tr.path("lastStep").asText() : null,
                tr.path("lastValue").isNumber() ? String.format(Locale.ROOT, "%.4f", tr.path("lastValue").asDouble())
                        : null,
                String.format(Locale.ROOT, "%.3f", tr.path("gpuHours").asDouble()), tr.path("runs").asText(),
                tr.path("reason").isTextual() ? tr.path("reason").asText() : null));
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        t.print(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        return s.append(buffer.toString(StandardCharsets.UTF_8)).toString();
    }

    private void list(JsonNode all) {
        Table t = new Table("NAME", "STATE", "ALGORITHM", "TRIALS", "BEST", "GPU-H", "REASON");
        all.forEach(e -> {
            long trials = 0;
            for (JsonNode n : e.path("trialsByState")) {
                trials += n.asLong();
            }
            JsonNode best = e.path("best");
            t.row(e.path("name").asText(), e.path("state").asText(), e.path("algorithm").asText(), trials,
                    best.isObject() ? e.path("metric").asText() + "=" + String.format(Locale.ROOT, "%.4f",
                            best.path("lastValue").asDouble()) + " (" + best.path("id").asText() + ")" : null,
                    String.format(Locale.ROOT, "%.3f", e.path("gpuHours").asDouble()),
                    e.path("reason").isTextual() ? e.path("reason").asText() : null);
        });
        t.print(out);
        out.println("(" + t.size() + " in all)");
    }

    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private JsonNode call(HttpRequest.Builder request) throws Refused, InterruptedException, IOException {
        HttpResponse<String> r;
        try {
            r = HTTP.send(request.header("Accept", "application/json").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Refused("capstan: cannot reach tuning-service at " + url + "; is ./capstan up running? "
                    + "(CAPSTAN_TUNING sets another address)");
        }
        JsonNode body = r.body().isBlank() ? null : EventCodec.mapper().readTree(r.body());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new Refused(ModelCommands.problem(r.statusCode(), body, r.body()));
        }
        return body;
    }

    private void print(JsonNode n) throws IOException {
        out.println(EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

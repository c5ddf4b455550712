package dev.capstan.localstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.capstan.events.EventCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The user commands of {@code ./capstan}: submit a YAML or JSON spec, list, describe, cancel, against
 * the REST API at {@code $CAPSTAN_API} (default http://127.0.0.1:8081); the scheduler's view from
 * {@code $CAPSTAN_SCHEDULER} (default http://127.0.0.1:8082); models, promote and rollback against the
 * model registry ({@link ModelCommands}).
 */
public final class CapstanCli {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private CapstanCli() {
    }

    public static void main(String[] args) throws Exception {
        String api = System.getenv().getOrDefault("CAPSTAN_API", "http://127.0.0.1:8081") + "/api/v1/workloads";
        String cmd = args.length > 0 ? args[0] : "";
        if (ModelCommands.handles(cmd)) {
            System.exit(ModelCommands.fromEnvironment().run(List.of(args)));
        }
        HttpResponse<String> r;
        switch (cmd) {
            case "submit" -> {
                if (args.length < 2) {
                    usage();
                }
                JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(Path.of(args[1])));
                r = send(HttpRequest.newBuilder(URI.create(api)).header("Content-Type", "application/json")
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .POST(HttpRequest.BodyPublishers.ofString(EventCodec.mapper().writeValueAsString(spec))));
            }
            case "list" -> r = send(HttpRequest.newBuilder(URI.create(api + (args.length > 1 ? "?" + args[1] : ""))));
            case "describe" -> r = send(HttpRequest.newBuilder(URI.create(api + "/" + arg(args))));
            case "cancel" -> r = send(HttpRequest.newBuilder(URI.create(api + "/" + arg(args))).DELETE());
            case "nodes" -> {
                String sched = System.getenv().getOrDefault("CAPSTAN_SCHEDULER", "http://127.0.0.1:8082");
                r = send(HttpRequest.newBuilder(URI.create(sched + "/api/v1/scheduler/state")));
            }
            default -> {
                usage();
                return;
            }
        }
        JsonNode body = r.body().isBlank() ? null : EventCodec.mapper().readTree(r.body());
        if ("list".equals(cmd) && r.statusCode() == 200) {
            System.out.printf("%-16s %-20s %-14s %-10s %s%n", "ID", "NAME", "QUEUE", "STATUS", "REASON");
            body.path("items").forEach(w -> System.out.printf("%-16s %-20s %-14s %-10s %s%n", w.path("id").asText(),
                    w.path("name").asText(), w.path("queue").asText(), w.path("status").asText(),
                    w.path("reason").asText()));
            System.out.println("(" + body.path("total").asLong() + " in all)");
        } else if (body != null) {
            System.out.println(EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(body));
        }
        if (r.statusCode() >= 400) {
            System.exit(1);
        }
    }

    private static String arg(String[] args) {
        if (args.length < 2) {
            usage();
        }
        return args[1];
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            System.err.println("capstan: cannot reach the API; is ./capstan up running?");
            System.exit(1);
            return null;
        }
    }

    private static void usage() {
        System.err.println("usage: ./capstan submit FILE.yaml | list [status=RUNNING&queue=q] | describe ID | cancel ID"
                + " | nodes | models [describe NAME | history NAME ALIAS] | promote NAME ALIAS VERSION [--reason TEXT]"
                + " | rollback NAME ALIAS [--to VERSION] [--reason TEXT]");
        System.exit(2);
    }
}

package dev.capstan.localstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.capstan.events.EventCodec;
import dev.capstan.events.spec.DocumentKind;
import dev.capstan.events.spec.SpecDocuments;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The user commands of {@code ./capstan}: apply, get and describe Kubernetes-style specs ({@link SpecCommands}); submit
 * a YAML or JSON spec in the flat format, list, describe, cancel; serve (create or
 * change an inference service from a YAML or JSON file), services, unserve; against
 * the REST API at {@code $CAPSTAN_API} (default http://127.0.0.1:8081); the scheduler's view from
 * {@code $CAPSTAN_SCHEDULER} (default http://127.0.0.1:8082); models, promote and rollback against the
 * model registry ({@link ModelCommands}).
 */
public final class CapstanCli {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private CapstanCli() {
    }

    public static void main(String[] args) throws Exception {
        String base = System.getenv().getOrDefault("CAPSTAN_API", "http://127.0.0.1:8081");
        String api = base + "/api/v1/workloads";
        String services = base + "/api/v1/inference-services";
        String cmd = args.length > 0 ? args[0] : "";
        if (ModelCommands.handles(cmd)) {
            System.exit(ModelCommands.fromEnvironment().run(List.of(args)));
        }
        if (SpecCommands.handles(List.of(args))) {
            System.exit(SpecCommands.fromEnvironment().run(List.of(args)));
        }
        if (TuningCommands.handles(cmd)) {
            System.exit(TuningCommands.fromEnvironment().run(List.of(args)));
        }
        Reply r;
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
            case "describe" -> {
                String id = arg(args);
                r = send(HttpRequest.newBuilder(URI.create(api + "/" + id)));
                if (r.statusCode() == 404 && !id.startsWith("wl-")) {
                    r = describeService(services, id); // not a workload id: an inference service's name
                }
                if (r.statusCode() == 404 && !id.startsWith("wl-")) {
                    // nor a service: a tuning experiment's name
                    int code = TuningCommands.fromEnvironment().describe(id, List.of(args).contains("--json"));
                    if (code >= 0) {
                        System.exit(code);
                    }
                }
            }
            case "serve" -> r = serve(services, arg(args));
            case "services" -> r = send(HttpRequest.newBuilder(URI.create(services + "?size=500")));
            case "unserve" -> r = send(HttpRequest.newBuilder(URI.create(services + "/" + arg(args)
                    + (args.length > 2 ? "?reason=" + java.net.URLEncoder.encode(args[2],
                    java.nio.charset.StandardCharsets.UTF_8) : ""))).DELETE());
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
        } else if ("services".equals(cmd) && r.statusCode() == 200) {
            System.out.printf("%-24s %-14s %-28s %-9s %-10s %s%n", "NAME", "QUEUE", "MODEL", "REPLICAS", "TARGET",
                    "GENERATION");
            body.path("items").forEach(s -> {
                JsonNode spec = s.path("spec");
                String target = spec.path("targetConcurrency").asDouble() > 0
                        ? spec.path("targetConcurrency").asText() + " inflight" : spec.path("targetRps").asText() + " rps";
                System.out.printf("%-24s %-14s %-28s %-9s %-10s %d%n", s.path("name").asText(), s.path("queue").asText(),
                        spec.path("model").asText(), spec.path("minReplicas").asInt() + "-"
                                + spec.path("maxReplicas").asInt(), target, s.path("generation").asLong());
            });
            System.out.println("(" + body.path("total").asLong() + " in all)");
        } else if ("unserve".equals(cmd) && r.statusCode() == 204) {
            System.out.println("deleted " + args[1]);
        } else if ("describe".equals(cmd) && body != null && body.has("autoscaling")
                && !List.of(args).contains("--json")) {
            System.out.print(serviceSummary(body));
        } else if (body != null) {
            System.out.println(EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(body));
        }
        if (r.statusCode() >= 400) {
            System.exit(1);
        }
    }

    /**
     * Creates the inference service a YAML or JSON file describes; when one of that name exists, changes it to the
     * file's settings instead (a new model there starts a rollout).
     */
    private static Reply serve(String services, String file) throws Exception {
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(Path.of(file)));
        String json = EventCodec.mapper().writeValueAsString(spec);
        Reply r = send(HttpRequest.newBuilder(URI.create(services))
                .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(json)));
        boolean document = SpecDocuments.isDocument(spec);
        String name = document ? spec.path("metadata").path("name").asText(null) : spec.path("name").asText(null);
        if (r.statusCode() == 409 && name != null) {
            // PATCH takes the flat fields: a document (valid, or the POST would have refused it) is read into them
            String change = document ? EventCodec.mapper().writeValueAsString(SpecDocuments.read(spec,
                    DocumentKind.INFERENCE_SERVICE).spec()) : json;
            r = send(HttpRequest.newBuilder(URI.create(services + "/" + name))
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(change)));
        }
        return r;
    }

    /** An inference service's settings, with the autoscaler's view of it when that answers. */
    private static Reply describeService(String services, String name) throws Exception {
        Reply r = send(HttpRequest.newBuilder(URI.create(services + "/" + name)));
        if (r.statusCode() != 200) {
            return r;
        }
        String autoscaler = System.getenv().getOrDefault("CAPSTAN_AUTOSCALER", "http://127.0.0.1:8084");
        try {
            HttpResponse<String> a = HTTP.send(HttpRequest.newBuilder(URI.create(autoscaler + "/api/v1/autoscaling/"
                    + name)).build(), HttpResponse.BodyHandlers.ofString());
            if (a.statusCode() == 200) {
                var both = EventCodec.mapper().createObjectNode();
                both.set("service", EventCodec.mapper().readTree(r.body()));
                both.set("autoscaling", EventCodec.mapper().readTree(a.body()));
                both.set("waiting", waitingReplicas(name));
                return new Reply(200, EventCodec.mapper().writeValueAsString(both));
            }
        } catch (java.io.IOException unreachable) {
            // the settings alone
        }
        return r;
    }

    /**
     * An inference service as people read it: its model and bounds, the plan in force (revisions, replicas, traffic
     * weights), the rollout with its last analysis, and the autoscaler's last decision.
     */
    static String serviceSummary(JsonNode both) {
        JsonNode service = both.path("service");
        JsonNode spec = service.path("spec");
        JsonNode scaling = both.path("autoscaling");
        JsonNode plan = scaling.path("plan");
        StringBuilder s = new StringBuilder();
        s.append(String.format("%-12s %s%n", "Name:", service.path("name").asText()));
        s.append(String.format("%-12s %s%n", "Model:", spec.path("model").asText()));
        s.append(String.format("%-12s %s%n", "Queue:", service.path("queue").asText()));
        s.append(String.format("%-12s %d-%d, %s rps each, cold start %s s%n", "Replicas:",
                spec.path("minReplicas").asInt(), spec.path("maxReplicas").asInt(), spec.path("targetRps").asText(),
                spec.path("coldStartSeconds").asText()));
        JsonNode last = scaling.path("lastDecision");
        if (!last.isMissingNode() && !last.isNull()) {
            s.append(String.format("%-12s %d → %d (%s) at %s%n", "Decision:", last.path("currentReplicas").asInt(),
                    last.path("desiredReplicas").asInt(), last.path("reason").asText(),
                    last.path("decidedAt").asText()));
        }
        both.path("waiting").forEach(w -> s.append(String.format("%-12s %s: %s%n", "Waiting:",
                w.path("workloadId").asText(), w.path("pendingReason").asText("not placed yet"))));
        if (plan.isMissingNode() || plan.isNull()) {
            s.append("Plan:        none yet (the model does not resolve, or no replica count was decided)\n");
            return s.toString();
        }
        s.append(String.format("%nREVISION       MODEL                      REPLICAS   WEIGHT%n"));
        plan.path("revisions").forEach(r -> s.append(String.format("%-14s %-26s %-10d %d %%%n",
                r.path("name").asText(), r.path("model").asText() + ":" + r.path("modelVersion").asInt(),
                r.path("replicas").asInt(), r.path("weight").asInt())));
        s.append(String.format("%n%-12s %s (%s)%n", "Plan:", plan.path("reason").asText(),
                plan.path("plannedAt").asText()));
        JsonNode rollout = plan.path("rollout");
        if (!rollout.isMissingNode() && !rollout.isNull()) {
            s.append(String.format("%-12s %s → %s, %s, step %d since %s%n", "Rollout:", rollout.path("from").asText(),
                    rollout.path("to").asText(), rollout.path("phase").asText(), rollout.path("step").asInt() + 1,
                    rollout.path("stepStartedAt").asText()));
            if (rollout.hasNonNull("verdict")) {
                s.append(String.format("%-12s %s%n", "Analysis:", rollout.path("verdict").asText()));
            }
        }
        return s.toString();
    }

    /**
     * The service's replicas the scheduler has not placed, with why (its replicas are the workloads named
     * {@code <service>-v<version>-<n>}); empty when the scheduler does not answer.
     */
    private static JsonNode waitingReplicas(String service) {
        var out = EventCodec.mapper().createArrayNode();
        String sched = System.getenv().getOrDefault("CAPSTAN_SCHEDULER", "http://127.0.0.1:8082");
        try {
            HttpResponse<String> s = HTTP.send(HttpRequest.newBuilder(URI.create(sched + "/api/v1/scheduler/state"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (s.statusCode() == 200) {
                java.util.regex.Pattern replica = java.util.regex.Pattern.compile(
                        java.util.regex.Pattern.quote(service) + "-v[0-9]+-[0-9]+");
                EventCodec.mapper().readTree(s.body()).path("queues").forEach(q -> q.forEach(w -> {
                    if (replica.matcher(w.path("workloadId").asText()).matches()) {
                        out.add(w);
                    }
                }));
            }
        } catch (java.io.IOException e) {
            // the scheduler is restarting: nothing to add
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** What an API answered: its status and body. */
    private record Reply(int statusCode, String body) {
    }

    private static String arg(String[] args) {
        if (args.length < 2) {
            usage();
        }
        return args[1];
    }

    private static Reply send(HttpRequest.Builder b) throws Exception {
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (java.net.ConnectException e) {
            System.err.println("capstan: cannot reach the API; is ./capstan up running?");
            System.exit(1);
            return null;
        }
    }

    private static void usage() {
        System.err.println("usage: ./capstan apply -f FILE.yaml | get trainingjobs|inferenceservices|experiments|all "
                + "[NAME] [-o yaml|json] | describe KIND NAME | submit FILE.yaml | list [status=RUNNING&queue=q] | describe ID|SERVICE"
                + " | cancel ID | serve FILE.yaml | services | unserve SERVICE [REASON] | nodes | models [describe NAME | history NAME ALIAS] | promote NAME ALIAS VERSION [--reason TEXT]"
                + " | rollback NAME ALIAS [--to VERSION] [--reason TEXT] | tune FILE | experiments [stop NAME [REASON]]");
        System.exit(2);
    }
}

package dev.capstan.localstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The model-registry commands of {@code ./capstan}: list models, describe one (aliases, versions and the training
 * job each came from), an alias's history, promote, roll back. They talk to the registry's REST API at
 * {@code $CAPSTAN_REGISTRY} (default http://127.0.0.1:8085) and act as {@code $CAPSTAN_USER} (default: the login
 * name), which the registry records with every move.
 */
public final class ModelCommands {

    /** Where {@code ./capstan up} serves the registry. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8085";
    /** The registry's largest page. */
    private static final int PAGE = 1000;
    static final String USAGE = """
            usage: ./capstan models                                   the registered models
                   ./capstan models describe NAME                     aliases, versions and where each came from
                   ./capstan models history NAME ALIAS                every move of an alias, newest first
                   ./capstan promote NAME ALIAS VERSION [--reason TEXT]
                   ./capstan rollback NAME ALIAS [--to VERSION] [--reason TEXT]""";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String registryUrl;
    private final String models;
    private final String user;
    private final PrintStream out;
    private final PrintStream err;

    /** Commands against {@code registryUrl} as {@code user}, printing results to {@code out} and refusals to {@code err}. */
    public ModelCommands(String registryUrl, String user, PrintStream out, PrintStream err) {
        this.registryUrl = registryUrl;
        this.models = registryUrl + "/api/v1/models";
        this.user = user;
        this.out = out;
        this.err = err;
    }

    /** The commands as {@code ./capstan} runs them: address and user from the environment. */
    public static ModelCommands fromEnvironment() {
        String user = System.getenv("CAPSTAN_USER");
        return new ModelCommands(System.getenv().getOrDefault("CAPSTAN_REGISTRY", DEFAULT_URL),
                user == null || user.isBlank() ? System.getProperty("user.name") : user, System.out, System.err);
    }

    /** Whether {@code command} (the first word after {@code ./capstan}) is one of these. */
    public static boolean handles(String command) {
        return Set.of("models", "promote", "rollback").contains(command);
    }

    /**
     * Runs one command ({@code models …}, {@code promote …}, {@code rollback …}) and returns the exit status: 0 when
     * it was done, 1 when the registry refused or could not be reached, 2 for a malformed command line.
     */
    public int run(List<String> args) {
        try {
            Line line = Line.parse(args);
            switch (line.word(0)) {
                case "models" -> {
                    String sub = line.word(1);
                    switch (sub) {
                        case "", "list" -> {
                            line.expect(sub.isEmpty() ? 1 : 2, Set.of());
                            list();
                        }
                        case "describe" -> describe(line.expect(3, Set.of()).word(2));
                        case "history" -> history(line.expect(4, Set.of()).word(2), line.word(3));
                        default -> throw new Usage("unknown models command '" + sub + "'");
                    }
                }
                case "promote" -> {
                    line.expect(4, Set.of("reason"));
                    promote(line.word(1), line.word(2), version(line.word(3)), line.flag("reason"));
                }
                case "rollback" -> {
                    line.expect(3, Set.of("to", "reason"));
                    String to = line.flag("to");
                    rollback(line.word(1), line.word(2), to == null ? null : version(to), line.flag("reason"));
                }
                default -> throw new Usage("unknown command '" + line.word(0) + "'");
            }
            return 0;
        } catch (Usage u) {
            err.println("capstan: " + u.getMessage());
            err.println(USAGE);
            return 2;
        } catch (Refused r) {
            err.println(r.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("capstan: interrupted");
            return 1;
        }
    }

    // ---------------------------------------------------------------- commands

    private void list() throws Refused, InterruptedException {
        JsonNode page = get(models + "?size=" + PAGE).body();
        Table t = new Table("NAME", "QUEUE", "LATEST", "ALIASES", "UPDATED", "DESCRIPTION");
        page.path("items").forEach(m -> t.row(m.path("name").asText(), m.path("queue").asText(null),
                version(m.path("latestVersion")), aliases(m.path("aliases")), time(m.path("updatedAt")),
                m.path("description").asText(null)));
        if (t.size() == 0) {
            out.println("no models registered yet (a training job with an output registers one when it succeeds)");
            return;
        }
        t.print(out);
        out.println(shown(page, "model"));
    }

    private void describe(String name) throws Refused, InterruptedException {
        JsonNode m = get(model(name)).body();
        JsonNode aliases = get(model(name) + "/aliases").body();
        JsonNode versions = get(model(name) + "/versions?size=" + PAGE).body();
        Table about = new Table("model", m.path("name").asText());
        about.row("description", m.path("description").asText(null));
        about.row("queue", m.path("queue").asText(null));
        if (!m.path("tags").isEmpty()) {
            about.row("tags", pairs(m.path("tags")));
        }
        about.row("created", time(m.path("createdAt")) + " by " + m.path("createdBy").asText());
        about.row("latest", version(m.path("latestVersion")));
        about.print(out);
        out.println();
        if (aliases.isEmpty()) {
            out.println("no aliases (./capstan promote " + name + " ALIAS VERSION sets one)");
        } else {
            Table a = new Table("ALIAS", "VERSION", "SINCE", "REVISION");
            aliases.forEach(x -> a.row(x.path("alias").asText(), version(x.path("version")), time(x.path("movedAt")),
                    x.path("revision").asLong()));
            a.print(out);
        }
        out.println();
        Table v = new Table("VERSION", "STATUS", "FORMAT", "SOURCE (WORKLOAD#ATTEMPT)", "ALIASES", "CREATED", "BY",
                "ARTIFACT");
        versions.path("items").forEach(x -> v.row(version(x.path("version")), x.path("status").asText(),
                x.path("format").asText(null), source(x.path("source")), joined(x.path("aliases")),
                time(x.path("createdAt")), x.path("createdBy").asText(null), x.path("artifactUri").asText()));
        if (v.size() == 0) {
            out.println("no versions yet");
        } else {
            v.print(out);
            out.println(shown(versions, "version"));
        }
    }

    private void history(String name, String alias) throws Refused, InterruptedException {
        JsonNode page = get(model(name) + "/aliases/" + segment(alias) + "/history?size=" + PAGE).body();
        Table t = new Table("AT", "KIND", "FROM", "TO", "ACTOR", "REASON");
        page.path("items").forEach(x -> t.row(time(x.path("at")), x.path("kind").asText(),
                version(x.path("fromVersion")), version(x.path("toVersion")), x.path("actor").asText(null),
                x.path("reason").asText(null)));
        if (t.size() == 0) {
            out.println(name + "@" + alias + " has never been set");
            return;
        }
        t.print(out);
        out.println(shown(page, "move"));
    }

    private void promote(String name, String alias, int version, String reason)
            throws Refused, InterruptedException {
        // Move from what we read: if someone else moves the alias in between, the registry answers 412 rather
        // than this command reporting a "from" that was never true.
        Answer current = call(HttpRequest.newBuilder(URI.create(alias(name, alias))), Set.of(200, 404));
        ObjectNode body = EventCodec.mapper().createObjectNode().put("version", version);
        if (reason != null) {
            body.put("reason", reason);
        }
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(alias(name, alias)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (current.status() == 200 && current.etag() != null) {
            put.header("If-Match", current.etag());
        }
        JsonNode moved = send(put).body();
        String from = current.status() == 200 ? version(current.body().path("version")) : "(unset)";
        out.println(name + "@" + alias + ": " + from + " -> " + version(moved.path("version")) + "  (promoted by "
                + user + (reason == null ? "" : ": " + reason) + ")");
    }

    private void rollback(String name, String alias, Integer to, String reason)
            throws Refused, InterruptedException {
        Answer current = get(alias(name, alias));
        ObjectNode body = EventCodec.mapper().createObjectNode();
        if (reason != null) {
            body.put("reason", reason);
        }
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(alias(name, alias) + "/rollback"
                        + (to == null ? "" : "?to=" + to)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (current.etag() != null) {
            post.header("If-Match", current.etag());
        }
        JsonNode moved = send(post).body();
        out.println(name + "@" + alias + ": " + version(current.body().path("version")) + " -> "
                + version(moved.path("version")) + "  (rolled back by " + user
                + (reason == null ? "" : ": " + reason) + ")");
    }

    // ---------------------------------------------------------------- HTTP

    /** One answer of the registry. */
    private record Answer(int status, JsonNode body, String etag) {
    }

    private Answer get(String url) throws Refused, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)));
    }

    private Answer send(HttpRequest.Builder request) throws Refused, InterruptedException {
        return call(request, Set.of(200, 201));
    }

    private Answer call(HttpRequest.Builder request, Set<Integer> accepted) throws Refused, InterruptedException {
        HttpResponse<String> r;
        try {
            r = HTTP.send(request.header("Accept", "application/json").header("X-Capstan-User", user)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Refused("capstan: cannot reach the model registry at " + registryUrl
                    + "; is ./capstan up running? (CAPSTAN_REGISTRY sets another address)");
        } catch (IOException e) {
            throw new Refused("capstan: talking to the model registry at " + registryUrl + " failed: " + e);
        }
        JsonNode body = parse(r.body());
        if (!accepted.contains(r.statusCode())) {
            throw new Refused(problem(r.statusCode(), body, r.body()));
        }
        return new Answer(r.statusCode(), body, r.headers().firstValue("ETag").orElse(null));
    }

    /** What a refusal means, from its problem+json: title, detail, each invalid field, and what to do on a 412. */
    static String problem(int status, JsonNode problem, String raw) {
        if (problem == null || !problem.has("title")) {
            return "capstan: the model registry answered HTTP " + status + (raw.isBlank() ? "" : ": " + raw.strip());
        }
        StringBuilder s = new StringBuilder("capstan: ").append(switch (status) {
            case 404 -> "not found";
            case 409 -> "refused";
            case 412 -> "the alias moved while this command ran";
            case 400, 422 -> "invalid request";
            default -> problem.path("title").asText().toLowerCase();
        }).append(" (").append(status).append(' ').append(problem.path("title").asText()).append(')');
        String detail = problem.path("detail").asText("");
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add("  " + e.path("field").asText() + ": "
                + e.path("message").asText()));
        if (fields.isEmpty() && !detail.isBlank()) {
            s.append(": ").append(detail); // with field errors the detail only repeats them
        }
        fields.forEach(f -> s.append('\n').append(f));
        if (status == 412) {
            s.append("\n  someone else moved it after this command read it; look at ./capstan models history and try"
                    + " again");
        }
        return s.toString();
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return EventCodec.mapper().readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    private String model(String name) {
        return models + "/" + segment(name);
    }

    private String alias(String name, String alias) {
        return model(name) + "/aliases/" + segment(alias);
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---------------------------------------------------------------- formatting

    private static String version(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? null : "v" + v.asInt();
    }

    private static String source(JsonNode s) {
        if (s == null || s.isNull() || s.path("workloadId").isNull() || s.path("workloadId").isMissingNode()) {
            return null;
        }
        return s.path("workloadId").asText() + (s.path("attempt").isNull() || s.path("attempt").isMissingNode() ? ""
                : "#" + s.path("attempt").asInt());
    }

    private static String aliases(JsonNode aliases) {
        StringJoiner j = new StringJoiner(", ");
        aliases.fields().forEachRemaining(e -> j.add(e.getKey() + "=v" + e.getValue().asInt()));
        return j.toString();
    }

    private static String pairs(JsonNode map) {
        StringJoiner j = new StringJoiner(", ");
        map.fields().forEachRemaining(e -> j.add(e.getKey() + "=" + e.getValue().asText()));
        return j.toString();
    }

    private static String joined(JsonNode array) {
        StringJoiner j = new StringJoiner(", ");
        array.forEach(x -> j.add(x.asText()));
        return j.toString();
    }

    private static String time(JsonNode t) {
        if (t == null || t.isNull() || t.isMissingNode()) {
            return null;
        }
        try {
            return Instant.parse(t.asText()).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (RuntimeException notAnInstant) {
            return t.asText();
        }
    }

    private static String shown(JsonNode page, String what) {
        long total = page.path("total").asLong();
        int items = page.path("items").size();
        String noun = total == 1 ? what : what + "s";
        return items < total ? "(newest " + items + " of " + total + " " + noun + ")" : "(" + total + " " + noun + ")";
    }

    /** {@code 3} or {@code v3}. */
    private static int version(String s) throws Usage {
        String digits = s.startsWith("v") ? s.substring(1) : s;
        try {
            int v = Integer.parseInt(digits);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new Usage("'" + s + "' is not a version number (1, 2, … or v1, v2, …)");
    }

    // ---------------------------------------------------------------- command line

    /** Words and {@code --flag VALUE} (or {@code --flag=VALUE}) options, in any order. */
    private record Line(List<String> positional, Map<String, String> flags) {

        static Line parse(List<String> args) throws Usage {
            List<String> words = new ArrayList<>();
            Map<String, String> flags = new LinkedHashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.startsWith("--")) {
                    int eq = a.indexOf('=');
                    String name = eq > 0 ? a.substring(2, eq) : a.substring(2);
                    if (eq < 0 && i + 1 >= args.size()) {
                        throw new Usage("--" + name + " needs a value");
                    }
                    flags.put(name, eq > 0 ? a.substring(eq + 1) : args.get(++i));
                } else {
                    words.add(a);
                }
            }
            return new Line(words, flags);
        }

        String word(int i) {
            return i < positional.size() ? positional.get(i) : "";
        }

        String flag(String name) {
            return flags.get(name);
        }

        /** Checks the number of words and the options this command takes. */
        Line expect(int words, Set<String> options) throws Usage {
            if (positional.size() != words) {
                throw new Usage(positional.size() < words ? "missing arguments" : "too many arguments: "
                        + String.join(" ", positional.subList(words, positional.size())));
            }
            for (String f : flags.keySet()) {
                if (!options.contains(f)) {
                    throw new Usage("unknown option --" + f);
                }
            }
            return this;
        }
    }

    /** A malformed command line. */
    private static final class Usage extends Exception {
        Usage(String message) {
            super(message);
        }
    }

    /** The registry refused, or could not be reached; the message is what the user reads. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }
}

package dev.capstan.rest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;

/**
 * Malformed input for the services' REST APIs, generated with jqwik, and a runner that sends it and keeps what the
 * API answered: no request may get a 5xx, and every refusal must be problem+json with the response's status.
 */
public final class Fuzz {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();

    // ---- generators -------------------------------------------------------------------------------------------

    /** Strings with control characters, quotes, backslashes, odd Unicode and overlong runs. */
    public static StringArbitrary text() {
        return Arbitraries.strings().withCharRange('\u0000', '\u001f').withCharRange(' ', '~')
                .withChars('\u00e9', '\u2028', '\u202e', '\ufeff', '\ud83d', '\ude80', '"', '\\').ofMaxLength(60);
    }

    /** Text or the values a parser trips over: numbers out of range, JSON words, path tricks, long runs. */
    public static Arbitrary<String> junk() {
        return Arbitraries.oneOf(text(), Arbitraries.of("", "-1", "0", "1e9", "2147483648", "9999999999999999999",
                "NaN", "null", "true", "[]", "{}", "%", "..", "../..", "2026-13-45T99:00:00Z", "a".repeat(300)));
    }

    /** Any JSON value, nested up to {@code depth}. */
    public static Arbitrary<JsonNode> value(int depth) {
        var f = JSON.getNodeFactory();
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                Arbitraries.just(f.nullNode()), Arbitraries.of(true, false).map(f::booleanNode),
                Arbitraries.longs().map(f::numberNode), Arbitraries.integers().between(-3, 5).map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(18), BigInteger.TEN.pow(40)).map(f::numberNode),
                text().map(f::textNode));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> array = value(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode a = JSON.createArrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(text().ofMaxLength(12).list().ofMaxSize(4),
                value(depth - 1).list().ofSize(4)).as((keys, values) -> {
                    ObjectNode o = JSON.createObjectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        o.set(keys.get(i), values.get(i));
                    }
                    return o;
                });
        return Arbitraries.frequencyOf(Tuple.of(4, scalar), Tuple.of(1, array), Tuple.of(1, object));
    }

    /**
     * Bodies for an endpoint whose valid body is {@code valid}: any JSON value, the valid body with one of
     * {@code fields} (paths like {@code a.b} or {@code a[0]}) replaced by a value of any type or by odd text, the
     * valid body truncated, and text that is not JSON.
     */
    public static Arbitrary<String> bodies(String valid, List<String> fields) {
        JsonNode base = parse(valid);
        Arbitrary<String> anyValue = value(3).map(JsonNode::toString);
        Arbitrary<String> oneFieldReplaced = Combinators.combine(Arbitraries.of(fields), value(2)).as((field, v) -> {
            ObjectNode body = (ObjectNode) base.deepCopy();
            set(body, field, v);
            return body.toString();
        });
        Arbitrary<String> oddText = Combinators.combine(Arbitraries.of(fields), text()).as((field, s) -> {
            ObjectNode body = (ObjectNode) base.deepCopy();
            set(body, field, JSON.getNodeFactory().textNode(s));
            return body.toString();
        });
        String compact = base.toString();
        Arbitrary<String> truncated = Arbitraries.integers().between(0, compact.length() - 1)
                .map(n -> compact.substring(0, n));
        return Arbitraries.frequencyOf(Tuple.of(2, anyValue), Tuple.of(4, oneFieldReplaced), Tuple.of(2, oddText),
                Tuple.of(1, truncated), Tuple.of(1, text().ofMaxLength(200)));
    }

    /** Sets the value at {@code path} ({@code a}, {@code a.b}, {@code a[0]}), creating objects on the way. */
    public static void set(ObjectNode root, String path, JsonNode v) {
        int bracket = path.indexOf('[');
        if (bracket > 0 && path.endsWith("]") && path.indexOf('.') < 0) {
            JsonNode array = root.get(path.substring(0, bracket));
            if (array instanceof ArrayNode a && a.size() > 0) {
                a.set(Integer.parseInt(path.substring(bracket + 1, path.length() - 1)), v);
                return;
            }
        }
        int dot = path.indexOf('.');
        if (dot < 0) {
            root.set(path, v);
        } else {
            JsonNode child = root.get(path.substring(0, dot));
            ObjectNode o = child instanceof ObjectNode c ? c : root.putObject(path.substring(0, dot));
            set(o, path.substring(dot + 1), v);
        }
    }

    /** URL-encodes a generated string for a query parameter or a path segment. */
    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ---- sending and checking ---------------------------------------------------------------------------------

    /**
     * GETs {@code base/<junk>} {@code n} times, with the same junk in {@code queryParameter} when it is not null:
     * the unknown ids and paths of an API.
     */
    public Fuzz junkUnder(java.net.URI base, String queryParameter, int n) throws Exception {
        return run(junk().filter(s -> !s.isEmpty()).sampleStream().limit(n).toList(),
                j -> HttpRequest.newBuilder(java.net.URI.create(base + "/" + enc(j)
                        + (queryParameter == null ? "" : "?" + queryParameter + "=" + enc(j)))).GET().build());
    }

    private java.util.function.Predicate<HttpResponse<String>> refusalShape = Fuzz::isProblem;

    /** Sends one request per input (8 in flight) and checks every answer. */
    public <T> Fuzz run(List<T> inputs, Function<T, HttpRequest> request) throws Exception {
        Semaphore inFlight = new Semaphore(8);
        List<CompletableFuture<Void>> all = new ArrayList<>(inputs.size());
        for (T input : inputs) {
            inFlight.acquire();
            HttpRequest r = request.apply(input);
            all.add(HTTP.sendAsync(r, HttpResponse.BodyHandlers.ofString()).handle((resp, e) -> {
                inFlight.release();
                check(String.valueOf(input), r, resp, e);
                return null;
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        return this;
    }

    private void check(String input, HttpRequest r, HttpResponse<String> resp, Throwable e) {
        if (e != null) {
            violations.add(r.method() + " " + r.uri().getRawPath() + " " + input + " -> " + e);
            return;
        }
        int status = resp.statusCode();
        statuses.merge(status, 1, Integer::sum);
        if (status >= 500 || (status >= 400 && !refusalShape.test(resp))) {
            violations.add(r.method() + " " + r.uri().getRawPath() + " " + input + " -> " + status + " "
                    + resp.headers().firstValue("Content-Type").orElse("") + " " + resp.body());
        }
    }

    /**
     * Checks refusals (4xx) with {@code shape} instead of {@link #isProblem}: for an API whose clients expect another
     * error format (MLflow's {@code error_code} and {@code message}).
     */
    public Fuzz refusalsShaped(java.util.function.Predicate<HttpResponse<String>> shape) {
        this.refusalShape = shape;
        return this;
    }

    /** problem+json whose {@code status} is the response's. */
    public static boolean isProblem(HttpResponse<String> resp) {
        try {
            return resp.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                    && JSON.readTree(resp.body()).path("status").asInt() == resp.statusCode();
        } catch (java.io.IOException notJson) {
            return false;
        }
    }

    /** How many answers had each status. */
    public Map<Integer, Integer> statuses() {
        return new TreeMap<>(statuses);
    }

    /** The requests that got a 5xx or a refusal of the wrong shape. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** One line for the test log, and the first violations for the assertion message. */
    public String report(String what) {
        int total = statuses.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("[fuzz] " + what + ": " + total + " requests, statuses " + statuses());
        return violations.stream().limit(10).collect(Collectors.joining("\n"));
    }
}

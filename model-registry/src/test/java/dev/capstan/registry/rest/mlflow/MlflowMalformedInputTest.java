package dev.capstan.registry.rest.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.registry.rest.Fixtures;
import dev.capstan.rest.testing.Fuzz;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generated malformed requests ({@link Fuzz}) against the MLflow-compatible API, registry and tracking: no 5xx, and
 * every refusal in MLflow's own error shape ({@code error_code} and {@code message}, JSON), which MLflow clients
 * parse. 19,000 bodies (each POST/PATCH endpoint's valid body with one field replaced by a value of any type or odd
 * text, any JSON value, truncated JSON, text) and 10,000 requests with junk in every query parameter.
 */
@QuarkusTest
class MlflowMalformedInputTest {

    @TestHTTPResource("/api/2.0/mlflow")
    URI mlflow;

    String model;
    String experiment;
    String run;

    @BeforeEach
    void aModelWithAVersionAndARun() {
        model = Fixtures.uniqueModel("mlfuzz");
        Fixtures.modelWithVersions(model, 2);
        experiment = MlflowApi.post("experiments/create", java.util.Map.of("name", model)).statusCode(200)
                .extract().path("experiment_id");
        run = MlflowApi.post("runs/create", java.util.Map.of("experiment_id", experiment)).statusCode(200)
                .extract().path("run.info.run_id");
    }

    /** One endpoint taking a body: its method, path, a valid body and the fields a mutation may replace. */
    record Endpoint(String method, String path, String valid, List<String> fields) {
    }

    @Test
    void malformedBodiesNeverGet5xxAndEveryRefusalIsAnMlflowError() throws Exception {
        String n = "\"name\":\"" + model + "\"";
        String r = "\"run_id\":\"" + run + "\"";
        List<Endpoint> endpoints = List.of(
                new Endpoint("POST", "/registered-models/create",
                        "{\"name\":\"mlfuzz-new\",\"tags\":[{\"key\":\"k\",\"value\":\"v\"}],\"description\":\"d\"}",
                        List.of("name", "tags", "tags[0]", "tags[0].key", "tags[0].value", "description", "x")),
                new Endpoint("PATCH", "/registered-models/update", "{" + n + ",\"description\":\"d\"}",
                        List.of("name", "description", "x")),
                new Endpoint("POST", "/registered-models/rename", "{" + n + ",\"new_name\":\"" + model + "\"}",
                        List.of("name", "new_name")),
                new Endpoint("POST", "/registered-models/get-latest-versions", "{" + n + ",\"stages\":[\"None\"]}",
                        List.of("name", "stages", "stages[0]")),
                new Endpoint("POST", "/registered-models/set-tag", "{" + n + ",\"key\":\"k\",\"value\":\"v\"}",
                        List.of("name", "key", "value")),
                new Endpoint("POST", "/registered-models/alias", "{" + n + ",\"alias\":\"champion\",\"version\":\"1\"}",
                        List.of("name", "alias", "version")),
                new Endpoint("POST", "/model-versions/create",
                        "{" + n + ",\"source\":\"s3://fuzz/m\",\"run_id\":\"r1\",\"tags\":[{\"key\":\"k\",\"value\":"
                                + "\"v\"}],\"run_link\":\"http://x\",\"description\":\"d\"}",
                        List.of("name", "source", "run_id", "tags", "tags[0].key", "run_link", "description")),
                new Endpoint("PATCH", "/model-versions/update", "{" + n + ",\"version\":\"1\",\"description\":\"d\"}",
                        List.of("name", "version", "description")),
                new Endpoint("POST", "/model-versions/set-tag",
                        "{" + n + ",\"version\":\"1\",\"key\":\"k\",\"value\":\"v\"}",
                        List.of("name", "version", "key", "value")),
                new Endpoint("POST", "/model-versions/transition-stage",
                        "{" + n + ",\"version\":\"1\",\"stage\":\"Production\",\"archive_existing_versions\":false}",
                        List.of("name", "version", "stage", "archive_existing_versions")),
                new Endpoint("POST", "/experiments/create", "{\"name\":\"" + model + "-x\",\"artifact_location\":"
                        + "\"s3://fuzz/x\",\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}",
                        List.of("name", "artifact_location", "tags", "tags[0]", "tags[0].key", "tags[0].value")),
                new Endpoint("POST", "/experiments/search", "{\"max_results\":5,\"filter\":\"name LIKE 'mlfuzz%'\","
                        + "\"order_by\":[\"name DESC\"],\"view_type\":\"ALL\",\"page_token\":\"\"}",
                        List.of("max_results", "filter", "order_by", "order_by[0]", "view_type", "page_token")),
                new Endpoint("POST", "/runs/create", "{\"experiment_id\":\"" + experiment + "\",\"run_name\":\"r\","
                        + "\"user_id\":\"u\",\"start_time\":1,\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}",
                        List.of("experiment_id", "run_name", "user_id", "start_time", "tags", "tags[0].key")),
                new Endpoint("POST", "/runs/update", "{" + r + ",\"status\":\"FINISHED\",\"end_time\":2,"
                        + "\"run_name\":\"r\"}", List.of("run_id", "status", "end_time", "run_name")),
                new Endpoint("POST", "/runs/search", "{\"experiment_ids\":[\"" + experiment + "\"],\"filter\":"
                        + "\"metrics.m > 0 and params.p = 'v'\",\"max_results\":5,\"order_by\":[\"metrics.m DESC\"],"
                        + "\"page_token\":\"\",\"run_view_type\":\"ACTIVE_ONLY\"}",
                        List.of("experiment_ids", "experiment_ids[0]", "filter", "max_results", "order_by",
                                "order_by[0]", "page_token", "run_view_type")),
                new Endpoint("POST", "/runs/log-metric", "{" + r + ",\"key\":\"m\",\"value\":0.5,"
                        + "\"timestamp\":1,\"step\":1}", List.of("run_id", "key", "value", "timestamp", "step")),
                new Endpoint("POST", "/runs/log-batch", "{" + r + ",\"metrics\":[{\"key\":\"m\",\"value\":1,"
                        + "\"timestamp\":1,\"step\":2}],\"params\":[{\"key\":\"p\",\"value\":\"v\"}],"
                        + "\"tags\":[{\"key\":\"t\",\"value\":\"v\"}]}",
                        List.of("run_id", "metrics", "metrics[0]", "params", "params[0]", "tags", "tags[0]")),
                new Endpoint("POST", "/runs/log-parameter", "{" + r + ",\"key\":\"p\",\"value\":\"v\"}",
                        List.of("run_id", "key", "value")),
                new Endpoint("POST", "/runs/set-tag", "{" + r + ",\"key\":\"t\",\"value\":\"v\"}",
                        List.of("run_id", "key", "value")));
        Fuzz fuzz = new Fuzz().refusalsShaped(MlflowMalformedInputTest::isMlflowError);
        for (Endpoint e : endpoints) {
            fuzz.run(Fuzz.bodies(e.valid(), e.fields()).sampleStream().limit(1_000).toList(),
                    b -> HttpRequest.newBuilder(URI.create(mlflow + e.path()))
                            .header("Content-Type", "application/json")
                            .method(e.method(), HttpRequest.BodyPublishers.ofString(b)).build());
        }

        String firstViolations = fuzz.report("MLflow bodies");
        assertThat(fuzz.violations()).as(firstViolations).isEmpty();
        assertThat(fuzz.statuses().keySet()).contains(400);
    }

    @Test
    void junkParametersNeverGet5xxAndEveryRefusalIsAnMlflowError() throws Exception {
        Arbitrary<String> queries = Combinators.combine(Fuzz.junk(), Fuzz.junk(), Arbitraries.integers().between(0, 13))
                .as((a, b, which) -> {
                    String x = Fuzz.enc(a);
                    String y = Fuzz.enc(b);
                    return switch (which) {
                        case 0 -> "/registered-models/get?name=" + x;
                        case 1 -> "/registered-models/search?filter=" + x + "&max_results=" + y;
                        case 2 -> "/registered-models/search?order_by=" + x + "&page_token=" + y;
                        case 3 -> "/registered-models/get-latest-versions?name=" + x + "&stages=" + y;
                        case 4 -> "/registered-models/alias?name=" + model + "&alias=" + x;
                        case 5 -> "/model-versions/get?name=" + model + "&version=" + x;
                        case 6 -> "/model-versions/search?filter=" + x + "&max_results=" + y;
                        case 7 -> "/model-versions/get-download-uri?name=" + x + "&version=" + y;
                        case 9 -> "/experiments/get?experiment_id=" + x;
                        case 10 -> "/experiments/get-by-name?experiment_name=" + x;
                        case 11 -> "/experiments/search?filter=" + x + "&max_results=" + y + "&order_by=" + x;
                        case 12 -> "/runs/get?run_id=" + x;
                        case 13 -> "/metrics/get-history?run_id=" + run + "&metric_key=" + x + "&page_token=" + y
                                + "&max_results=" + x;
                        default -> "/model-versions/search?filter=name%3D'" + x + "'&page_token=" + y;
                    };
                });

        Fuzz fuzz = new Fuzz().refusalsShaped(MlflowMalformedInputTest::isMlflowError)
                .run(queries.sampleStream().limit(10_000).toList(),
                        q -> HttpRequest.newBuilder(URI.create(mlflow + q)).GET().build());

        String firstViolations = fuzz.report("MLflow parameters");
        assertThat(fuzz.violations()).as(firstViolations).isEmpty();
        assertThat(fuzz.statuses().keySet()).contains(400, 404);
    }

    /** A body over the size limit (1 MiB) is refused in MLflow's shape too, declared or chunked. */
    @Test
    void aBodyOverTheLimitIsRefusedInMlflowsShape() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        URI create = URI.create(mlflow + "/registered-models/create");
        for (HttpRequest.BodyPublisher body : List.of(HttpRequest.BodyPublishers.ofString(big),
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes(
                        java.nio.charset.StandardCharsets.UTF_8))))) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(create).header("Content-Type", "application/json")
                    .POST(body).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(isMlflowError(r)).as(r.body()).isTrue();
        }
    }

    /** MLflow's error body: JSON with an {@code error_code} and a {@code message}. */
    static boolean isMlflowError(HttpResponse<String> resp) {
        try {
            var body = Fuzz.JSON.readTree(resp.body());
            return resp.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                    && body.path("error_code").isTextual() && body.path("message").isTextual();
        } catch (java.io.IOException notJson) {
            return false;
        }
    }
}

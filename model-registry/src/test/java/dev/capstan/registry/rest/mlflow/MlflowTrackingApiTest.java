package dev.capstan.registry.rest.mlflow;

import static dev.capstan.registry.rest.mlflow.MlflowApi.BASE;
import static dev.capstan.registry.rest.mlflow.MlflowApi.get;
import static dev.capstan.registry.rest.mlflow.MlflowApi.post;
import static dev.capstan.registry.rest.mlflow.MlflowApi.uniqueName;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The MLflow tracking endpoints over plain HTTP, as MLflow's REST docs show them, against the real database and
 * broker: the shapes MLflow clients read, MLflow's rules for what a run accepts (immutable params, batch limits, key
 * names, NaN), its error codes, and the searches' filters, orders and pages.
 */
@QuarkusTest
class MlflowTrackingApiTest {

    private static final long T0 = 1_767_000_000_000L;

    @Test
    void experimentsAreCreatedReadAndSearched() {
        String prefix = uniqueName("exp");
        String a = createExperiment(prefix + "-a", List.of(Map.of("key", "team", "value", "risk")), "s3://b/a");
        String b = createExperiment(prefix + "-b", List.of(), null);
        get("experiments/get", Map.of("experiment_id", a)).statusCode(200)
                .body("experiment.experiment_id", equalTo(a))
                .body("experiment.name", equalTo(prefix + "-a"))
                .body("experiment.artifact_location", equalTo("s3://b/a"))
                .body("experiment.lifecycle_stage", equalTo("active"))
                .body("experiment.creation_time", notNullValue())
                .body("experiment.last_update_time", notNullValue())
                .body("experiment.tags", contains(Map.of("key", "team", "value", "risk")));
        get("experiments/get-by-name", Map.of("experiment_name", prefix + "-b")).statusCode(200)
                .body("experiment.experiment_id", equalTo(b))
                .body("experiment.artifact_location", equalTo("mlflow-artifacts:/" + b));
        get("experiments/get", Map.of("experiment_id", "0")).statusCode(200)
                .body("experiment.name", equalTo("Default"));

        mlflowError(get("experiments/get-by-name", Map.of("experiment_name", prefix + "-c")), 404,
                "RESOURCE_DOES_NOT_EXIST");
        mlflowError(get("experiments/get", Map.of("experiment_id", "987654321987")), 404, "RESOURCE_DOES_NOT_EXIST");
        mlflowError(get("experiments/get", Map.of("experiment_id", "abc")), 400, "INVALID_PARAMETER_VALUE");
        mlflowError(post("experiments/create", Map.of("name", prefix + "-a")), 400, "RESOURCE_ALREADY_EXISTS");
        mlflowError(post("experiments/create", Map.of("artifact_location", "s3://x")), 400, "INVALID_PARAMETER_VALUE")
                .body("message", containsString("name"));

        String like = prefix + "-%";
        post("experiments/search", Map.of("filter", "name LIKE '" + like + "'", "order_by", List.of("name DESC")))
                .statusCode(200).body("experiments.name", contains(prefix + "-b", prefix + "-a"))
                .body("next_page_token", nullValue());
        String token = post("experiments/search", Map.of("filter", "name LIKE '" + like + "'", "max_results", 1,
                "order_by", List.of("name ASC"))).statusCode(200).body("experiments.name", contains(prefix + "-a"))
                .extract().path("next_page_token");
        get("experiments/search", Map.of("filter", "name LIKE '" + like + "'", "max_results", "1", "order_by",
                "name ASC", "page_token", token)).statusCode(200).body("experiments.name", contains(prefix + "-b"))
                .body("next_page_token", nullValue());
        post("experiments/search", Map.of("filter", "name LIKE '" + like + "' AND tags.team = 'risk'"))
                .statusCode(200).body("experiments.experiment_id", contains(a));
        post("experiments/search", Map.of("filter", "name LIKE '" + like + "'", "view_type", "DELETED_ONLY"))
                .statusCode(200).body("experiments", empty());
        mlflowError(post("experiments/search", Map.of("filter", "name = 'a' OR name = 'b'")), 400,
                "INVALID_PARAMETER_VALUE").body("message", containsString("OR"));
        mlflowError(post("experiments/search", Map.of("order_by", List.of("metrics.loss"))), 400,
                "INVALID_PARAMETER_VALUE").body("message", containsString("attributes only"));
    }

    @Test
    void runsAreCreatedNamedUpdatedAndReadInMlflowsShape() {
        String exp = createExperiment(uniqueName("runs"), List.of(), null);
        String run = post("runs/create", Map.of("experiment_id", exp, "start_time", T0, "user_id", "ana"))
                .statusCode(200)
                .body("run.info.run_id", matchesPattern("[0-9a-f]{32}"))
                .body("run.info.run_name", matchesPattern("run-[0-9a-f]{8}"))
                .body("run.info.experiment_id", equalTo(exp))
                .body("run.info.user_id", equalTo("ana"))
                .body("run.info.status", equalTo("RUNNING"))
                .body("run.info.start_time", equalTo(T0))
                .body("run.info.end_time", nullValue())
                .body("run.info.lifecycle_stage", equalTo("active"))
                .body("run.data.metrics", empty())
                .extract().path("run.info.run_id");
        get("runs/get", Map.of("run_id", run)).statusCode(200)
                .body("run.info.run_uuid", equalTo(run))
                .body("run.info.artifact_uri", equalTo("mlflow-artifacts:/" + exp + "/" + run + "/artifacts"))
                .body("run.inputs", equalTo(Map.of()));
        String name = get("runs/get", Map.of("run_uuid", run)).extract().path("run.info.run_name");
        get("runs/get", Map.of("run_id", run)).body("run.data.tags", hasItem(Map.of("key", "mlflow.runName",
                "value", name)));

        post("runs/update", Map.of("run_id", run, "status", "KILLED", "end_time", T0 + 5000, "run_name", "renamed"))
                .statusCode(200)
                .body("run_info.status", equalTo("KILLED"))
                .body("run_info.end_time", equalTo(T0 + 5000))
                .body("run_info.run_name", equalTo("renamed"));
        get("runs/get", Map.of("run_id", run)).body("run.data.tags", hasItem(Map.of("key", "mlflow.runName",
                "value", "renamed")));
        post("runs/set-tag", Map.of("run_id", run, "key", "mlflow.runName", "value", "tagged")).statusCode(200)
                .body(equalTo("{}"));
        get("runs/get", Map.of("run_id", run)).body("run.info.run_name", equalTo("tagged"));
        mlflowError(post("runs/update", Map.of("run_id", run, "status", "DONE")), 400, "INVALID_PARAMETER_VALUE")
                .body("message", containsString("status"));

        post("runs/create", Map.of("experiment_id", exp, "tags", List.of(Map.of("key", "mlflow.runName",
                "value", "from-tag")))).statusCode(200).body("run.info.run_name", equalTo("from-tag"));
        mlflowError(post("runs/create", Map.of("experiment_id", exp, "run_name", "a", "tags",
                List.of(Map.of("key", "mlflow.runName", "value", "b")))), 400, "INVALID_PARAMETER_VALUE")
                .body("message", containsString("mlflow.runName"));
        post("runs/create", Map.of("run_name", "in-default")).statusCode(200)
                .body("run.info.experiment_id", equalTo("0"));
        mlflowError(post("runs/create", Map.of("experiment_id", "987654321987")), 404, "RESOURCE_DOES_NOT_EXIST");
        mlflowError(post("runs/create", Map.of("experiment_id", 5)), 400, "INVALID_PARAMETER_VALUE")
                .body("message", containsString("experiment_id"));
        mlflowError(post("runs/delete", Map.of("run_id", run)), 404, "ENDPOINT_NOT_FOUND");
        get("runs/get", Map.of("run_id", run)).statusCode(200);
    }

    @Test
    void aRunAcceptsWhatMlflowAcceptsAndRefusesWhatItRefuses() {
        String run = createRun(createExperiment(uniqueName("log"), List.of(), null), "r");
        // protobuf's JSON, as MLflow's clients send it: 64-bit integers and NaN as strings
        postRaw("runs/log-metric", "{\"run_id\":\"" + run + "\",\"key\":\"loss\",\"value\":\"NaN\","
                + "\"timestamp\":\"1767000000000\",\"step\":\"3\"}").statusCode(200).body(equalTo("{}"));
        // Python's JSON, as MLflow's server reads it: a bare NaN and infinities
        postRaw("runs/log-metric", "{\"run_uuid\":\"" + run + "\",\"key\":\"loss\",\"value\":NaN,"
                + "\"timestamp\":1767000000001,\"step\":4}").statusCode(200);
        postRaw("runs/log-batch", "{\"run_id\":\"" + run + "\",\"metrics\":[{\"key\":\"loss\",\"value\":-Infinity,"
                + "\"timestamp\":1767000000002,\"step\":5},{\"key\":\"loss\",\"value\":\"Infinity\","
                + "\"timestamp\":1767000000003,\"step\":6}]}").statusCode(200);
        logMetric(run, "loss", 0.25, T0, 7).statusCode(200);
        logMetric(run, "loss", 0.25, T0, 7).statusCode(200); // a retried request
        String history = get("metrics/get-history", Map.of("run_id", run, "metric_key", "loss")).statusCode(200)
                .body("metrics.step", contains(3, 4, 5, 6, 7)).extract().asString();
        assertThat(history).contains("\"value\":\"NaN\"", "\"value\":\"-Infinity\"", "\"value\":\"Infinity\"",
                "\"value\":0.25");
        get("metrics/get-history", Map.of("run_id", run, "metric_key", "never-logged")).statusCode(200)
                .body("metrics", empty());

        for (String bad : List.of("\"value\":\"abc\",\"timestamp\":1", "\"value\":true,\"timestamp\":1",
                "\"value\":1,\"timestamp\":1.5", "\"value\":1,\"timestamp\":-1", "\"value\":1",
                "\"timestamp\":1")) {
            mlflowError(postRaw("runs/log-metric", "{\"run_id\":\"" + run + "\",\"key\":\"loss\"," + bad + "}"),
                    400, "INVALID_PARAMETER_VALUE");
        }
        for (String key : List.of("a//b", "./a", "/a", "a/", "..", "bad*key", "")) {
            mlflowError(logMetric(run, key, 1, T0, 0), 400, "INVALID_PARAMETER_VALUE");
        }
        mlflowError(postRaw("runs/log-parameter", "{\"run_id\":\"" + run + "\",\"key\":5,\"value\":\"v\"}"), 400,
                "INVALID_PARAMETER_VALUE").body("message", containsString("key"));
        mlflowError(postRaw("runs/log-parameter", "{\"run_id\":\"" + run + "\",\"key\":\"lr\",\"value\":0.1}"), 400,
                "INVALID_PARAMETER_VALUE").body("message", containsString("value"));
        mlflowError(post("runs/log-parameter", Map.of("run_id", run, "key", "long", "value", "x".repeat(6001))),
                400, "INVALID_PARAMETER_VALUE");

        post("runs/log-parameter", Map.of("run_id", run, "key", "lr", "value", "0.1")).statusCode(200);
        post("runs/log-parameter", Map.of("run_id", run, "key", "lr", "value", "0.1")).statusCode(200);
        mlflowError(post("runs/log-parameter", Map.of("run_id", run, "key", "lr", "value", "0.2")), 400,
                "INVALID_PARAMETER_VALUE").body("message", containsString("lr"));
        mlflowError(post("runs/log-batch", Map.of("run_id", run, "params", List.of(kv("opt", "adam"),
                kv("lr", "0.3")), "metrics", List.of(metric("acc", 0.5, 0)))), 400, "INVALID_PARAMETER_VALUE");
        mlflowError(post("runs/log-batch", Map.of("run_id", run, "params", List.of(kv("k", "a"), kv("k", "a")))),
                400, "INVALID_PARAMETER_VALUE").body("message", containsString("duplicate"));
        post("runs/set-tag", Map.of("run_id", run, "key", "team", "value", "risk")).statusCode(200);
        post("runs/set-tag", Map.of("run_id", run, "key", "team", "value", "fraud")).statusCode(200);
        get("runs/get", Map.of("run_id", run)).statusCode(200)
                .body("run.data.params", contains(kv("lr", "0.1")))
                .body("run.data.tags", hasItem(kv("team", "fraud")))
                .body("run.data.metrics.key", contains("loss"))
                .body("run.data.metrics[0].step", equalTo(7));
    }

    @Test
    void aBatchOverMlflowsLimitsIsRefusedWhole() {
        String run = createRun(createExperiment(uniqueName("batch"), List.of(), null), "r");
        record Case(String name, int metrics, int params, int tags, String field) {
        }
        for (Case c : List.of(new Case("1001 metrics", 1001, 0, 0, "metrics"),
                new Case("101 params", 0, 101, 0, "params"), new Case("101 tags", 0, 0, 101, "tags"),
                new Case("1001 in all", 900, 100, 1, "metrics, params, and tags"))) {
            mlflowError(post("runs/log-batch", batch(run, c.metrics(), c.params(), c.tags())), 400,
                    "INVALID_PARAMETER_VALUE").body("message", containsString(c.field()));
        }
        get("runs/get", Map.of("run_id", run)).body("run.data.metrics", empty()).body("run.data.params", empty());
        post("runs/log-batch", batch(run, 800, 100, 100)).statusCode(200);
        get("runs/get", Map.of("run_id", run)).body("run.data.metrics", hasSize(1))
                .body("run.data.params", hasSize(100));
        get("metrics/get-history", Map.of("run_id", run, "metric_key", "m")).body("metrics", hasSize(800));
    }

    @Test
    void aMissingRunIsResourceDoesNotExistEverywhere() {
        String missing = "fedcba9876543210fedcba9876543210";
        for (ValidatableResponse r : List.of(get("runs/get", Map.of("run_id", missing)),
                post("runs/update", Map.of("run_id", missing, "status", "FINISHED")),
                logMetric(missing, "loss", 1, T0, 0),
                post("runs/log-batch", Map.of("run_id", missing, "metrics", List.of(metric("m", 1, 0)))),
                post("runs/log-parameter", Map.of("run_id", missing, "key", "k", "value", "v")),
                post("runs/set-tag", Map.of("run_id", missing, "key", "k", "value", "v")),
                get("metrics/get-history", Map.of("run_id", missing, "metric_key", "loss")))) {
            mlflowError(r, 404, "RESOURCE_DOES_NOT_EXIST").body("message", containsString(missing));
        }
        mlflowError(post("runs/log-metric", Map.of("key", "loss", "value", 1, "timestamp", 1)), 400,
                "INVALID_PARAMETER_VALUE").body("message", containsString("run_id"));
    }

    @Test
    void runSearchesFilterOrderAndPage() {
        String exp = createExperiment(uniqueName("search"), List.of(), null);
        String a = createRun(exp, "a", T0);
        String b = createRun(exp, "b", T0 + 1000);
        String c = createRun(exp, "c", T0 + 2000);
        String d = createRun(exp, "d", T0 + 3000);
        post("runs/log-batch", Map.of("run_id", a, "metrics", List.of(metric("acc", 0.9, 0), metric("val/loss",
                0.2, 0)), "params", List.of(kv("lr", "0.01")), "tags", List.of(kv("team", "Risk")))).statusCode(200);
        post("runs/log-batch", Map.of("run_id", b, "metrics", List.of(metric("acc", 0.5, 0)), "params",
                List.of(kv("lr", "0.1")), "tags", List.of(kv("team", "fraud")))).statusCode(200);
        postRaw("runs/log-metric", "{\"run_id\":\"" + c + "\",\"key\":\"acc\",\"value\":NaN,\"timestamp\":1}")
                .statusCode(200);
        post("runs/update", Map.of("run_id", b, "status", "FINISHED", "end_time", T0 + 9000)).statusCode(200);
        post("runs/update", Map.of("run_id", c, "status", "KILLED")).statusCode(200);

        Map<String, List<String>> want = Map.ofEntries(
                Map.entry("metrics.acc >= 0.8", List.of(a)),
                Map.entry("metrics.acc != 0.5", List.of(c, a)),
                Map.entry("metrics.`val/loss` < 1", List.of(a)),
                Map.entry("metric.acc > 0 and params.lr = '0.1'", List.of(b)),
                Map.entry("params.lr LIKE '0.0%'", List.of(a)),
                Map.entry("tags.team ILIKE 'risk'", List.of(a)),
                Map.entry("tags.team != 'Risk'", List.of(b)),
                Map.entry("attributes.run_name = 'd'", List.of(d)),
                Map.entry("run_name ILIKE 'C'", List.of(c)),
                Map.entry("attributes.status IN ('FINISHED', 'KILLED')", List.of(c, b)),
                Map.entry("status = 'RUNNING'", List.of(d, a)),
                Map.entry("attributes.start_time > " + (T0 + 1500), List.of(d, c)),
                Map.entry("attributes.end_time <= " + (T0 + 9000), List.of(b)),
                Map.entry("attributes.run_id IN ('" + a + "', '" + d + "')", List.of(d, a)),
                Map.entry("", List.of(d, c, b, a)));
        want.forEach((filter, runs) -> searchRuns(Map.of("experiment_ids", List.of(exp), "filter", filter))
                .body("runs.info.run_id", contains(runs.toArray())));

        Map<String, List<String>> orders = Map.of(
                "metrics.acc DESC", List.of(a, b, c, d),
                "metrics.acc ASC", List.of(b, a, c, d),
                "params.lr DESC", List.of(b, a, d, c),
                "attributes.start_time ASC", List.of(a, b, c, d),
                "end_time DESC", List.of(b, d, c, a));
        orders.forEach((order, runs) -> searchRuns(Map.of("experiment_ids", List.of(exp), "order_by",
                List.of(order))).body("runs.info.run_id", contains(runs.toArray())));

        List<String> seen = new ArrayList<>();
        String token = "";
        do {
            ValidatableResponse page = searchRuns(Map.of("experiment_ids", List.of(exp), "max_results", 3,
                    "order_by", List.of("attributes.start_time ASC"), "page_token", token));
            seen.addAll(page.extract().path("runs.info.run_id"));
            token = page.extract().path("next_page_token");
        } while (token != null);
        assertThat(seen).containsExactly(a, b, c, d);

        searchRuns(Map.of("experiment_ids", List.of(exp), "max_results", 10)).body("runs[3].data.params",
                contains(kv("lr", "0.01"))).body("runs[3].data.metrics.key", containsInAnyOrder("acc", "val/loss"));
        searchRuns(Map.of("experiment_ids", List.of("987654321987"))).body("runs", empty());
        searchRuns(Map.of("experiment_ids", List.of())).body("runs", empty());
        searchRuns(Map.of("experiment_ids", List.of(exp), "run_view_type", "DELETED_ONLY")).body("runs", empty());
        for (String bad : List.of("metrics.acc > '0.5'", "params.lr > 0.1", "params.lr = 0.1",
                "metrics.acc > 0.5 OR params.lr = '0.1'", "(metrics.acc > 0.5)", "metrics.acc IS NULL",
                "attributes.artifact_uri = 'x'", "datasets.name = 'x'", "metrics.val/loss < 1",
                "attributes.run_id NOT IN ('a')")) {
            mlflowError(post("runs/search", Map.of("experiment_ids", List.of(exp), "filter", bad)), 400,
                    "INVALID_PARAMETER_VALUE").body("message", containsString("filter"));
        }
        mlflowError(post("runs/search", Map.of("experiment_ids", List.of("x"))), 400, "INVALID_PARAMETER_VALUE");
        mlflowError(post("runs/search", Map.of("experiment_ids", List.of(exp), "max_results", 50_001)), 400,
                "INVALID_PARAMETER_VALUE");
        mlflowError(post("runs/search", Map.of("experiment_ids", List.of(exp), "order_by", List.of("metrics.acc UP"))),
                400, "INVALID_PARAMETER_VALUE").body("message", containsString("order_by"));
    }

    /**
     * A history longer than one answer (3,000 points in tests) continues behind next_page_token; max_results is read
     * but, as on MLflow 2.x's server, does not shorten the answer.
     */
    @Test
    void aLongHistoryContinuesBehindAPageToken() {
        String run = createRun(createExperiment(uniqueName("history"), List.of(), null), "r");
        for (int from = 0; from < 3001; from += 1000) {
            int to = Math.min(from + 1000, 3001);
            post("runs/log-batch", Map.of("run_id", run, "metrics", IntStream.range(from, to)
                    .mapToObj(s -> metric("loss", 1.0 / (s + 1), s)).toList())).statusCode(200);
        }
        ValidatableResponse first = get("metrics/get-history", Map.of("run_id", run, "metric_key", "loss",
                "max_results", "2")).statusCode(200).body("metrics", hasSize(3000))
                .body("metrics[2999].step", equalTo(2999));
        String token = first.extract().path("next_page_token");
        get("metrics/get-history", Map.of("run_id", run, "metric_key", "loss", "page_token", token)).statusCode(200)
                .body("metrics.step", contains(3000)).body("next_page_token", nullValue());
        mlflowError(get("metrics/get-history", Map.of("run_id", run, "metric_key", "loss", "page_token", "x")), 400,
                "INVALID_PARAMETER_VALUE");
    }

    // ---------------------------------------------------------------- helpers

    private static String createExperiment(String name, List<Map<String, String>> tags, String artifactLocation) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "tags", tags));
        if (artifactLocation != null) {
            body.put("artifact_location", artifactLocation);
        }
        return post("experiments/create", body).statusCode(200).body("experiment_id", matchesPattern("[0-9]+"))
                .extract().path("experiment_id");
    }

    private static String createRun(String experiment, String name) {
        return createRun(experiment, name, T0);
    }

    private static String createRun(String experiment, String name, long start) {
        return post("runs/create", Map.of("experiment_id", experiment, "run_name", name, "start_time", start))
                .statusCode(200).extract().path("run.info.run_id");
    }

    private static ValidatableResponse logMetric(String run, String key, double value, long timestamp, long step) {
        return post("runs/log-metric", Map.of("run_id", run, "key", key, "value", value, "timestamp", timestamp,
                "step", step));
    }

    private static ValidatableResponse searchRuns(Map<String, Object> body) {
        return post("runs/search", body).statusCode(200);
    }

    private static ValidatableResponse postRaw(String path, String json) {
        return given().contentType(ContentType.JSON).body(json).post(BASE + path).then();
    }

    private static Map<String, Object> metric(String key, double value, long step) {
        return Map.of("key", key, "value", value, "timestamp", T0 + step, "step", step);
    }

    private static Map<String, String> kv(String key, String value) {
        return Map.of("key", key, "value", value);
    }

    private static Map<String, Object> batch(String run, int metrics, int params, int tags) {
        return Map.of("run_id", run,
                "metrics", IntStream.range(0, metrics).mapToObj(i -> metric("m", i, i)).toList(),
                "params", IntStream.range(0, params).mapToObj(i -> kv("p" + i, "v")).toList(),
                "tags", IntStream.range(0, tags).mapToObj(i -> kv("t" + i, "v")).toList());
    }

    private static ValidatableResponse mlflowError(ValidatableResponse r, int status, String code) {
        return r.statusCode(status).contentType(ContentType.JSON).body("error_code", equalTo(code))
                .body("message", notNullValue());
    }
}

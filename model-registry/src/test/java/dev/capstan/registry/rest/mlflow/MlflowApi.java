package dev.capstan.registry.rest.mlflow;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Plain HTTP calls to the MLflow-compatible API, as MLflow's REST docs show them, for the tests. */
final class MlflowApi {

    static final String BASE = "/api/2.0/mlflow/";

    private MlflowApi() {
    }

    /** A model name no earlier run used: the test database persists. */
    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static ValidatableResponse post(String path, Object body) {
        return given().contentType(ContentType.JSON).body(body).post(BASE + path).then();
    }

    static ValidatableResponse patch(String path, Object body) {
        return given().contentType(ContentType.JSON).body(body).patch(BASE + path).then();
    }

    static ValidatableResponse get(String path, Map<String, ?> query) {
        return given().queryParams(query).get(BASE + path).then();
    }

    static ValidatableResponse deleteWithBody(String path, Object body) {
        return given().contentType(ContentType.JSON).body(body).delete(BASE + path).then();
    }

    static ValidatableResponse deleteWithQuery(String path, Map<String, ?> query) {
        return given().queryParams(query).delete(BASE + path).then();
    }

    /** Creates a model through the MLflow API. */
    static void createModel(String name, Map<String, String> tags) {
        post("registered-models/create", Map.of("name", name, "tags", tags.entrySet().stream()
                .map(t -> Map.of("key", t.getKey(), "value", t.getValue())).toList())).statusCode(200);
    }

    /** Registers a version through the MLflow API and returns its number (a string, as MLflow has it). */
    static String createVersion(String name, String source, String runId, Map<String, String> tags) {
        List<Map<String, String>> tagList = tags.entrySet().stream()
                .map(t -> Map.of("key", t.getKey(), "value", t.getValue())).toList();
        return post("model-versions/create", Map.of("name", name, "source", source, "run_id", runId, "tags", tagList))
                .statusCode(200).extract().path("model_version.version");
    }
}

package dev.capstan.registry.rest.mlflow;

import static dev.capstan.registry.rest.mlflow.MlflowApi.createModel;
import static dev.capstan.registry.rest.mlflow.MlflowApi.createVersion;
import static dev.capstan.registry.rest.mlflow.MlflowApi.deleteWithBody;
import static dev.capstan.registry.rest.mlflow.MlflowApi.deleteWithQuery;
import static dev.capstan.registry.rest.mlflow.MlflowApi.get;
import static dev.capstan.registry.rest.mlflow.MlflowApi.patch;
import static dev.capstan.registry.rest.mlflow.MlflowApi.post;
import static dev.capstan.registry.rest.mlflow.MlflowApi.uniqueName;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the MLflow-compatible registry API, called over plain HTTP as MLflow's REST docs show, against
 * the real database and broker: the shapes MLflow clients read, and MLflow's error codes.
 */
@QuarkusTest
class MlflowApiTest {

    @Test
    void registeredModelsCreateReadChangeRenameAndDelete() {
        String name = uniqueName("mlf-model");
        given().contentType(ContentType.JSON).header("X-Capstan-User", "ana")
                .body(Map.of("name", name, "description", "fraud scorer",
                        "tags", List.of(Map.of("key", "team", "value", "risk"))))
                .post(MlflowApi.BASE + "registered-models/create").then().statusCode(200)
                .body("registered_model.name", equalTo(name))
                .body("registered_model.user_id", equalTo("ana"))
                .body("registered_model.description", equalTo("fraud scorer"))
                .body("registered_model.creation_timestamp", greaterThan(1_700_000_000_000L))
                .body("registered_model.tags", contains(Map.of("key", "team", "value", "risk")))
                .body("registered_model.latest_versions", empty())
                .body("registered_model.aliases", empty());
        post("registered-models/create", Map.of("name", name)).statusCode(400)
                .body("error_code", equalTo("RESOURCE_ALREADY_EXISTS"));
        post("registered-models/create", Map.of("description", "no name")).statusCode(400)
                .body("error_code", equalTo("INVALID_PARAMETER_VALUE")).body("message", containsString("name"));

        get("registered-models/get", Map.of("name", name)).statusCode(200)
                .body("registered_model.name", equalTo(name))
                .body("registered_model.last_updated_timestamp", greaterThan(1_700_000_000_000L));
        get("registered-models/get", Map.of("name", name + "-missing")).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));

        patch("registered-models/update", Map.of("name", name, "description", "fraud scorer v2")).statusCode(200)
                .body("registered_model.description", equalTo("fraud scorer v2"));

        post("registered-models/set-tag", Map.of("name", name, "key", "owner", "value", "ana")).statusCode(200)
                .body(equalTo("{}"));
        get("registered-models/get", Map.of("name", name)).body("registered_model.tags.key",
                contains("owner", "team"));
        deleteWithBody("registered-models/delete-tag", Map.of("name", name, "key", "owner")).statusCode(200);
        deleteWithQuery("registered-models/delete-tag", Map.of("name", name, "key", "owner")).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
        get("registered-models/get", Map.of("name", name)).body("registered_model.tags.key", contains("team"));

        String renamed = name + "-renamed";
        post("registered-models/rename", Map.of("name", name, "new_name", renamed)).statusCode(200)
                .body("registered_model.name", equalTo(renamed));
        get("registered-models/get", Map.of("name", name)).statusCode(404);

        deleteWithQuery("registered-models/delete", Map.of("name", renamed)).statusCode(200).body(equalTo("{}"));
        get("registered-models/get", Map.of("name", renamed)).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
        deleteWithBody("registered-models/delete", Map.of("name", renamed)).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
    }

    @Test
    void modelVersionsCreateReadChangeTagAndDelete() {
        String name = uniqueName("mlf-versions");
        createModel(name, Map.of());
        post("model-versions/create", Map.of("name", name, "source", "s3://models/fraud/1", "run_id", "run-1",
                "run_link", "http://mlflow.example/#/runs/run-1", "description", "first",
                "tags", List.of(Map.of("key", "framework", "value", "torch")))).statusCode(200)
                .body("model_version.name", equalTo(name))
                .body("model_version.version", equalTo("1"))
                .body("model_version.current_stage", equalTo("None"))
                .body("model_version.status", equalTo("READY"))
                .body("model_version.source", equalTo("s3://models/fraud/1"))
                .body("model_version.run_id", equalTo("run-1"))
                .body("model_version.run_link", equalTo("http://mlflow.example/#/runs/run-1"))
                .body("model_version.description", equalTo("first"))
                .body("model_version.user_id", equalTo("mlflow"))
                .body("model_version.tags", contains(Map.of("key", "framework", "value", "torch")))
                .body("model_version.aliases", empty());
        assertThat(createVersion(name, "runs:/run-2/model", "run-2", Map.of())).isEqualTo("2");

        post("model-versions/create", Map.of("name", name + "-missing", "source", "s3://x/y")).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
        post("model-versions/create", Map.of("name", name, "source", "relative/path")).statusCode(400)
                .body("error_code", equalTo("INVALID_PARAMETER_VALUE")).body("message", containsString("source"));

        get("model-versions/get", Map.of("name", name, "version", "2")).statusCode(200)
                .body("model_version.version", equalTo("2"))
                .body("model_version.source", equalTo("runs:/run-2/model"))
                .body("model_version.run_link", nullValue());
        get("model-versions/get", Map.of("name", name, "version", "two")).statusCode(400)
                .body("error_code", equalTo("INVALID_PARAMETER_VALUE")).body("message", containsString("version"));
        get("model-versions/get", Map.of("name", name, "version", "99")).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
        get("model-versions/get", Map.of("name", name)).statusCode(400)
                .body("error_code", equalTo("INVALID_PARAMETER_VALUE"));

        patch("model-versions/update", Map.of("name", name, "version", "1", "description", "the first"))
                .statusCode(200).body("model_version.description", equalTo("the first"));
        // MLflow clients may send the version as a JSON number too.
        post("model-versions/set-tag", Map.of("name", name, "version", 1, "key", "approved", "value", "yes"))
                .statusCode(200).body(equalTo("{}"));
        get("model-versions/get", Map.of("name", name, "version", "1"))
                .body("model_version.tags.key", contains("approved", "framework"));
        deleteWithQuery("model-versions/delete-tag", Map.of("name", name, "version", "1", "key", "approved"))
                .statusCode(200);
        deleteWithBody("model-versions/delete-tag", Map.of("name", name, "version", "1", "key", "approved"))
                .statusCode(404).body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));

        get("model-versions/get-download-uri", Map.of("name", name, "version", "1")).statusCode(200)
                .body("artifact_uri", equalTo("s3://models/fraud/1"));

        post("model-versions/transition-stage", Map.of("name", name, "version", "1", "stage", "Production",
                "archive_existing_versions", false)).statusCode(400)
                .body("error_code", equalTo("INVALID_PARAMETER_VALUE")).body("message", containsString("aliases"));

        deleteWithBody("model-versions/delete", Map.of("name", name, "version", "2")).statusCode(200)
                .body(equalTo("{}"));
        get("model-versions/get", Map.of("name", name, "version", "2")).statusCode(404);
        deleteWithQuery("model-versions/delete", Map.of("name", name, "version", "2")).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
    }

    @Test
    void latestVersionsAreTheNewestInStageNoneAndNothingElse() {
        String name = uniqueName("mlf-latest");
        createModel(name, Map.of());
        post("registered-models/get-latest-versions", Map.of("name", name)).statusCode(200)
                .body("model_versions", empty());
        createVersion(name, "s3://m/1", "r1", Map.of());
        createVersion(name, "s3://m/2", "r2", Map.of());

        post("registered-models/get-latest-versions", Map.of("name", name)).statusCode(200)
                .body("model_versions.version", contains("2"));
        post("registered-models/get-latest-versions", Map.of("name", name, "stages", List.of("None", "Staging")))
                .statusCode(200).body("model_versions.version", contains("2"));
        post("registered-models/get-latest-versions", Map.of("name", name, "stages", List.of("Production")))
                .statusCode(200).body("model_versions", empty());
        given().queryParam("name", name).queryParam("stages", "none").get(MlflowApi.BASE
                + "registered-models/get-latest-versions").then().statusCode(200)
                .body("model_versions.version", contains("2"));
        post("registered-models/get-latest-versions", Map.of("name", name, "stages", List.of("Shipped")))
                .statusCode(400).body("error_code", equalTo("INVALID_PARAMETER_VALUE"))
                .body("message", containsString("Shipped"));
        get("registered-models/get-latest-versions", Map.of("name", name + "-missing")).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
        get("registered-models/get", Map.of("name", name)).body("registered_model.latest_versions.version",
                contains("2"));
    }

    @Test
    void anAliasSetThroughMlflowIsACapstanMoveWithItsHistory() {
        String name = uniqueName("mlf-alias");
        createModel(name, Map.of());
        createVersion(name, "s3://m/1", "r1", Map.of());
        createVersion(name, "s3://m/2", "r2", Map.of());

        given().contentType(ContentType.JSON).header("X-Capstan-User", "ana")
                .body(Map.of("name", name, "alias", "champion", "version", "1"))
                .post(MlflowApi.BASE + "registered-models/alias").then().statusCode(200).body(equalTo("{}"));
        post("registered-models/alias", Map.of("name", name, "alias", "champion", "version", "2")).statusCode(200);

        get("registered-models/alias", Map.of("name", name, "alias", "champion")).statusCode(200)
                .body("model_version.version", equalTo("2"))
                .body("model_version.aliases", contains("champion"));
        get("registered-models/get", Map.of("name", name)).body("registered_model.aliases",
                contains(Map.of("alias", "champion", "version", "2")));
        given().get("/api/v1/models/" + name + "/aliases/champion/history").then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].toVersion", equalTo(2)).body("items[0].fromVersion", equalTo(1))
                .body("items[0].cause", equalTo("mlflow")).body("items[0].actor", equalTo("mlflow"))
                .body("items[1].toVersion", equalTo(1)).body("items[1].fromVersion", nullValue())
                .body("items[1].cause", equalTo("mlflow")).body("items[1].actor", equalTo("ana"))
                .body("items[1].kind", equalTo("SET"));

        // MLflow would delete it; Capstan refuses while an alias serves it.
        deleteWithBody("model-versions/delete", Map.of("name", name, "version", "2")).statusCode(400)
                .body("error_code", equalTo("INVALID_STATE")).body("message", containsString("champion"));
        post("registered-models/alias", Map.of("name", name, "alias", "champion", "version", "latest"))
                .statusCode(400).body("error_code", equalTo("INVALID_PARAMETER_VALUE"));
        post("registered-models/alias", Map.of("name", name, "alias", "champion", "version", "7")).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));

        deleteWithBody("registered-models/alias", Map.of("name", name, "alias", "champion")).statusCode(200)
                .body(equalTo("{}"));
        get("registered-models/alias", Map.of("name", name, "alias", "champion")).statusCode(404)
                .body("error_code", equalTo("RESOURCE_DOES_NOT_EXIST"));
        deleteWithQuery("registered-models/alias", Map.of("name", name, "alias", "champion")).statusCode(404);
        given().get("/api/v1/models/" + name + "/aliases/champion/history").then()
                .body("items", hasSize(3)).body("items[0].kind", equalTo("REMOVE"));
    }

    @Test
    void searchesFilterAndPageAsMlflowDoes() {
        String prefix = uniqueName("mlf-search");
        for (String suffix : List.of("a", "b", "c")) {
            createModel(prefix + "-" + suffix, Map.of("team", suffix.equals("b") ? "vision" : "risk"));
        }
        List<String> seen = new ArrayList<>();
        String token = get("registered-models/search", Map.of("filter", "name LIKE '" + prefix + "-%'",
                "max_results", 2)).statusCode(200).body("registered_models", hasSize(2))
                .body("next_page_token", notNullValue())
                .extract().path("next_page_token");
        seen.addAll(get("registered-models/search", Map.of("filter", "name LIKE '" + prefix + "-%'",
                "max_results", 2)).extract().path("registered_models.name"));
        seen.addAll(get("registered-models/search", Map.of("filter", "name LIKE '" + prefix + "-%'",
                "max_results", 2, "page_token", token)).statusCode(200).body("next_page_token", nullValue())
                .extract().path("registered_models.name"));
        assertThat(seen).containsExactly(prefix + "-a", prefix + "-b", prefix + "-c");

        get("registered-models/search", Map.of("filter", "name ILIKE '" + prefix.toUpperCase() + "%' AND "
                + "tags.team = 'vision'")).statusCode(200)
                .body("registered_models.name", contains(prefix + "-b"));
        get("registered-models/search", Map.of("filter", "name != 'x'")).statusCode(400)
                .body("error_code", equalTo("INVALID_PARAMETER_VALUE")).body("message", containsString("!="));
        get("registered-models/search", Map.of("filter", "run_id = 'r'")).statusCode(400)
                .body("message", containsString("run_id"));
        get("registered-models/search", Map.of("max_results", 1001)).statusCode(400)
                .body("error_code", equalTo("INVALID_PARAMETER_VALUE"));
        get("registered-models/search", Map.of("page_token", "not-a-token")).statusCode(400)
                .body("error_code", equalTo("INVALID_PARAMETER_VALUE")).body("message", containsString("page_token"));
        get("registered-models/search", Map.of("order_by", "last_updated_timestamp DESC")).statusCode(400)
                .body("message", containsString("order_by"));

        String model = prefix + "-a";
        createVersion(model, "s3://m/1", "run-x", Map.of("k", "v"));
        createVersion(model, "s3://m/2", "run-y", Map.of());
        createVersion(model, "s3://m/3", "run-x", Map.of("k", "v"));
        get("model-versions/search", Map.of("filter", "name = '" + model + "'")).statusCode(200)
                .body("model_versions.version", contains("3", "2", "1"));
        get("model-versions/search", Map.of("filter", "name = '" + model + "'", "order_by",
                "creation_timestamp ASC")).body("model_versions.version", contains("1", "2", "3"));
        get("model-versions/search", Map.of("filter", "name='" + model + "' and run_id='run-x'"))
                .body("model_versions.version", contains("3", "1"));
        // The model carries no tag k: a version search looks at version tags only.
        get("model-versions/search", Map.of("filter", "name = '" + model + "' AND tags.k = 'v'"))
                .body("model_versions.version", contains("3", "1"));
        get("model-versions/search", Map.of("filter", "source_path = 's3://m/2' AND name = '" + model + "'"))
                .body("model_versions.version", contains("2"));
        String versionToken = get("model-versions/search", Map.of("filter", "name = '" + model + "'",
                "max_results", 2)).body("model_versions.version", contains("3", "2"))
                .extract().path("next_page_token");
        get("model-versions/search", Map.of("filter", "name = '" + model + "'", "max_results", 2,
                "page_token", versionToken)).body("model_versions.version", contains("1"))
                .body("next_page_token", nullValue());
        get("model-versions/search", Map.of("max_results", 200_001)).statusCode(400)
                .body("error_code", equalTo("INVALID_PARAMETER_VALUE"));
        get("model-versions/search", Map.of("filter", "version_number = '1'")).statusCode(400)
                .body("message", containsString("version_number"));
    }

    @Test
    void malformedBodiesAndUnknownEndpointsAnswerInMlflowsShape() {
        given().contentType(ContentType.JSON).body("{\"name\": ").post(MlflowApi.BASE + "registered-models/create")
                .then().statusCode(400).body("error_code", equalTo("MALFORMED_REQUEST"));
        given().contentType(ContentType.JSON).body("{\"name\": ")
                .delete(MlflowApi.BASE + "registered-models/delete")
                .then().statusCode(400).body("error_code", equalTo("MALFORMED_REQUEST"));
        given().get(MlflowApi.BASE + "registered-models/no-such-endpoint").then().statusCode(404)
                .body("error_code", equalTo("ENDPOINT_NOT_FOUND"));
    }
}

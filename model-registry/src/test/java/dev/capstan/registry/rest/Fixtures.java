package dev.capstan.registry.rest;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.UUID;

/** REST calls the registry tests make as a user would; every model name is unique to its test. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A model name no earlier run used. */
    public static String uniqueModel(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a model with the given versions registered (artifact s3://models/NAME/N). */
    public static void modelWithVersions(String name, int versions) {
        given().contentType(ContentType.JSON).header("X-Capstan-User", "ana")
                .body("{\"name\":\"" + name + "\",\"queue\":\"team-risk\",\"tags\":{\"team\":\"risk\"}}")
                .post("/api/v1/models").then().statusCode(201);
        for (int v = 1; v <= versions; v++) {
            given().contentType(ContentType.JSON).header("X-Capstan-User", "ana")
                    .body("{\"artifactUri\":\"s3://models/" + name + "/" + v + "\",\"metrics\":{\"auc\":0.9}}")
                    .post("/api/v1/models/" + name + "/versions").then().statusCode(201);
        }
    }

    /** PUT the alias to a version, conditionally when ifMatch is not null. */
    public static Response promote(String name, String alias, int version, String ifMatch, String reason) {
        var req = given().contentType(ContentType.JSON).header("X-Capstan-User", "ana");
        if (ifMatch != null) {
            req = req.header("If-Match", ifMatch);
        }
        return req.body("{\"version\":" + version + (reason == null ? "" : ",\"reason\":\"" + reason + "\"") + "}")
                .put("/api/v1/models/" + name + "/aliases/" + alias);
    }
}

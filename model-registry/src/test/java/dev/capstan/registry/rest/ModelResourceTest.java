package dev.capstan.registry.rest;

import static dev.capstan.registry.rest.Fixtures.modelWithVersions;
import static dev.capstan.registry.rest.Fixtures.promote;
import static dev.capstan.registry.rest.Fixtures.uniqueModel;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import dev.capstan.registry.domain.AliasMove;
import dev.capstan.registry.domain.AliasTimeline;
import dev.capstan.registry.domain.MoveKind;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Capstan's registry API against the real PostgreSQL and Kafka broker of the build. */
@QuarkusTest
class ModelResourceTest {

    @Test
    void aSecondVersionFromTheSameWorkloadIsAConflictNamingTheFirstAndConcurrentCreatesGiveOneModel() throws Exception {
        String name = uniqueModel("src");
        modelWithVersions(name, 0);
        String body = "{\"artifactUri\":\"s3://m/a\",\"source\":{\"workloadId\":\"wl-src-1\",\"attempt\":1}}";
        given().contentType(ContentType.JSON).body(body).post("/api/v1/models/" + name + "/versions")
                .then().statusCode(201);

        given().contentType(ContentType.JSON).body(body).post("/api/v1/models/" + name + "/versions")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("version 1 of '" + name + "' already comes from workload wl-src-1"));

        // Eight creations of one new model at once: one 201, the others 409, never a 500.
        String twin = uniqueModel("twin");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(pool.submit(() -> given().contentType(ContentType.JSON)
                    .body("{\"name\":\"" + twin + "\"}").post("/api/v1/models").statusCode()));
        }
        List<Integer> codes = new java.util.ArrayList<>();
        for (var a : answers) {
            codes.add(a.get());
        }
        pool.shutdown();
        assertThat(codes).containsOnly(201, 409).containsOnlyOnce(201);
    }

    @Test
    void versionsAreNumberedInOrderAndKeepWhatTheyWereRegisteredWith() {
        String name = uniqueModel("fraud");
        modelWithVersions(name, 2);

        given().contentType(ContentType.JSON).header("X-Capstan-User", "bob").body("""
                {"artifactUri":"s3://models/x/3","sha256":"%s","format":"onnx","params":{"lr":"0.01"},
                 "metrics":{"auc":0.97},"tags":{"dataset":"2026-11"},"source":{"workloadId":"wl-42","attempt":2}}
                """.formatted("b".repeat(64)))
                .post("/api/v1/models/" + name + "/versions")
                .then().statusCode(201).header("Location", containsString("/api/v1/models/" + name + "/versions/3"))
                .body("version", equalTo(3)).body("source.workloadId", equalTo("wl-42"))
                .body("source.attempt", equalTo(2)).body("createdBy", equalTo("bob")).body("status", equalTo("READY"));

        given().get("/api/v1/models/" + name + "/versions/3").then().statusCode(200)
                .body("sha256", equalTo("b".repeat(64))).body("format", equalTo("onnx"))
                .body("params.lr", equalTo("0.01")).body("metrics.auc", equalTo(0.97f))
                .body("tags.dataset", equalTo("2026-11"));
        given().get("/api/v1/models/" + name + "/versions").then().statusCode(200)
                .body("items.version", contains(3, 2, 1)).body("total", equalTo(3));
        given().get("/api/v1/models/" + name).then().statusCode(200).body("latestVersion", equalTo(3))
                .body("queue", equalTo("team-risk")).body("createdBy", equalTo("ana"));
    }

    @Test
    void promotionsAndRollbacksAreHistoryThatAnswersWhoServedWhen() {
        String name = uniqueModel("ranker");
        modelWithVersions(name, 3);

        String etag = promote(name, "production", 1, null, "first release").then().statusCode(200)
                .header("ETag", equalTo("\"1\"")).extract().header("ETag");
        promote(name, "production", 2, etag, "better auc").then().statusCode(200).header("ETag", equalTo("\"2\""));
        promote(name, "production", 3, null, "v3").then().statusCode(200);
        given().header("X-Capstan-User", "oncall").contentType(ContentType.JSON).body("{\"reason\":\"p99 up\"}")
                .post("/api/v1/models/" + name + "/aliases/production/rollback")
                .then().statusCode(200).body("version", equalTo(2));
        given().header("X-Capstan-User", "oncall")
                .post("/api/v1/models/" + name + "/aliases/production/rollback")
                .then().statusCode(200).body("version", equalTo(1));
        given().post("/api/v1/models/" + name + "/aliases/production/rollback")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("no earlier version"));

        var history = given().get("/api/v1/models/" + name + "/aliases/production/history").then().statusCode(200)
                .body("total", equalTo(5))
                .body("items.toVersion", contains(1, 2, 3, 2, 1))
                .body("items.fromVersion", contains(2, 3, 2, 1, null))
                .body("items.kind", contains("ROLLBACK", "ROLLBACK", "SET", "SET", "SET"))
                .body("items[1].actor", equalTo("oncall"))
                .body("items[1].reason", equalTo("rollback from version 3 to 2: p99 up"))
                .body("items[4].reason", equalTo("first release")).extract().jsonPath();

        // The alias at each move's instant, and just before it, is what the domain's timeline says.
        List<Map<String, Object>> items = history.getList("items");
        List<AliasMove> moves = items.stream().map(m -> new AliasMove(((Number) m.get("id")).longValue(),
                "production", (Integer) m.get("fromVersion"), (Integer) m.get("toVersion"),
                MoveKind.valueOf((String) m.get("kind")), (String) m.get("actor"), null, null,
                Instant.parse((String) m.get("at")))).toList();
        AliasTimeline timeline = new AliasTimeline(moves);
        for (AliasMove m : moves) {
            for (Instant at : List.of(m.at(), m.at().minusNanos(1000))) {
                Integer served = given().queryParam("at", at.toString())
                        .get("/api/v1/models/" + name + "/aliases/production").then().statusCode(200)
                        .extract().path("version");
                assertThat(served).as("version at " + at).isEqualTo(timeline.versionAt(at).orElse(null));
            }
        }
        given().queryParam("at", "2020-01-01T00:00:00Z").get("/api/v1/models/" + name + "/aliases/production")
                .then().statusCode(200).body("version", nullValue());
    }

    @Test
    void aStaleEtagIsRefusedAndNothingMoves() {
        String name = uniqueModel("stale");
        modelWithVersions(name, 3);
        String etag = promote(name, "staging", 1, null, null).then().extract().header("ETag");
        promote(name, "staging", 2, etag, null).then().statusCode(200);

        promote(name, "staging", 3, etag, null).then().statusCode(412).contentType("application/problem+json")
                .header("ETag", equalTo("\"2\"")).body("detail", containsString("someone moved it"));

        given().get("/api/v1/models/" + name + "/aliases/staging").then().statusCode(200)
                .body("version", equalTo(2)).header("ETag", equalTo("\"2\""));
        given().header("If-Match", etag).delete("/api/v1/models/" + name + "/aliases/staging").then().statusCode(412);
        given().header("If-Match", "\"2\"").delete("/api/v1/models/" + name + "/aliases/staging").then()
                .statusCode(204);
        // Set again: the entity tag never goes back to one a client may still hold.
        promote(name, "staging", 1, null, null).then().statusCode(200).header("ETag", equalTo("\"4\""));
    }

    @Test
    void anAliasCannotServeAFailedOrDeletedVersionAndAServedVersionCannotBeDeleted() {
        String name = uniqueModel("guard");
        modelWithVersions(name, 3);
        given().contentType(ContentType.JSON).body("{\"status\":\"FAILED\"}")
                .patch("/api/v1/models/" + name + "/versions/2").then().statusCode(200).body("status", equalTo("FAILED"));
        promote(name, "production", 2, null, null).then().statusCode(409)
                .body("detail", containsString("only point at a READY version"));

        promote(name, "production", 3, null, null).then().statusCode(200);
        given().delete("/api/v1/models/" + name + "/versions/3").then().statusCode(409)
                .body("detail", containsString("served by production"));
        given().contentType(ContentType.JSON).body("{\"status\":\"FAILED\"}")
                .patch("/api/v1/models/" + name + "/versions/3").then().statusCode(409);
        given().delete("/api/v1/models/" + name + "/versions/1").then().statusCode(204);
        given().get("/api/v1/models/" + name + "/versions/1").then().statusCode(404);
        promote(name, "production", 1, null, null).then().statusCode(404);
        // Rollback skips the failed and the deleted version: nothing is left to go back to.
        given().post("/api/v1/models/" + name + "/aliases/production/rollback").then().statusCode(409);
        given().post("/api/v1/models/" + name + "/aliases/production/rollback?to=2").then().statusCode(409)
                .body("detail", containsString("cannot be served"));
    }

    @Test
    void everyMutationIsAudited() {
        String name = uniqueModel("audited");
        modelWithVersions(name, 2);
        promote(name, "production", 1, null, null).then().statusCode(200);
        given().contentType(ContentType.JSON).header("X-Capstan-User", "carol")
                .body("{\"description\":\"scores card payments\"}").patch("/api/v1/models/" + name).then()
                .statusCode(200);

        given().get("/api/v1/models/" + name + "/audit").then().statusCode(200)
                .body("items.action", contains("model.updated", "alias.moved", "version.registered",
                        "version.registered", "model.created"))
                .body("items[0].actor", equalTo("carol"))
                .body("items[0].before.description", nullValue())
                .body("items[0].after.description", equalTo("scores card payments"))
                .body("items[1].target", equalTo(name + "@production"))
                .body("items[1].after.version", equalTo(1));
    }

    @Test
    void searchFindsModelsByNameQueueAndTag() {
        String prefix = uniqueModel("srch");
        modelWithVersions(prefix + "-a", 0);
        modelWithVersions(prefix + "-b", 0);
        given().queryParam("q", prefix.toUpperCase()).get("/api/v1/models").then().statusCode(200)
                .body("total", equalTo(2)).body("items.name", contains(prefix + "-a", prefix + "-b"));
        given().queryParam("q", prefix).queryParam("tag", "team:risk").queryParam("size", 1).queryParam("page", 1)
                .get("/api/v1/models").then().statusCode(200).body("items.name", contains(prefix + "-b"));
        given().queryParam("q", prefix).queryParam("tag", "team:other").get("/api/v1/models").then()
                .body("total", equalTo(0));
        given().queryParam("q", "%").get("/api/v1/models").then().statusCode(200)
                .body("items.name", org.hamcrest.Matchers.everyItem(containsString("%")));
    }

    @Test
    void badInputIsAClearProblemNeverA5xx() {
        String name = uniqueModel("bad");
        modelWithVersions(name, 1);
        record Call(String method, String path, String body, int want, String field) {
        }
        List<Call> calls = List.of(
                new Call("POST", "/api/v1/models", "[]", 422, "body"),
                new Call("POST", "/api/v1/models", "42", 422, "body"),
                new Call("POST", "/api/v1/models", "{\"name\":", 400, null),
                new Call("POST", "/api/v1/models", "{\"name\":\"a/b\"}", 422, "name"),
                new Call("POST", "/api/v1/models", "{\"name\":\"x\\u0000y\"}", 422, "name"),
                new Call("POST", "/api/v1/models", "{\"name\":\"ok\",\"tags\":\"y\"}", 422, "tags"),
                new Call("POST", "/api/v1/models", "{\"name\":\"" + name + "\"}", 409, null),
                new Call("POST", "/api/v1/models/" + name + "/versions", "{}", 422, "artifactUri"),
                new Call("POST", "/api/v1/models/" + name + "/versions", "{\"artifactUri\":\"s3://x\",\"status\":\"MAYBE\"}",
                        422, "status"),
                new Call("POST", "/api/v1/models/nope-" + name + "/versions", "{\"artifactUri\":\"s3://x\"}", 404, null),
                new Call("GET", "/api/v1/models/" + name + "/versions/abc", null, 400, "version"),
                new Call("GET", "/api/v1/models/" + name + "/versions/0", null, 400, "version"),
                new Call("GET", "/api/v1/models/" + name + "/versions/9", null, 404, null),
                new Call("GET", "/api/v1/models?size=-5&page=abc", null, 400, "page"),
                new Call("GET", "/api/v1/models?size=100000", null, 400, "size"),
                new Call("GET", "/api/v1/models/" + name + "/aliases/production?at=yesterday", null, 400, "at"),
                new Call("GET", "/api/v1/models/" + name + "/aliases/production", null, 404, null),
                new Call("PUT", "/api/v1/models/" + name + "/aliases/Prod", "{\"version\":1}", 422, "alias"),
                new Call("PUT", "/api/v1/models/" + name + "/aliases/latest", "{\"version\":1}", 422, "alias"),
                new Call("PUT", "/api/v1/models/" + name + "/aliases/prod", "{\"version\":\"x\"}", 422, "version"),
                new Call("PUT", "/api/v1/models/" + name + "/aliases/prod", "{}", 422, "version"),
                new Call("POST", "/api/v1/models/" + name + "/aliases/prod/rollback?to=zz", null, 400, "to"));
        for (Call c : calls) {
            var req = given().contentType(ContentType.JSON);
            if (c.body() != null) {
                req = req.body(c.body());
            }
            var then = req.request(c.method(), c.path()).then();
            then.statusCode(c.want()).contentType("application/problem+json").body("status", equalTo(c.want()));
            if (c.field() != null) {
                then.body("errors.field", hasItem(c.field()));
            }
        }
    }
}

package dev.capstan.registry.rest;

import static dev.capstan.registry.rest.Fixtures.modelWithVersions;
import static dev.capstan.registry.rest.Fixtures.promote;
import static dev.capstan.registry.rest.Fixtures.uniqueModel;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two threads racing one alias: never a lost update. */
@QuarkusTest
class AliasRaceTest {

    private static final int ROUNDS = 15;

    @Test
    void ofTwoMovesThatReadTheSameRevisionOneWinsAndTheOtherGets412() throws Exception {
        String name = uniqueModel("race");
        modelWithVersions(name, 3);
        String etag = promote(name, "production", 1, null, null).then().statusCode(200).extract().header("ETag");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String read = etag;
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Integer>> moves = new ArrayList<>();
                for (int v : new int[] {2, 3}) {
                    moves.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return promote(name, "production", v, read, "round").statusCode();
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : moves) {
                    statuses.add(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(200, 412);
                etag = given().get("/api/v1/models/" + name + "/aliases/production").then().extract()
                        .header("ETag");
            }
        } finally {
            pool.shutdownNow();
        }
        // One move recorded per round, plus the first promotion.
        given().get("/api/v1/models/" + name + "/aliases/production/history?size=100").then()
                .body("total", org.hamcrest.Matchers.equalTo(ROUNDS + 1));
    }

    @Test
    void unconditionalMovesSerialiseAndTheHistoryChainsWithoutGaps() throws Exception {
        String name = uniqueModel("chain");
        modelWithVersions(name, 4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<Integer>> moves = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int v = 1 + i % 4;
            moves.add(() -> promote(name, "production", v, null, null).statusCode());
        }
        try {
            for (Future<Integer> f : pool.invokeAll(moves, 60, TimeUnit.SECONDS)) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Map<String, Object>> history = given().get("/api/v1/models/" + name
                + "/aliases/production/history?size=100").then().extract().jsonPath().getList("items");
        assertThat(history).hasSize(24);
        // Newest first: each move starts where the one before it ended (a lost update would break the chain).
        for (int i = 0; i < history.size() - 1; i++) {
            assertThat(history.get(i).get("fromVersion")).as("move " + i).isEqualTo(history.get(i + 1)
                    .get("toVersion"));
        }
        assertThat(history.get(history.size() - 1).get("fromVersion")).isNull();
        Object current = given().get("/api/v1/models/" + name + "/aliases/production").then().extract()
                .path("version");
        assertThat(current).isEqualTo(history.get(0).get("toVersion"));
    }
}

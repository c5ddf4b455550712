package dev.capstan.submission.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.Topics;
import dev.capstan.support.testing.TcpProxy;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away under the service (a proxy in front of the real server is cut): REST answers 503 problem+json
 * with Retry-After instead of a 500, readiness goes down, and both come back by themselves when it returns.
 */
@QuarkusTest
@QuarkusTestResource(value = DatabaseOutageTest.Proxy.class, restrictToAnnotatedClass = true)
class DatabaseOutageTest {

    static TcpProxy proxy;

    /** Starts the proxy before the application and points the datasource at it. */
    public static class Proxy implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            String base = System.getProperty("capstan.pg.base", "jdbc:postgresql://127.0.0.1:5432");
            URI real = URI.create(base.substring("jdbc:".length()));
            try {
                proxy = new TcpProxy(real.getHost(), real.getPort());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            // The whole URL: capstan.pg.base comes as a system property from the build and would win over ours.
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + proxy.port()
                    + "/capstan_submission_test", "quarkus.datasource.jdbc.acquisition-timeout", "2s");
        }

        @Override
        public void stop() {
            try {
                proxy.close();
            } catch (java.io.IOException ignored) {
                // closing
            }
        }
    }

    @Test
    void whileTheDatabaseIsDownSubmissionsGet503WithRetryAfterAndReadinessIsDownThenBothRecover() throws Exception {
        String queue = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        String before = submit(queue, "before").then().statusCode(201).extract().path("id");

        proxy.cut();
        try {
            // The executor reports while the database is down: applied once it is back, not dead-lettered.
            TestKafka.publish(new ExecutionEvent.WorkloadRunning(before, 1, Instant.now()), "executor-service");
            // An upstream system submits over Kafka meanwhile: taken once the database is back, not dead-lettered.
            TestKafka.send(Topics.WORKLOAD_REQUESTS, "outage-" + UUID.randomUUID(),
                    WorkloadResourceTest.job("from-kafka", queue, 1, 1), Map.of());
            submit(queue, "during").then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", "5").body("status", equalTo(503)).body("title", equalTo("Service unavailable"));
            given().get("/api/v1/workloads?queue=" + queue).then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", notNullValue());
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> given().get("/q/health/ready").statusCode() == 503);
        } finally {
            proxy.restore();
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> submit(queue, "after").statusCode() == 201);
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                given().get("/api/v1/workloads?queue=" + queue).<Integer>path("total") == 3);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                "RUNNING".equals(given().get("/api/v1/workloads/" + before).path("status")));
    }

    private static io.restassured.response.Response submit(String queue, String name) {
        return given().contentType(ContentType.JSON).body(WorkloadResourceTest.job(name, queue, 1, 1))
                .post("/api/v1/workloads");
    }
}

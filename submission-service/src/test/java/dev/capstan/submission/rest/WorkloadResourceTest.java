package dev.capstan.submission.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Topics;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The REST API against the real PostgreSQL and Kafka broker of the build. */
@QuarkusTest
class WorkloadResourceTest {

    static String job(String name, String queue, int workers, int gpus) {
        return """
                {"name":"%s","queue":"%s","image":"registry/train:1","command":["python","train.py"],
                 "framework":"pytorch","workers":%d,
                 "resources":{"gpus":%d,"cpuMilli":4000,"memoryMib":16384,"gpuModels":["A100"]}}
                """.formatted(name, queue, workers, gpus);
    }

    static String uniqueQueue() {
        return "q-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void submitReturnsTheQueuedWorkloadAndPublishesItThroughTheOutbox() {
        String queue = uniqueQueue();
        String id = given().contentType(ContentType.JSON).body(job("resnet", queue, 4, 2))
                .when().post("/api/v1/workloads")
                .then().statusCode(201).header("Location", startsWith("http"))
                .body("status", equalTo("QUEUED")).body("spec.workers", equalTo(4))
                .body("spec.resources.gpuMilli", equalTo(1000)).body("history[0].to", equalTo("QUEUED"))
                .extract().path("id");

        var record = TestKafka.await(Topics.WORKLOADS, r -> id.equals(r.key()), Duration.ofSeconds(20));

        assertThat(TestKafka.header(record, CloudEventHeaders.CE_TYPE)).isEqualTo("dev.capstan.workload.submitted.v1");
        assertThat(TestKafka.header(record, CloudEventHeaders.CE_SOURCE)).isEqualTo("/submission-service");
        assertThat(TestKafka.header(record, CloudEventHeaders.CE_SUBJECT)).isEqualTo(id);
        var event = (WorkloadEvent.WorkloadSubmitted) EventCodec.fromJson(
                TestKafka.header(record, CloudEventHeaders.CE_TYPE), record.value());
        assertThat(event.spec().queue()).isEqualTo(queue);
        assertThat(event.spec().resources().gpuModels()).containsExactly("A100");
    }

    @Test
    void invalidBodyGets422ProblemNamingTheField() {
        given().contentType(ContentType.JSON).body(job("Bad_Name", uniqueQueue(), 0, 99))
                .when().post("/api/v1/workloads")
                .then().statusCode(422).contentType("application/problem+json")
                .body("status", equalTo(422)).body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("resources.gpus"));
    }

    @Test
    void unknownFrameworkNamesTheField() {
        String body = job("ok", uniqueQueue(), 1, 1).replace("pytorch", "caffe");
        given().contentType(ContentType.JSON).body(body).when().post("/api/v1/workloads")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("framework"));
    }

    /**
     * A job that leaves out CPU and memory gets them per GPU (it was refused before), from its queue's configuration
     * where it has one ({@code %test.capstan.queues."team-big".*} in application.properties: 8 cores, 64Gi).
     */
    @Test
    void cpuAndMemoryLeftOutComePerGpuFromTheQueueOrTheGlobalDefaults() {
        String bare = """
                {"name":"bare","queue":"%s","image":"registry/train:1","framework":"pytorch","workers":2,
                 "resources":{"gpus":2,"gpuModels":["FUZZ-GPU"]}}
                """;
        given().contentType(ContentType.JSON).body(bare.formatted(uniqueQueue())).post("/api/v1/workloads")
                .then().statusCode(201).body("spec.resources.cpuMilli", equalTo(8_000))
                .body("spec.resources.memoryMib", equalTo(32_768));
        given().contentType(ContentType.JSON).body(bare.formatted("team-big")).post("/api/v1/workloads")
                .then().statusCode(201).body("spec.resources.cpuMilli", equalTo(16_000))
                .body("spec.resources.memoryMib", equalTo(131_072));
        String cpuOnly = """
                {"name":"cpu-only","queue":"%s","image":"registry/etl:1"}
                """.formatted(uniqueQueue());
        given().contentType(ContentType.JSON).body(cpuOnly).post("/api/v1/workloads")
                .then().statusCode(201).body("spec.resources.gpus", equalTo(0))
                .body("spec.resources.cpuMilli", equalTo(1_000)).body("spec.resources.memoryMib", equalTo(4_096));
    }

    @Test
    void malformedJsonGets400Problem() {
        given().contentType(ContentType.JSON).body("{\"name\": ").when().post("/api/v1/workloads")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void bodiesOfTheWrongShapeAndBadParametersGetProblemsNotBare400s() {
        for (String body : new String[] {"[]", "42", "\"text\"", job("ok", uniqueQueue(), 1, 1)
                .replace("\"gpus\":1", "\"gpus\":\"x\"")}) {
            given().contentType(ContentType.JSON).body(body).when().post("/api/v1/workloads")
                    .then().statusCode(422).contentType("application/problem+json").body("status", equalTo(422));
        }
        given().queryParam("size", -5).queryParam("page", "abc").get("/api/v1/workloads")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.startsWith("page"));
        given().queryParam("size", 501).get("/api/v1/workloads")
                .then().statusCode(400).body("detail", org.hamcrest.Matchers.startsWith("size"));
    }

    @Test
    void unknownWorkloadGets404Problem() {
        given().when().get("/api/v1/workloads/wl-doesnotexist")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void theSameIdempotencyKeyYieldsOneWorkload() {
        String queue = uniqueQueue();
        String key = UUID.randomUUID().toString();
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(job("a", queue, 1, 1))
                .post("/api/v1/workloads").then().statusCode(201).extract().path("id");
        String second = given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(job("a", queue, 1, 1)).post("/api/v1/workloads").then().statusCode(200).extract().path("id");

        assertThat(second).isEqualTo(first);
        given().queryParam("queue", queue).get("/api/v1/workloads").then().body("total", equalTo(1));
    }

    @Test
    void listFiltersByQueueAndStatusAndPages() {
        String queue = uniqueQueue();
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(job("j" + i, queue, 1, 1)).post("/api/v1/workloads")
                    .then().statusCode(201);
        }
        given().queryParam("queue", queue).queryParam("size", 2).get("/api/v1/workloads")
                .then().statusCode(200).body("total", equalTo(3)).body("items.size()", equalTo(2));
        given().queryParam("queue", queue).queryParam("size", 2).queryParam("page", 1).get("/api/v1/workloads")
                .then().body("items.size()", equalTo(1));
        given().queryParam("queue", queue).queryParam("status", "running").get("/api/v1/workloads")
                .then().body("total", equalTo(0));
        given().queryParam("status", "sleeping").get("/api/v1/workloads")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void schedulerAndExecutorEventsMoveTheStatusOnceEach() {
        String id = given().contentType(ContentType.JSON).body(job("follow", uniqueQueue(), 1, 1))
                .post("/api/v1/workloads").then().statusCode(201).extract().path("id");
        Instant t = Instant.now();
        TestKafka.publish(new PlacementEvent.WorkloadPending(id, "no node has 1 free GPU of model A100", t),
                "/scheduler-service");
        awaitStatus(id, "PENDING");
        given().get("/api/v1/workloads/" + id).then().body("reason", equalTo("no node has 1 free GPU of model A100"));

        TestKafka.publish(new PlacementEvent.WorkloadAdmitted(id, 1, "q", List.of(
                new PodAssignment(id + "-a1-worker-0", "worker", 0, "gpu-1", List.of(3), 1000, "A100", null)), t, null),
                "scheduler-service");
        TestKafka.publish(new ExecutionEvent.WorkloadRunning(id, 1, t), "executor-service");
        ExecutionEvent.WorkloadSucceeded done = new ExecutionEvent.WorkloadSucceeded(id, 1, t);
        TestKafka.publish(done, "executor-service");
        TestKafka.publish(done, "executor-service"); // a second delivery with a new id changes nothing either
        awaitStatus(id, "SUCCEEDED");

        given().get("/api/v1/workloads/" + id).then()
                .body("pods[0].node", equalTo("gpu-1")).body("pods[0].gpuIndices[0]", equalTo(3))
                .body("history.to", equalTo(List.of("QUEUED", "PENDING", "ADMITTED", "RUNNING", "SUCCEEDED")));
        // Its end is published, for the executor (and any other consumer) to forget the workload.
        var finished = TestKafka.await(Topics.WORKLOADS, r -> id.equals(r.key())
                && "dev.capstan.workload.finished.v1".equals(TestKafka.header(r, CloudEventHeaders.CE_TYPE)),
                Duration.ofSeconds(20));
        var event = (WorkloadEvent.WorkloadFinished) EventCodec.fromJson("dev.capstan.workload.finished.v1",
                finished.value());
        assertThat(event.status()).isEqualTo("SUCCEEDED");
        assertThat(event.reason()).isEqualTo("all pods succeeded");
    }

    @Test
    void anUnreadableStatusEventIsDeadLetteredAndTheNextOneStillApplies() {
        String id = given().contentType(ContentType.JSON).body(job("noisy", uniqueQueue(), 1, 1))
                .post("/api/v1/workloads").then().statusCode(201).extract().path("id");
        String badKey = id + "-bad";
        TestKafka.send(Topics.EXECUTIONS, badKey, "{\"workloadId\": 17", java.util.Map.of(
                CloudEventHeaders.CE_TYPE, "dev.capstan.execution.running.v1", CloudEventHeaders.CE_ID, badKey));
        TestKafka.publish(new PlacementEvent.WorkloadAdmitted(id, 1, "q", List.of(
                new PodAssignment(id + "-a1-worker-0", "worker", 0, "gpu-1", List.of(0), 1000, "A100", null)),
                Instant.now(), null), "scheduler-service");
        TestKafka.publish(new ExecutionEvent.WorkloadRunning(id, 1, Instant.now()), "executor-service");

        awaitStatus(id, "RUNNING");
        var dead = TestKafka.await(Topics.deadLetter("submission-service"), r -> badKey.equals(r.key()),
                Duration.ofSeconds(20));
        assertThat(TestKafka.header(dead, "dead-letter-reason")).contains("WorkloadRunning");
        assertThat(TestKafka.header(dead, "dead-letter-topic")).isEqualTo(Topics.EXECUTIONS);
    }

    @Test
    void theExecutorsReportMayArriveBeforeTheAdmissionItFollows() {
        // capstan.executions and capstan.placements are consumed independently: here the executor's report is
        // published first on purpose. The workload is admitted by implication, runs, and the late admission
        // still brings its pods.
        String id = given().contentType(ContentType.JSON).body(job("racy", uniqueQueue(), 1, 1))
                .post("/api/v1/workloads").then().statusCode(201).extract().path("id");
        TestKafka.publish(new ExecutionEvent.WorkloadRunning(id, 1, Instant.now()), "executor-service");
        awaitStatus(id, "RUNNING");
        TestKafka.publish(new PlacementEvent.WorkloadAdmitted(id, 1, "q", List.of(
                new PodAssignment(id + "-a1-worker-0", "worker", 0, "gpu-7", List.of(2), 1000, "A100", null)),
                Instant.now(), null), "scheduler-service");
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                given().get("/api/v1/workloads/" + id).then().body("status", equalTo("RUNNING"))
                        .body("pods[0].node", equalTo("gpu-7"))
                        .body("history.to", equalTo(List.of("QUEUED", "ADMITTED", "RUNNING"))));
    }

    @Test
    void cancelPublishesTheCancellationAndRefusesASecondCancel() {
        String id = given().contentType(ContentType.JSON).body(job("stopme", uniqueQueue(), 1, 1))
                .post("/api/v1/workloads").then().statusCode(201).extract().path("id");

        given().delete("/api/v1/workloads/" + id).then().statusCode(200).body("status", equalTo("CANCELLED"));
        given().delete("/api/v1/workloads/" + id).then().statusCode(409).contentType("application/problem+json");

        TestKafka.await(Topics.WORKLOADS, r -> id.equals(r.key())
                && "dev.capstan.workload.cancelled.v1".equals(TestKafka.header(r, CloudEventHeaders.CE_TYPE)),
                Duration.ofSeconds(20));
    }

    static void awaitStatus(String id, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                given().get("/api/v1/workloads/" + id).then().body("status", equalTo(status)));
    }
}

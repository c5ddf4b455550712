package dev.capstan.submission.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.capstan.events.Topics;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Upstream systems submit over Kafka, exactly as a plain producer would send it. */
@QuarkusTest
class WorkloadRequestIngressTest {

    static String body(String queue) {
        return """
                {"name":"from-kafka","queue":"%s","image":"registry/train:1","framework":"tensorflow","workers":2,
                 "resources":{"gpus":1,"cpuMilli":2000,"memoryMib":8192}}
                """.formatted(queue);
    }

    @Test
    void aRepeatedRequestIdYieldsOneWorkload() {
        String queue = "kq-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = "req-" + UUID.randomUUID();

        TestKafka.send(Topics.WORKLOAD_REQUESTS, requestId, body(queue), Map.of());
        TestKafka.send(Topics.WORKLOAD_REQUESTS, requestId, body(queue), Map.of());
        String marker = "kq-" + UUID.randomUUID().toString().substring(0, 8);
        TestKafka.send(Topics.WORKLOAD_REQUESTS, "req-" + UUID.randomUUID(), body(marker), Map.of());

        // The marker comes after both copies on the same consumer: once it is in, both copies were handled.
        awaitCount(marker, 1);
        given().queryParam("queue", queue).get("/api/v1/workloads").then().body("total", equalTo(1))
                .body("items[0].spec.framework", equalTo("tensorflow"));
    }

    @Test
    void aMalformedRecordGoesToTheDeadLetterTopicAndTheNextRecordIsProcessed() {
        String badKey = "bad-" + UUID.randomUUID();
        String invalidKey = "invalid-" + UUID.randomUUID();
        String mistypedKey = "mistyped-" + UUID.randomUUID();
        String queue = "kq-" + UUID.randomUUID().toString().substring(0, 8);

        TestKafka.send(Topics.WORKLOAD_REQUESTS, badKey, "{this is not json", Map.of());
        TestKafka.send(Topics.WORKLOAD_REQUESTS, invalidKey, body(queue).replace("\"workers\":2", "\"workers\":0")
                .replace("registry/train:1", ""), Map.of());
        TestKafka.send(Topics.WORKLOAD_REQUESTS, mistypedKey, body(queue).replace("\"workers\":2", "\"workers\":\"many\""),
                Map.of());
        TestKafka.send(Topics.WORKLOAD_REQUESTS, "good-" + UUID.randomUUID(), body(queue), Map.of());

        awaitCount(queue, 1);
        var dead = TestKafka.await(Topics.deadLetter("submission-service"), r -> badKey.equals(r.key()),
                Duration.ofSeconds(20));
        assertThat(dead.value()).isEqualTo("{this is not json");
        assertThat(TestKafka.header(dead, "dead-letter-reason")).startsWith("not a training job: the value is not JSON")
                .doesNotContain("TrainingJobSpec");
        var mistyped = TestKafka.await(Topics.deadLetter("submission-service"), r -> mistypedKey.equals(r.key()),
                Duration.ofSeconds(20));
        // The field and what was expected, as the REST API words it: no Java type names.
        assertThat(TestKafka.header(mistyped, "dead-letter-reason"))
                .isEqualTo("not a training job: workers: expected a number");
        var invalid = TestKafka.await(Topics.deadLetter("submission-service"), r -> invalidKey.equals(r.key()),
                Duration.ofSeconds(20));
        assertThat(TestKafka.header(invalid, "dead-letter-reason")).contains("image is required");
    }

    @Test
    void aStructuredModeCloudEventIsReadLikeABinaryOne() {
        String queue = "kq-" + UUID.randomUUID().toString().substring(0, 8);
        String id = "req-" + UUID.randomUUID();
        String envelope = """
                {"specversion":"1.0","id":"%s","source":"/ci/pipeline-7","type":"dev.capstan.workload.submit.v1",
                 "datacontenttype":"application/json","data":%s}
                """.formatted(id, body(queue).replace("\"gpus\":1", "\"gpus\":1,\"gpuModels\":[\"A100\"]"));
        // (A100: the scheduler's test counts on the unconstrained jobs other tests leave in the shared topics.)
        // Structured mode: the whole envelope is the value, the key is optional (the CloudEvents id stands in).
        TestKafka.send(Topics.WORKLOAD_REQUESTS, null, envelope,
                Map.of("content-type", "application/cloudevents+json; charset=UTF-8"));
        TestKafka.send(Topics.WORKLOAD_REQUESTS, null, envelope,
                Map.of("content-type", "application/cloudevents+json; charset=UTF-8"));

        awaitCount(queue, 1);
        given().queryParam("queue", queue).get("/api/v1/workloads").then()
                .body("items[0].spec.framework", equalTo("tensorflow"));

        String noData = "nodata-" + UUID.randomUUID();
        TestKafka.send(Topics.WORKLOAD_REQUESTS, noData, "{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":"
                + "\"dev.capstan.workload.submit.v1\",\"data_base64\":\"e30=\"}",
                Map.of("content-type", "application/cloudevents+json"));
        var dead = TestKafka.await(Topics.deadLetter("submission-service"), r -> noData.equals(r.key()),
                Duration.ofSeconds(20));
        assertThat(TestKafka.header(dead, "dead-letter-reason")).contains("data").doesNotContain("Exception");
    }

    static void awaitCount(String queue, int n) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().queryParam("queue", queue).get("/api/v1/workloads").then().body("total", equalTo(n)));
    }
}

package dev.capstan.submission.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.capstan.events.EventCodec;
import dev.capstan.events.Topics;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Kubernetes-style documents as the value of records on capstan.workload-requests, next to the typed records. */
@QuarkusTest
class SpecDocumentIngressTest {

    static final String DLQ = Topics.deadLetter("submission-service");

    static String job(String queue, String memory) {
        return """
                {"apiVersion":"capstan.dev/v1","kind":"TrainingJob","metadata":{"name":"from-kafka"},
                 "spec":{"queue":"%s","image":"registry/train:1","framework":"pytorch","workers":2,
                         "resources":{"nvidia.com/gpu":1,"memory":"%s"},"gpuModels":["FUZZ-GPU"]}}
                """.formatted(queue, memory);
    }

    @Test
    void documentsOfEachKindAreTakenAndBadOnesAreDeadLetteredWithTheirPointer() {
        String queue = "kq-" + UUID.randomUUID().toString().substring(0, 8);
        String experiment = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        String badQuantity = "badq-" + UUID.randomUUID();
        String wrongType = "wrongtype-" + UUID.randomUUID();
        String invalid = "invalid-" + UUID.randomUUID();

        TestKafka.send(Topics.WORKLOAD_REQUESTS, badQuantity, job(queue, "16GB"), Map.of());
        TestKafka.send(Topics.WORKLOAD_REQUESTS, wrongType, job(queue, "16Gi"),
                Map.of("ce_type", "dev.capstan.inferenceservice.create.v1"));
        TestKafka.send(Topics.WORKLOAD_REQUESTS, invalid, job(queue, "16Gi").replace("\"workers\":2", "\"workers\":600")
                .replace("registry/train:1", ""),
                Map.of());
        TestKafka.send(Topics.WORKLOAD_REQUESTS, "exp-req-" + UUID.randomUUID(), """
                {"apiVersion":"capstan.dev/v1","kind":"Experiment","metadata":{"name":"%s"},
                 "spec":{"queue":"research","objective":{"metric":"top_1","direction":"maximize"},
                   "searchSpace":{"parameters":[{"name":"lr","type":"log-float","min":0.001,"max":0.1}]},
                   "algorithm":{"name":"random"},"budget":{"maxTrials":2},
                   "trialTemplate":{"spec":{"image":"registry/train:1","resources":{"nvidia.com/gpu":1}}}}}
                """.formatted(experiment), Map.of("ce_type", "dev.capstan.experiment.create.v1"));
        TestKafka.send(Topics.WORKLOAD_REQUESTS, "good-" + UUID.randomUUID(), job(queue, "16Gi"), Map.of());

        WorkloadRequestIngressTest.awaitCount(queue, 1);
        given().queryParam("queue", queue).get("/api/v1/workloads").then()
                .body("items[0].spec.resources.memoryMib", equalTo(16_384))
                .body("items[0].spec.resources.cpuMilli", equalTo(4_000));
        var submitted = TestKafka.await(Topics.WORKLOADS, r -> experiment.equals(r.key()), Duration.ofSeconds(30));
        var event = (WorkloadEvent.ExperimentSubmitted) EventCodec.fromJson(TestKafka.header(submitted, "ce_type"),
                submitted.value());
        assertThat(event.spec().trialTemplate().queue()).isEqualTo("research");
        assertThat(event.spec().trialTemplate().name()).isEqualTo(experiment);

        assertThat(reason(badQuantity)).isEqualTo("not a valid document: /spec/resources/memory: '16GB' has an "
                + "unknown suffix 'GB': expected one of m, k, M, G, T, P, E (powers of 1000), Ki, Mi, Gi, Ti, Pi, Ei "
                + "(powers of 1024) or an exponent such as e3");
        assertThat(reason(wrongType)).isEqualTo("a TrainingJob document is sent with ce_type "
                + "dev.capstan.workload.submit.v1 or none, not dev.capstan.inferenceservice.create.v1");
        assertThat(reason(invalid)).contains("/spec/image is required", "/spec/workers must be between 1 and 512");
    }

    static String reason(String key) {
        return TestKafka.header(TestKafka.await(DLQ, r -> key.equals(r.key()), Duration.ofSeconds(20)),
                "dead-letter-reason");
    }
}

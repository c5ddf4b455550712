package dev.capstan.autoscaler.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.Topics;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.rest.testing.Fuzz;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Against the real broker the build starts: samples in → decisions out; an unreadable record → dead letters. */
@QuarkusTest
class AutoscalerKafkaTest {

    @TestHTTPResource("/api/v1/autoscaling")
    URI autoscaling;

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    @Test
    void samplesBecomeOrderedDecisionsAndBadRecordsGoToTheDeadLetterTopic() throws Exception {
        String service = "fraud-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaProducer<String, String> producer = producer();
                KafkaConsumer<String, String> scaling = consumer(Topics.SCALING);
                KafkaConsumer<String, String> dlq = consumer(Topics.deadLetter("autoscaler-service"))) {
            send(producer, Topics.WORKLOADS, service, new WorkloadEvent.InferenceServiceChanged(service, "default",
                    "fraud@production", null, 0, 40, 1.0, 0, true, 30, 5, 2000, Instant.now()));
            // 14 rps for a few seconds: at 70 % of 1 rps per replica that needs about 20 replicas (bound: 40).
            Instant start = Instant.now().minusSeconds(6);
            for (int i = 0; i < 6; i++) {
                send(producer, Topics.INFERENCE_METRICS, service, new InferenceMetricsEvent.RequestRateSample(service,
                        start.plusSeconds(i), 1.0, 14, 0, 120, 0));
            }
            producer.send(new ProducerRecord<>(Topics.INFERENCE_METRICS, service, "{not json")).get();
            producer.flush();

            List<ScalingEvent.ScaleDecided> decisions = new ArrayList<>();
            ConsumerRecord<String, String> dead = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && (decisions.isEmpty() || dead == null
                    || decisions.get(decisions.size() - 1).desiredReplicas() == 0)) {
                for (ConsumerRecord<String, String> r : scaling.poll(Duration.ofMillis(200))) {
                    if (service.equals(r.key()) && EventCodec.fromJson(type(r), r.value())
                            instanceof ScalingEvent.ScaleDecided d) {
                        decisions.add(d);
                    }
                }
                for (ConsumerRecord<String, String> r : dlq.poll(Duration.ofMillis(200))) {
                    if (service.equals(r.key())) {
                        dead = r;
                    }
                }
            }
            assertThat(decisions).isNotEmpty();
            // The settings and the samples come on two topics: a tick may fall between them (held for want of data).
            ScalingEvent.ScaleDecided first = decisions.stream().filter(d -> !d.reason().equals("hold-no-data"))
                    .findFirst().orElseThrow(() -> new AssertionError("no decision on data: " + decisions));
            assertThat(first.service()).isEqualTo(service);
            assertThat(first.desiredReplicas()).as("decisions %s", decisions).isBetween(10, 40);
            assertThat(first.reason()).isEqualTo("from-zero");
            assertThat(first.policy()).isEqualTo("capstan");
            assertThat(dead).as("the unreadable record on the dead-letter topic").isNotNull();
            assertThat(dead.value()).isEqualTo("{not json");

            given().when().get("/api/v1/autoscaling/" + service).then().statusCode(200)
                    .body("service", equalTo(service)).body("settings.maxReplicas", equalTo(40));
            given().when().get("/api/v1/autoscaling/no-such-service").then().statusCode(404)
                    .contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("no-such-service"));
            String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).contains("capstan_autoscaler_desired_replicas").contains(service);
            // Why it scaled, countable per service and reason; how long a decision pass takes.
            assertThat(metrics).containsPattern("capstan_autoscaler_scale_changes_total\\{[^}]*reason=\"from-zero\""
                    + "[^}]*service=\"" + service + "\"");
            assertThat(metrics).contains("capstan_autoscaler_loop_seconds_count");
            // The same by reason over all services (the dashboards' panel), every reason from zero; rollout verdicts
            // from zero before any rollout ended.
            assertThat(metrics).containsPattern("(?m)^capstan_autoscaler_decisions_total\\{reason=\"from-zero\"} [1-9]")
                    .containsPattern("(?m)^capstan_autoscaler_decisions_total\\{reason=\"hold-no-data\"} ")
                    .containsPattern("(?m)^capstan_autoscaler_rollout_verdicts_total\\{verdict=\"rolled-back\"} ")
                    .containsPattern("(?m)^capstan_autoscaler_rollout_verdicts_total\\{verdict=\"promoted\"} ");

            // Deleted by its owner: the autoscaler forgets it.
            send(producer, Topics.WORKLOADS, service, new WorkloadEvent.InferenceServiceDeleted(service, "retired",
                    Instant.now()));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    given().when().get("/api/v1/autoscaling/" + service).statusCode() == 404);
        }
    }

    static String type(ConsumerRecord<String, String> r) {
        return new String(r.headers().lastHeader(CloudEventHeaders.CE_TYPE).value(), StandardCharsets.UTF_8);
    }

    static void send(KafkaProducer<String, String> p, String topic, String key, CapstanEvent e)
            throws Exception {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, key, EventCodec.toJson(e));
        CloudEventHeaders.forEvent(e, "test", Instant.now()).asHeaders()
                .forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        p.send(r).get();
    }

    static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    static KafkaConsumer<String, String> consumer(String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("group.id", "autoscaler-test-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** Junk service names and query strings: no 5xx, every refusal problem+json. */
    @Test
    void junkServiceNamesNeverGet5xxAndEveryRefusalIsAProblem() throws Exception {
        Fuzz fuzz = new Fuzz().junkUnder(autoscaling, "window", 10_000);

        String firstViolations = fuzz.report("GET /api/v1/autoscaling/{service}");
        assertThat(fuzz.violations()).as(firstViolations).isEmpty();
        assertThat(fuzz.statuses().keySet()).contains(404);
    }
}

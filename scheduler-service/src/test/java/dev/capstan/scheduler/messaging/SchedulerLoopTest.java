package dev.capstan.scheduler.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.Framework;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Resources;
import dev.capstan.events.Topics;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.rest.testing.Fuzz;
import dev.capstan.scheduler.domain.placement.PlacementPolicies;
import dev.capstan.scheduler.domain.queue.SchedulerCore;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on the build's real broker: nodes and workloads in, placements out. Other tests'
 * workloads are in the same topics, so this test's node has a GPU model nobody else asks for.
 */
@QuarkusTest
class SchedulerLoopTest {

    @TestHTTPResource("/api/v1/scheduler")
    URI schedulerApi;

    static final String BOOTSTRAP = System.getProperty("capstan.kafka", "127.0.0.1:9092");

    @Test
    void admitsAGangOnTheNodeWithItsModelAndReportsWhatCannotFit() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String model = "TESTGPU-" + run;
        String node = "node-" + run;
        Instant t = Instant.now();
        publish(new NodeEvent.NodeUpdated(node, 256_000, 2_097_152, IntStream.range(0, 16)
                .mapToObj(i -> new NodeEvent.Gpu(i, model, 40960, "island-" + i / 8)).toList(),
                Map.of("topology.capstan.dev/rack", "rack-t"), true, List.of(), t), "executor-service");
        String gang = "wl-gang-" + run;
        String huge = "wl-huge-" + run;
        publish(submitted(gang, model, 3, 2), "submission-service");
        publish(submitted(huge, model, 1, 32), "submission-service");

        var admitted = (PlacementEvent.WorkloadAdmitted) await(PlacementEvent.WorkloadAdmitted.class,
                e -> e.workloadId().equals(gang));
        assertThat(admitted.attempt()).isEqualTo(1);
        assertThat(admitted.pods()).hasSize(3).allSatisfy(p -> {
            assertThat(p.node()).isEqualTo(node);
            assertThat(p.gpuIndices()).hasSize(2);
            assertThat(p.gpuModel()).isEqualTo(model);
        });
        assertThat(admitted.pods().stream().flatMap(p -> p.gpuIndices().stream()).toList()).doesNotHaveDuplicates();

        var pending = (PlacementEvent.WorkloadPending) await(PlacementEvent.WorkloadPending.class,
                e -> e.workloadId().equals(huge));
        assertThat(pending.reason()).isNotBlank();

        // Once the gang finishes its GPUs are free again: a second gang of 10 GPUs fits even if the
        // other tests' unconstrained jobs (at most 6 GPUs) landed here too, which it would not without the release.
        publish(new ExecutionEvent.WorkloadSucceeded(gang, 1, Instant.now()), "executor-service");
        String second = "wl-second-" + run;
        publish(submitted(second, model, 5, 2), "submission-service");
        var next = (PlacementEvent.WorkloadAdmitted) await(PlacementEvent.WorkloadAdmitted.class,
                e -> e.workloadId().equals(second));
        assertThat(next.pods()).extracting(PodAssignment::node).containsOnly(node);

        given().get("/api/v1/scheduler/state").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);

        // What the dashboards and alerts read (deploy/grafana, deploy/prometheus): the huge job still waits, the
        // two gangs waited in their queue, GPU figures are there (other tests' nodes share the broker, so no totals).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).containsPattern("(?m)^capstan_scheduler_queue_waiting\\{queue=\"sched-test\"} [1-9]")
                    .containsPattern("(?m)^capstan_scheduler_queue_oldest_wait_seconds\\{queue=\"sched-test\"} ")
                    .containsPattern("(?m)^capstan_scheduler_queue_wait_seconds_count\\{queue=\"sched-test\"} [1-9]")
                    .containsPattern("(?m)^capstan_scheduler_queue_wait_seconds_bucket\\{queue=\"sched-test\",le=\"60.0\"}")
                    .containsPattern("(?m)^capstan_scheduler_gpus_capacity [1-9]")
                    .containsPattern("(?m)^capstan_scheduler_gpus_allocated ")
                    .containsPattern("(?m)^capstan_scheduler_gpus_stranded ")
                    .containsPattern("(?m)^capstan_scheduler_cycle_seconds_bucket\\{le=\"0.001\"}")
                    .containsPattern("(?m)^capstan_scheduler_admitted_total\\{queue=\"sched-test\"} [1-9]");
        });
    }

    /**
     * The deciding instance writes checkpoints; a core restored from the last one plus the log after its positions
     * holds the admission's GPUs (a restart gives nothing twice) and frees them on the release.
     */
    @Test
    void aCheckpointAndTheLogAfterItRestoreTheAdmissionsAndTheirCapacity() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String model = "CKPTGPU-" + run;
        String node = "node-ckpt-" + run;
        String big = "wl-ckpt-" + run;
        // Submitted first, with a priority above the other tests' waiting jobs (which may ask for any model): when its
        // node comes, it is the first one tried there.
        var s = submitted(big, model, 1, 8);
        publish(new WorkloadEvent.WorkloadSubmitted(big, new TrainingJobSpec(s.spec().name(), s.spec().queue(),
                s.spec().image(), s.spec().command(), s.spec().framework(), 1, s.spec().resources(), 100, Map.of(),
                Map.of(), null), s.submittedAt()), "submission-service");
        await(PlacementEvent.WorkloadPending.class, e -> e.workloadId().equals(big)); // read before its node comes
        publish(new NodeEvent.NodeUpdated(node, 64_000, 524_288, IntStream.range(0, 8)
                .mapToObj(i -> new NodeEvent.Gpu(i, model, 40960, "island-0")).toList(), Map.of(), true, List.of(),
                Instant.now()), "executor-service");
        await(PlacementEvent.WorkloadAdmitted.class, e -> e.workloadId().equals(big));

        CheckpointStore store = new CheckpointStore(BOOTSTRAP, "capstan.scheduler-checkpoints");
        CheckpointStore.Loaded loaded = org.awaitility.Awaitility.await("a checkpoint holding " + big)
                .atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(300))
                .until(store::load, l -> l.isPresent() && l.get().checkpoint().admissions().stream()
                        .anyMatch(h -> h.workloadId().equals(big))).orElseThrow();
        assertThat(loaded.positions()).isNotEmpty();

        SchedulerCore core = SchedulerCore.restore(PlacementPolicies.byName("capstan"), loaded.checkpoint());
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = loaded.positions().keySet().stream().toList();
            c.assign(parts);
            loaded.positions().forEach(c::seek);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts));
            while (!end.isEmpty()) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    CapstanEvent e = SchedulerLoop.read(r);
                    if (e != null) {
                        core.apply(e);
                    }
                }
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
        }
        core.finishReplay();
        assertThat(core.checkpoint().admissions()).filteredOn(h -> h.workloadId().equals(big)).singleElement()
                .satisfies(h -> assertThat(h.pods()).singleElement().satisfies(pod -> {
                    assertThat(pod.node()).isEqualTo(node);
                    assertThat(pod.gpuIndices()).hasSize(8);
                }));
        assertThat(core.snapshot().gpusInUseByNode()).containsEntry(node, 8); // all 8 taken, by it alone

        String small = "wl-ckpt-small-" + run;
        core.apply(submitted(small, model, 1, 1));
        assertThat(core.cycle(Instant.now())).filteredOn(d -> d.workloadId().equals(small)).singleElement()
                .isInstanceOf(PlacementEvent.WorkloadPending.class);
        core.apply(new ExecutionEvent.WorkloadSucceeded(big, 1, Instant.now()));
        assertThat(core.snapshot().gpusInUseByNode().getOrDefault(node, 0)).isZero();
    }

    static WorkloadEvent.WorkloadSubmitted submitted(String id, String model, int workers, int gpus) {
        return new WorkloadEvent.WorkloadSubmitted(id, new TrainingJobSpec(id, "sched-test", "img", List.of(),
                Framework.PYTORCH, workers, new Resources(gpus, 1000, List.of(model), 1000, 1024), 0, Map.of(),
                Map.of(), null), Instant.now());
    }

    static void publish(CapstanEvent e, String source) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            ProducerRecord<String, String> r = new ProducerRecord<>(e.topic(), e.subject(), EventCodec.toJson(e));
            CloudEventHeaders.forEvent(e, source, Instant.now()).asHeaders()
                    .forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(r).get();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    static <T extends PlacementEvent> PlacementEvent await(Class<T> type, Predicate<T> match) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(Topics.PLACEMENTS));
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    String ceType = new String(r.headers().lastHeader(CloudEventHeaders.CE_TYPE).value(),
                            StandardCharsets.UTF_8);
                    var event = EventCodec.fromJson(ceType, r.value());
                    if (type.isInstance(event) && match.test(type.cast(event))) {
                        return (PlacementEvent) event;
                    }
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within 30 s");
    }

    /** Junk paths and query strings on the scheduler's REST API: no 5xx, every refusal problem+json. */
    @Test
    void junkPathsNeverGet5xxAndEveryRefusalIsAProblem() throws Exception {
        Fuzz fuzz = new Fuzz().junkUnder(schedulerApi, "queue", 10_000);

        String firstViolations = fuzz.report("GET /api/v1/scheduler/{junk}");
        assertThat(fuzz.violations()).as(firstViolations).isEmpty();
        assertThat(fuzz.statuses().keySet()).contains(404);
    }
}

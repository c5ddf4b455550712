package dev.capstan.autoscaler.messaging;

import static dev.capstan.autoscaler.messaging.AutoscalerKafkaTest.consumer;
import static dev.capstan.autoscaler.messaging.AutoscalerKafkaTest.producer;
import static dev.capstan.autoscaler.messaging.AutoscalerKafkaTest.send;
import static dev.capstan.autoscaler.messaging.AutoscalerKafkaTest.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.autoscaler.rollout.ServingPlanner;
import dev.capstan.events.EventCodec;
import dev.capstan.events.InferenceMetricsEvent;
import dev.capstan.events.ModelEvent;
import dev.capstan.events.Resources;
import dev.capstan.events.RolloutPolicy;
import dev.capstan.events.ScalingEvent;
import dev.capstan.events.Topics;
import dev.capstan.events.WorkloadEvent;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * Against the real broker: the alias a service names becomes its serving plan, a new version is tried as a canary and
 * rolled back when the gateway reports it failing, and a deleted service's replicas are released.
 */
@QuarkusTest
class ServingPlansKafkaTest {

    @Test
    void anAliasBecomesAPlanABadCanaryIsRolledBackAndADeletedServiceReleasesItsReplicas() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String service = "chat-" + id;
        String model = "llm-" + id;
        try (KafkaProducer<String, String> producer = producer();
                KafkaConsumer<String, String> scaling = consumer(Topics.SCALING)) {
            List<ScalingEvent.RevisionsPlanned> plans = new ArrayList<>();
            deploy(producer, service, model, 10, 0, List.of(20, 100));
            samples(producer, service, null, 10, 0, 2, 3);

            ScalingEvent.RevisionsPlanned first = await(scaling, service, plans, p -> !p.revisions().isEmpty());
            assertThat(first.revisions()).singleElement().satisfies(r -> {
                assertThat(r.name()).isEqualTo("v1");
                assertThat(r.artifactUri()).isEqualTo("s3://m/1");
                assertThat(r.weight()).isEqualTo(100);
                assertThat(r.replicas()).isGreaterThanOrEqualTo(2);
            });
            assertThat(first.queue()).isEqualTo("serving");
            assertThat(first.image()).isEqualTo("serve:1");

            promoteV2(producer, model);
            ScalingEvent.RevisionsPlanned surge = await(scaling, service, plans, p -> p.rollout() != null);
            assertThat(surge.revisions()).extracting(ScalingEvent.Revision::name)
                    .containsExactly("v1", "v2", "v1-baseline");
            assertThat(surge.rollout().phase()).isEqualTo(ServingPlanner.SURGING);

            // The gateway: every planned replica is ready at once, and v2 fails one request in five.
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            ScalingEvent.RevisionsPlanned verdict = null;
            while (verdict == null && System.nanoTime() < deadline) {
                ScalingEvent.RevisionsPlanned now = plans.get(plans.size() - 1);
                samples(producer, service, null, 10, 0, now.revisions().stream()
                        .mapToInt(ScalingEvent.Revision::replicas).sum(), 1);
                for (ScalingEvent.Revision r : now.revisions()) {
                    samples(producer, service, r.name(), 10, r.name().equals("v2") ? 2 : 0, r.replicas(), 1);
                }
                verdict = poll(scaling, service, plans, p -> p.rollout() != null
                        && ServingPlanner.ROLLED_BACK.equals(p.rollout().phase()));
            }
            assertThat(verdict).as("plans %s", plans).isNotNull();
            assertThat(verdict.revisions()).extracting(ScalingEvent.Revision::name, ScalingEvent.Revision::weight)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("v1", 100));
            assertThat(verdict.reason()).startsWith("canary failed: errors 20.0 % vs 0.0 %");
            assertThat(plans).anySatisfy(p -> assertThat(p.rollout() != null
                    && ServingPlanner.CANARY.equals(p.rollout().phase())).isTrue());

            send(producer, Topics.WORKLOADS, service, new WorkloadEvent.InferenceServiceDeleted(service, "retired",
                    Instant.now()));
            ScalingEvent.RevisionsPlanned deleted = await(scaling, service, plans, p -> p.revisions().isEmpty());
            assertThat(deleted.reason()).isEqualTo(ScalingEvent.RevisionsPlanned.DELETED);
        }
    }

    @Test
    void anOverloadedCanaryIsJudgedOnItsReplicasNotOnTheRequestsItsQueueRefused() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String service = "busy-" + id;
        String model = "llm-" + id;
        try (KafkaProducer<String, String> producer = producer();
                KafkaConsumer<String, String> scaling = consumer(Topics.SCALING)) {
            List<ScalingEvent.RevisionsPlanned> plans = new ArrayList<>();
            // At most 2 replicas: the autoscaler cannot add capacity, and every revision's queue overflows.
            deploy(producer, service, model, 2, 2000, List.of(50, 100));
            samples(producer, service, null, 200, 0, 0, 40, 2, 3);
            await(scaling, service, plans, p -> !p.revisions().isEmpty());
            promoteV2(producer, model);
            await(scaling, service, plans, p -> p.rollout() != null);

            // The gateway: each revision gets 4× what its replicas take. Three in four requests wait past the
            // timeout (refused), those served wait seconds in the queue; the replicas themselves fail none and
            // answer in 40 ms. The canary's queue gets the worse share of each burst.
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            ScalingEvent.RevisionsPlanned verdict = null;
            while (verdict == null && System.nanoTime() < deadline) {
                ScalingEvent.RevisionsPlanned now = plans.get(plans.size() - 1);
                int all = now.revisions().stream().mapToInt(ScalingEvent.Revision::replicas).sum();
                samples(producer, service, null, 200, 140, 140, 40, all, 1);
                for (ScalingEvent.Revision r : now.revisions()) {
                    long refused = r.name().equals("v2") ? 90 : 60;
                    samples(producer, service, r.name(), 100, refused, refused,
                            r.name().equals("v2") ? 40 : 35, r.replicas(), 1);
                }
                verdict = poll(scaling, service, plans, p -> p.rollout() != null
                        && (ServingPlanner.ROLLED_BACK.equals(p.rollout().phase())
                                || ServingPlanner.PROMOTED.equals(p.rollout().phase())));
            }
            assertThat(verdict).as("plans %s", plans).isNotNull();
            assertThat(verdict.rollout().phase()).as(verdict.reason()).isEqualTo(ServingPlanner.PROMOTED);
            assertThat(verdict.revisions()).extracting(ScalingEvent.Revision::name).contains("v2");
        }
    }

    /** Model version 1 under the alias {@code production}, and a service of 2 to {@code maxReplicas} serving it. */
    private static void deploy(KafkaProducer<String, String> producer, String service, String model, int maxReplicas,
            int queueTimeoutMillis, List<Integer> steps) throws Exception {
        send(producer, Topics.MODELS, model, new ModelEvent.ModelVersionRegistered(model, 1, "s3://m/1", null,
                Instant.now(), null, null, null));
        send(producer, Topics.MODELS, model, new ModelEvent.ModelAliasMoved(model, "production", null, 1,
                "first", Instant.now(), "ana"));
        send(producer, Topics.WORKLOADS, service, new WorkloadEvent.InferenceServiceChanged(service, "serving",
                model + "@production", new Resources(1, 500, List.of(), 1000, 4096), 2, maxReplicas, 5.0, 0, false,
                30, 5, queueTimeoutMillis, Instant.now(), "serve:1", new RolloutPolicy(1, steps, 2, 30, 1.0, 1.5),
                1));
    }

    /** Model version 2 registered and promoted to {@code production}: a rollout begins. */
    private static void promoteV2(KafkaProducer<String, String> producer, String model) throws Exception {
        send(producer, Topics.MODELS, model, new ModelEvent.ModelVersionRegistered(model, 2, "s3://m/2", null,
                Instant.now(), null, null, null));
        send(producer, Topics.MODELS, model, new ModelEvent.ModelAliasMoved(model, "production", 1, 2,
                "promote", Instant.now(), "ana"));
    }

    /** {@code seconds} samples ending now: the whole service's when {@code revision} is null, else one revision's. */
    private static void samples(KafkaProducer<String, String> producer, String service, String revision,
            long requests, long errors, int ready, int seconds) throws Exception {
        samples(producer, service, revision, requests, errors, 0, 40, ready, seconds);
    }

    /**
     * The same, with {@code refused} of the errors failed for want of capacity: those served waited 5 s in the queue
     * before the replicas answered in {@code replicaP99Ms}.
     */
    private static void samples(KafkaProducer<String, String> producer, String service, String revision,
            long requests, long errors, long refused, double replicaP99Ms, int ready, int seconds) throws Exception {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        double p99 = refused > 0 ? 5000 + replicaP99Ms : replicaP99Ms;
        for (int i = seconds; i > 0; i--) {
            send(producer, Topics.INFERENCE_METRICS, service, new InferenceMetricsEvent.RequestRateSample(service,
                    now.minusSeconds(i), 1.0, requests, Math.min(requests, ready), p99, ready, revision, errors, 30,
                    refused, refused > 0 ? replicaP99Ms : 0));
        }
    }

    private static ScalingEvent.RevisionsPlanned await(KafkaConsumer<String, String> scaling, String service,
            List<ScalingEvent.RevisionsPlanned> seen, Predicate<ScalingEvent.RevisionsPlanned> what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            ScalingEvent.RevisionsPlanned p = poll(scaling, service, seen, what);
            if (p != null) {
                return p;
            }
        }
        throw new AssertionError("no such plan of " + service + " within 30 s; seen " + seen);
    }

    private static ScalingEvent.RevisionsPlanned poll(KafkaConsumer<String, String> scaling, String service,
            List<ScalingEvent.RevisionsPlanned> seen, Predicate<ScalingEvent.RevisionsPlanned> what) {
        ScalingEvent.RevisionsPlanned found = null;
        for (ConsumerRecord<String, String> r : scaling.poll(Duration.ofMillis(300))) {
            if (service.equals(r.key()) && EventCodec.fromJson(type(r), r.value())
                    instanceof ScalingEvent.RevisionsPlanned p) {
                seen.add(p);
                if (found == null && what.test(p)) {
                    found = p;
                }
            }
        }
        return found;
    }
}

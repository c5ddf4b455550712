package dev.capstan.submission.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.EventCodec;
import dev.capstan.events.EventTypes;
import dev.capstan.events.Topics;
import dev.capstan.events.WorkloadEvent;
import dev.capstan.events.WorkloadRequest;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Tuning experiments submitted and stopped over Kafka, as a plain producer sends them. */
@QuarkusTest
class ExperimentIngressTest {

    static final String CREATE = EventTypes.typeOf(WorkloadRequest.CreateExperiment.class);
    static final String STOP = EventTypes.typeOf(WorkloadRequest.StopExperiment.class);
    static final String DLQ = Topics.deadLetter("submission-service");

    static String experiment(String name) {
        return """
                {"name":"%s","objective":{"metric":"top_1","direction":"maximize"},
                 "searchSpace":{"parameters":[{"name":"lr","type":"log-float","min":0.001,"max":0.1}]},
                 "algorithm":{"name":"random"},"budget":{"maxTrials":4},
                 "trialTemplate":{"name":"t","queue":"research","image":"registry/train:1","framework":"pytorch",
                   "workers":1,"resources":{"gpus":1,"cpuMilli":2000,"memoryMib":8192},"env":{"LR":"${lr}"}}}
                """.formatted(name);
    }

    @Test
    void anExperimentIsRecordedOncePublishedForTuningServiceAndStopped() {
        String name = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = "req-" + UUID.randomUUID();

        TestKafka.send(Topics.WORKLOAD_REQUESTS, requestId, experiment(name), Map.of("ce_type", CREATE));
        TestKafka.send(Topics.WORKLOAD_REQUESTS, requestId, experiment(name), Map.of("ce_type", CREATE));
        TestKafka.send(Topics.WORKLOAD_REQUESTS, "req-" + UUID.randomUUID(),
                "{\"name\":\"" + name + "\",\"reason\":\"enough\"}", Map.of("ce_type", STOP));

        // The outbox publishes in commit order on the experiment's key: a second submitted event would come before the
        // stop.
        List<WorkloadEvent> events = TestKafka.awaitAll(Topics.WORKLOADS, r -> name.equals(r.key()), 2,
                Duration.ofSeconds(30)).stream()
                .map(r -> (WorkloadEvent) EventCodec.fromJson(TestKafka.header(r, "ce_type"), r.value())).toList();
        assertThat(events.get(0)).isInstanceOfSatisfying(WorkloadEvent.ExperimentSubmitted.class, s -> {
            assertThat(s.requestId()).isEqualTo(requestId);
            assertThat(s.spec().name()).isEqualTo(name);
            assertThat(s.spec().trialTemplate().env()).containsEntry("LR", "${lr}");
            assertThat(s.spec().searchSpace().parameters().get(0).type()).isEqualTo("log-float");
        });
        assertThat(events.get(1)).isInstanceOfSatisfying(WorkloadEvent.ExperimentStopRequested.class,
                s -> assertThat(s.reason()).isEqualTo("enough"));
    }

    @Test
    void aBadExperimentRequestIsDeadLetteredWithItsReason() {
        String badName = "bad-" + UUID.randomUUID();
        String taken = "taken-" + UUID.randomUUID();
        String unknown = "unknown-" + UUID.randomUUID();
        String mistyped = "mistyped-" + UUID.randomUUID();
        String name = "exp-" + UUID.randomUUID().toString().substring(0, 8);

        TestKafka.send(Topics.WORKLOAD_REQUESTS, badName, experiment("Not A Label"), Map.of("ce_type", CREATE));
        TestKafka.send(Topics.WORKLOAD_REQUESTS, "req-" + UUID.randomUUID(), experiment(name),
                Map.of("ce_type", CREATE));
        // The good request went through before the same name comes again (under another key, so on another partition:
        // sent at once, either could be the one taken first).
        TestKafka.await(Topics.WORKLOADS, r -> name.equals(r.key()), Duration.ofSeconds(30));
        TestKafka.send(Topics.WORKLOAD_REQUESTS, taken, experiment(name), Map.of("ce_type", CREATE));
        TestKafka.send(Topics.WORKLOAD_REQUESTS, unknown, "{\"name\":\"never-submitted\"}", Map.of("ce_type", STOP));
        TestKafka.send(Topics.WORKLOAD_REQUESTS, mistyped, experiment(name).replace("\"maxTrials\":4",
                "\"maxTrials\":\"many\""), Map.of("ce_type", CREATE));

        assertThat(reason(badName)).isEqualTo("name must be a DNS label of at most 40 characters (a-z, 0-9, '-')");
        assertThat(reason(taken)).contains("an experiment named '" + name + "' was submitted already");
        assertThat(reason(unknown)).startsWith("no experiment named 'never-submitted'");
        assertThat(reason(mistyped)).isEqualTo("not a tuning experiment: budget.maxTrials: expected a number");
    }

    private static String reason(String key) {
        return TestKafka.header(TestKafka.await(DLQ, r -> key.equals(r.key()), Duration.ofSeconds(30)),
                "dead-letter-reason");
    }
}

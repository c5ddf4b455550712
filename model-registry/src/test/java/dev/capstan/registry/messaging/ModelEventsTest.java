package dev.capstan.registry.messaging;

import static dev.capstan.registry.rest.Fixtures.modelWithVersions;
import static dev.capstan.registry.rest.Fixtures.promote;
import static dev.capstan.registry.rest.Fixtures.uniqueModel;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.CapstanEvent;
import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.ModelEvent;
import dev.capstan.events.Topics;
import dev.capstan.support.testing.TestKafka;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Every registration and alias move reaches capstan.models through the outbox, in order, keyed by model. */
@QuarkusTest
class ModelEventsTest {

    @Test
    void registrationsMovesRollbacksAndRemovalsArePublishedInOrder() {
        String name = uniqueModel("events");
        modelWithVersions(name, 2);
        promote(name, "production", 1, null, "first").then().statusCode(200);
        promote(name, "production", 2, null, "second").then().statusCode(200);
        given().header("X-Capstan-User", "oncall").post("/api/v1/models/" + name + "/aliases/production/rollback")
                .then().statusCode(200);
        given().header("X-Capstan-User", "oncall").delete("/api/v1/models/" + name + "/aliases/production")
                .then().statusCode(204);

        List<ConsumerRecord<String, String>> records = TestKafka.awaitAll(Topics.MODELS, r -> name.equals(r.key()),
                6, Duration.ofSeconds(30));

        List<CapstanEvent> events = records.stream().map(r -> EventCodec.fromJson(
                TestKafka.header(r, CloudEventHeaders.CE_TYPE), r.value())).toList();
        assertThat(events).hasSize(6);
        assertThat(events.get(0)).isInstanceOfSatisfying(ModelEvent.ModelVersionRegistered.class, e -> {
            assertThat(e.version()).isEqualTo(1);
            assertThat(e.artifactUri()).isEqualTo("s3://models/" + name + "/1");
            assertThat(e.actor()).isEqualTo("ana");
        });
        assertThat(events.get(1)).isInstanceOfSatisfying(ModelEvent.ModelVersionRegistered.class,
                e -> assertThat(e.version()).isEqualTo(2));
        assertThat(events.get(2)).isInstanceOfSatisfying(ModelEvent.ModelAliasMoved.class, e -> {
            assertThat(e.fromVersion()).isNull();
            assertThat(e.toVersion()).isEqualTo(1);
            assertThat(e.reason()).isEqualTo("first");
        });
        assertThat(events.get(3)).isInstanceOfSatisfying(ModelEvent.ModelAliasMoved.class,
                e -> assertThat(e.fromVersion()).isEqualTo(1));
        assertThat(events.get(4)).isInstanceOfSatisfying(ModelEvent.ModelAliasMoved.class, e -> {
            assertThat(e.fromVersion()).isEqualTo(2);
            assertThat(e.toVersion()).isEqualTo(1);
            assertThat(e.actor()).isEqualTo("oncall");
            assertThat(e.reason()).startsWith("rollback from version 2 to 1");
        });
        assertThat(events.get(5)).isInstanceOfSatisfying(ModelEvent.ModelAliasRemoved.class,
                e -> assertThat(e.fromVersion()).isEqualTo(1));
        assertThat(records).allSatisfy(r -> {
            assertThat(TestKafka.header(r, CloudEventHeaders.CE_SOURCE)).isEqualTo("/model-registry");
            assertThat(TestKafka.header(r, CloudEventHeaders.CE_SUBJECT)).isEqualTo(name);
        });
    }
}

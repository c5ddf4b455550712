package dev.capstan.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Today's code still reads every event version ever published (the golden files never change). */
class GoldenSamplesTest {

    static Stream<CapstanEvent> samples() {
        return SampleEvents.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void goldenFileReadsAsTheSameEvent(CapstanEvent expected) throws IOException {
        String json = golden(expected.type());

        CapstanEvent read = EventCodec.fromJson(expected.type(), json);

        assertThat(read).isEqualTo(expected);
        assertThat(read.subject()).isEqualTo(expected.subject());
    }

    @Test
    void everyRegisteredTypeHasAGoldenFileAndASample() throws IOException {
        List<String> missing = new ArrayList<>();
        List<String> sampled = samples().map(CapstanEvent::type).toList();
        for (String type : EventTypes.all()) {
            if (GoldenSamplesTest.class.getResource("/golden/" + type + ".json") == null || !sampled.contains(type)) {
                missing.add(type);
            }
        }
        assertThat(missing).as("types without golden sample").isEmpty();
    }

    @Test
    void aTrialMetricThatIsNotFiniteTravelsAsText() {
        var nan = TrialEvent.TrialMetricReported.of("t-1", "r-1", "loss", Double.NaN, 3, SampleEvents.T);
        var inf = TrialEvent.TrialMetricReported.of("t-1", "r-1", "loss", Double.NEGATIVE_INFINITY, 4, SampleEvents.T);

        var readNan = (TrialEvent.TrialMetricReported) EventCodec.fromJson(nan.type(), EventCodec.toJson(nan));
        var readInf = (TrialEvent.TrialMetricReported) EventCodec.fromJson(inf.type(), EventCodec.toJson(inf));

        assertThat(EventCodec.toJson(nan)).contains("\"nonFinite\":\"NaN\"");
        assertThat(readNan.loggedValue()).isNaN();
        assertThat(readInf.loggedValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(TrialEvent.TrialMetricReported.of("t-1", "r-1", "acc", 0.5, 5, SampleEvents.T).loggedValue())
                .isEqualTo(0.5);
    }

    @Test
    void unknownFieldsFromANewerProducerAreIgnored() {
        String json = "{\"workloadId\":\"wl-9\",\"attempt\":2,\"at\":\"2026-11-29T10:15:30Z\",\"addedLater\":{\"x\":1}}";

        CapstanEvent read = EventCodec.fromJson("dev.capstan.execution.running.v1", json);

        assertThat(read).isEqualTo(new ExecutionEvent.WorkloadRunning("wl-9", 2, SampleEvents.T));
    }

    @Test
    void aFieldAddedLaterReadsAsItsDefaultFromAnOlderProducer() {
        // queueTimeoutMillis came after the first InferenceServiceChanged records: without it, it is 0 (no queue).
        String json = "{\"workloadId\":\"chat\",\"queue\":\"q\",\"model\":\"m@p\",\"minReplicas\":0,"
                + "\"maxReplicas\":4,\"targetRps\":2.0,\"targetConcurrency\":0,\"scaleToZero\":true,"
                + "\"scaleToZeroGraceSeconds\":30,\"coldStartSeconds\":45,\"changedAt\":\"2026-11-29T10:15:30Z\"}";
        WorkloadEvent.InferenceServiceChanged c = (WorkloadEvent.InferenceServiceChanged)
                EventCodec.fromJson("dev.capstan.inferenceservice.changed.v1", json);
        assertThat(c.queueTimeoutMillis()).isZero();
        assertThat(c.coldStartSeconds()).isEqualTo(45);
    }

    @Test
    void fieldsAddedForTheRegistryRoundTripAndReadAsAbsentFromOlderRecords() {
        TrainingJobSpec withOutput = new TrainingJobSpec("ft", "q", "img", List.of(), Framework.NONE, 1,
                new Resources(1, 1000, List.of(), 1000, 1024), 0, java.util.Map.of(), java.util.Map.of(),
                new ModelOutput("fraud", "s3://models/fraud/ft", "pytorch"));
        CapstanEvent[] newer = {
            new WorkloadEvent.WorkloadSubmitted("wl-1", withOutput, SampleEvents.T),
            new WorkloadEvent.WorkloadFinished("wl-1", "SUCCEEDED", "done", SampleEvents.T, 3),
            new PlacementEvent.WorkloadAdmitted("fraud-scorer-v7-3", 1, "team-risk", List.of(new PodAssignment(
                    "fraud-scorer-v7-3-a1-worker-0", "worker", 0, "gpu-node-3", List.of(1), 500, "T4", null)),
                    SampleEvents.T, withOutput, new ServingReplica("fraud-scorer", "v7", "fraud", 7,
                            "s3://models/fraud/7", 45)),
            new ModelEvent.ModelVersionRegistered("fraud", 8, "s3://m/8", "wl-1", SampleEvents.T, 3, "ab12", "ana"),
            new ModelEvent.ModelAliasMoved("fraud", "production", 7, 8, "promote", SampleEvents.T, "ana"),
            new WorkloadEvent.InferenceServiceChanged("fraud-scorer", "team-risk", "fraud@production",
                    new Resources(1, 500, List.of("T4"), 2000, 8192), 1, 20, 50.0, 0.0, true, 30, 45, 2000,
                    SampleEvents.T, "ghcr.io/acme/serve:2.1", RolloutPolicy.defaults(), 3),
            new InferenceMetricsEvent.RequestRateSample("fraud-scorer", SampleEvents.T, 1.0, 180, 3.5, 42.0, 3, "v7",
                    4, 12.5),
            new InferenceMetricsEvent.RequestRateSample("fraud-scorer", SampleEvents.T, 1.0, 180, 3.5, 1042.0, 3,
                    "v7", 9, 12.5, 5, 42.0)};
        for (CapstanEvent e : newer) {
            assertThat(EventCodec.fromJson(e.type(), EventCodec.toJson(e))).isEqualTo(e);
        }
        // The v1 golden records predate these fields: they read as "no output", attempt 0, unknown actor.
        assertThat(((WorkloadEvent.WorkloadSubmitted) SampleEvents.all().get(2)).spec().output()).isNull();
        assertThat(((WorkloadEvent.WorkloadFinished) SampleEvents.all().get(4)).attempt()).isZero();
    }

    @Test
    void aRequestRateSampleTellsRefusedRequestsAndQueueWaitsApartAndOlderSamplesReadAsAllTheVersions() {
        var sample = new InferenceMetricsEvent.RequestRateSample("fraud-scorer", SampleEvents.T, 1.0, 180, 3.5,
                1042.0, 3, "v7", 9, 12.5, 5, 42.0);
        assertThat(sample.replicaErrors()).isEqualTo(4);
        assertThat(sample.versionP99LatencyMs()).isEqualTo(42.0);

        var older = (InferenceMetricsEvent.RequestRateSample) SampleEvents.all().stream()
                .filter(e -> e instanceof InferenceMetricsEvent.RequestRateSample).findFirst().orElseThrow();
        String json = EventCodec.toJson(older).replace(",\"refused\":0", "").replace(",\"replicaP99LatencyMs\":0.0", "");
        var read = (InferenceMetricsEvent.RequestRateSample) EventCodec.fromJson(older.type(), json);
        assertThat(json).doesNotContain("refused");
        assertThat(read.refused()).isZero();
        assertThat(read.versionP99LatencyMs()).isEqualTo(42.0);
        assertThat(read.replicaErrors()).isEqualTo(read.errors());
    }

    @Test
    void anAdmissionCarriesTheSpecItAdmittedAndOlderAdmissionsReadWithoutOne() {
        var admitted = new PlacementEvent.WorkloadAdmitted("wl-1", 2, "team-vision", List.of(
                new PodAssignment("wl-1-a2-worker-0", "worker", 0, "n1", List.of(0), 1000, "A100", null)),
                SampleEvents.T, SampleEvents.SPEC);

        assertThat(EventCodec.fromJson(admitted.type(), EventCodec.toJson(admitted))).isEqualTo(admitted);
        assertThat(SampleEvents.all()).filteredOn(e -> e instanceof PlacementEvent.WorkloadAdmitted)
                .singleElement().extracting(e -> ((PlacementEvent.WorkloadAdmitted) e).spec()).isNull();
    }

    @Test
    void malformedPayloadsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> EventCodec.fromJson("dev.capstan.execution.running.v1", "{not json"))
                .isInstanceOf(EventCodec.MalformedEventException.class).hasMessageContaining("WorkloadRunning");
        assertThatThrownBy(() -> EventCodec.fromJson("dev.capstan.nope.v1", "{}"))
                .isInstanceOf(EventCodec.MalformedEventException.class).hasMessageContaining("unknown event type");
    }

    @Test
    void cloudEventHeadersRoundTrip() {
        CapstanEvent event = SampleEvents.all().get(2);
        CloudEventHeaders headers = CloudEventHeaders.forEvent(event, "submission-service", SampleEvents.T);

        CloudEventHeaders back = CloudEventHeaders.fromHeaders(headers.asHeaders());

        assertThat(back).isEqualTo(headers);
        assertThat(headers.asHeaders()).containsEntry("ce_type", "dev.capstan.workload.submitted.v1")
                .containsEntry("ce_source", "/submission-service").containsEntry("ce_subject", "wl-0001")
                .containsEntry("ce_specversion", "1.0");
        assertThat(event.topic()).isEqualTo(Topics.WORKLOADS);
    }

    private static String golden(String type) throws IOException {
        try (InputStream in = GoldenSamplesTest.class.getResourceAsStream("/golden/" + type + ".json")) {
            assertThat(in).as("golden file for " + type).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

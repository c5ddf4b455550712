package dev.capstan.localstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.EventCodec;
import org.junit.jupiter.api.Test;

class CapstanCliTest {

    @Test
    void describingAServiceShowsItsRevisionsWeightsRolloutAndLastAnalysis() throws Exception {
        String json = """
                {"service":{"name":"chat","queue":"default","spec":{"model":"chat@production","minReplicas":1,
                  "maxReplicas":20,"targetRps":2.0,"coldStartSeconds":10}},
                 "autoscaling":{"lastDecision":{"currentReplicas":4,"desiredReplicas":5,"reason":"stable",
                  "decidedAt":"2026-12-02T10:00:00Z"},
                  "plan":{"revisions":[{"name":"v1","model":"chat","modelVersion":1,"replicas":5,"weight":80},
                                       {"name":"v2","model":"chat","modelVersion":2,"replicas":1,"weight":20}],
                          "reason":"canary step 1 of 3: v2 takes 20 %","plannedAt":"2026-12-02T10:00:01Z",
                          "rollout":{"from":"v1","to":"v2","phase":"canary","step":0,
                                     "stepStartedAt":"2026-12-02T10:00:01Z","verdict":null}}},
                 "waiting":[{"workloadId":"chat-v2-7","pendingReason":"no node has 1 free GPU of model any"}]}
                """;

        String text = CapstanCli.serviceSummary(EventCodec.mapper().readTree(json));

        assertThat(text).contains("Model:       chat@production")
                .contains("Decision:    4 → 5 (stable)")
                .containsPattern("v1 +chat:1 +5 +80 %")
                .containsPattern("v2 +chat:2 +1 +20 %")
                .contains("Rollout:     v1 → v2, canary, step 1 since 2026-12-02T10:00:01Z")
                .contains("Waiting:     chat-v2-7: no node has 1 free GPU of model any")
                .doesNotContain("Analysis:");
    }
}

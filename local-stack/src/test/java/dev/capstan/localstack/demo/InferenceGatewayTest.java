package dev.capstan.localstack.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.ScalingEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceGatewayTest {

    @Test
    void aPlanIsToldOnOneLine() {
        ScalingEvent.RevisionsPlanned canary = plan(List.of(revision("v1", 3, 90), revision("v2", 1, 10)),
                "canary step", new ScalingEvent.Rollout("v1", "v2", "canary", 0, Instant.EPOCH, null));

        assertThat(InferenceGateway.describe(canary))
                .isEqualTo("[inference-demo] chat: v1×3 90 % | v2×1 10 % (canary step; rollout v1 → v2 canary)");
        assertThat(InferenceGateway.describe(plan(List.of(revision("v1", 2, 100)), "stable", null)))
                .isEqualTo("[inference-demo] chat: v1×2 100 % (stable)");
        assertThat(InferenceGateway.describe(plan(List.of(), null, null))).isEqualTo("[inference-demo] chat: no revisions");
    }

    private static ScalingEvent.RevisionsPlanned plan(List<ScalingEvent.Revision> revisions, String reason,
            ScalingEvent.Rollout rollout) {
        return new ScalingEvent.RevisionsPlanned("chat", "default", "registry/serve:1", null, 10, revisions, reason,
                rollout, Instant.EPOCH);
    }

    private static ScalingEvent.Revision revision(String name, int replicas, int weight) {
        return new ScalingEvent.Revision(name, "chat", Integer.parseInt(name.substring(1)), null, replicas, weight);
    }
}

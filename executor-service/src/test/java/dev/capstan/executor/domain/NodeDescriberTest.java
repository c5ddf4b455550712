package dev.capstan.executor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.NodeEvent.Gpu;
import dev.capstan.events.NodeEvent.NodeUpdated;
import dev.capstan.executor.domain.NodeDescriber.NodeFacts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeDescriberTest {

    @Test
    void gpusCarryModelMemoryAndIslandFromLabelsAndAnnotation() {
        NodeUpdated n = NodeDescriber.describe(new NodeFacts("a100-0", 96_000, 786_432, 8,
                Map.of("nvidia.com/gpu.product", "A100-80GB", "nvidia.com/gpu.memory", "81920",
                        "topology.capstan.dev/rack", "rack-1", "kubernetes.io/os", "linux"),
                Map.of("capstan.dev/nvlink-islands", "0-3,4-7"), true, List.of("a=b:NoSchedule")), Instant.EPOCH);

        assertThat(n.gpus()).hasSize(8);
        assertThat(n.gpus().get(0)).isEqualTo(new Gpu(0, "A100-80GB", 81_920, "island-0"));
        assertThat(n.gpus().get(7)).isEqualTo(new Gpu(7, "A100-80GB", 81_920, "island-1"));
        assertThat(n.labels()).containsEntry("topology.capstan.dev/rack", "rack-1")
                .doesNotContainKey("kubernetes.io/os");
        assertThat(n.ready()).isTrue();
        assertThat(n.taints()).containsExactly("a=b:NoSchedule");
    }

    @Test
    void withoutIslandsEachGpuStandsAlone() {
        NodeUpdated n = NodeDescriber.describe(new NodeFacts("t4-0", 32_000, 131_072, 2, Map.of(), Map.of(), false,
                List.of()), Instant.EPOCH);

        assertThat(n.gpus()).extracting(Gpu::nvlinkIsland).containsExactly("gpu-0", "gpu-1");
        assertThat(n.gpus()).extracting(Gpu::model).containsOnly("unknown");
        assertThat(n.ready()).isFalse();
    }
}

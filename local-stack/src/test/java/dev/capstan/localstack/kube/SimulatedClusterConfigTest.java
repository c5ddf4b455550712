package dev.capstan.localstack.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.localstack.kube.SimulatedClusterConfig.NodeGroup;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimulatedClusterConfigTest {

    @Test
    void readsAUsersClusterFileWithDefaultsForWhatItLeavesOut() throws Exception {
        String yaml = """
                podStartDelay: 250ms
                defaultRunTime: 1.5s
                failureRate: 0.05
                nodeGroups:
                  - namePrefix: h100
                    count: 2
                    gpuModel: H100-80GB
                    gpusPerNode: 8
                    gpuMemoryMib: 81920
                    cpuMilli: 128000
                    memoryMib: 1048576
                    racks: 2
                    nvlinkIslandsPerNode: 1
                  - namePrefix: cpu
                    count: 3
                """;

        SimulatedClusterConfig cfg = SimulatedClusterConfig.parse(
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), 7443);

        assertThat(cfg.port()).isEqualTo(7443);
        assertThat(cfg.podStartDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(cfg.defaultRunTime()).isEqualTo(Duration.ofMillis(1500));
        assertThat(cfg.failureRate()).isEqualTo(0.05);
        assertThat(cfg.nodeGroups()).containsExactly(
                new NodeGroup("h100", 2, "H100-80GB", 8, 81_920, 128_000, 1_048_576, 2, 1),
                new NodeGroup("cpu", 3, null, 0, 0, 8_000, 32_768, 1, 1));
        assertThat(SimulatedNodes.build(cfg, Instant.EPOCH)).hasSize(5);
    }

    @Test
    void durationsAcceptTheUsualSpellings() {
        assertThat(SimulatedClusterConfig.parseDuration("d", "2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(SimulatedClusterConfig.parseDuration("d", "3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(SimulatedClusterConfig.parseDuration("d", "1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(SimulatedClusterConfig.parseDuration("d", "PT0.5S")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> SimulatedClusterConfig.parseDuration("podStartDelay", "soon"))
                .hasMessageContaining("podStartDelay");
    }

    @Test
    void rejectsIslandsThatDoNotDivideTheGpus() {
        assertThatThrownBy(() -> new NodeGroup("odd", 1, "A100", 8, 1, 1000, 1000, 1, 3))
                .hasMessageContaining("nvlinkIslandsPerNode");
    }

    @Test
    void theDemoIsSmallAndHasTwoGpuModels() {
        SimulatedClusterConfig demo = SimulatedClusterConfig.demo(6443);
        assertThat(demo.nodeCount()).isEqualTo(8);
        assertThat(demo.nodeGroups()).extracting(NodeGroup::gpuModel).containsExactly("A100-80GB", "T4");
        assertThat(SimulatedNodes.islands(8, 2)).isEqualTo("0-3,4-7");
        assertThat(SimulatedNodes.islands(4, 4)).isEqualTo("0,1,2,3");
    }
}

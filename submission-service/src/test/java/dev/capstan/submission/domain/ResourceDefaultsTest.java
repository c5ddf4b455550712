package dev.capstan.submission.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.Resources;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** CPU and memory left out of a pod's spec: per GPU, pro rata for a share, a small amount without a GPU. */
class ResourceDefaultsTest {

    record Case(String name, Resources given, long wantCpuMilli, long wantMemoryMib) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Resources gpus(int gpus, int gpuMilli, long cpuMilli, long memoryMib) {
        return new Resources(gpus, gpuMilli, List.of(), cpuMilli, memoryMib);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("one whole GPU", gpus(1, 1000, 0, 0), 4_000, 16_384),
                new Case("eight whole GPUs", gpus(8, 1000, 0, 0), 32_000, 131_072),
                new Case("half a GPU", gpus(1, 500, 0, 0), 2_000, 8_192),
                new Case("a third of a GPU rounds up", gpus(1, 333, 0, 0), 1_332, 5_456),
                new Case("a thousandth of a GPU", gpus(1, 1, 0, 0), 4, 17),
                new Case("no GPU", gpus(0, 1000, 0, 0), 1_000, 4_096),
                new Case("no resources at all", null, 1_000, 4_096),
                new Case("CPU stated, memory left out", gpus(2, 1000, 500, 0), 500, 32_768),
                new Case("memory stated, CPU left out", gpus(2, 1000, 0, 1_024), 8_000, 1_024),
                new Case("both stated: untouched", gpus(4, 1000, 1, 1), 1, 1),
                // values validation refuses still get CPU and memory, so that only the GPU field is named
                new Case("negative GPUs: as none", gpus(-1, 1000, 0, 0), 1_000, 4_096),
                new Case("share above a GPU: as a whole one", gpus(1, 1500, 0, 0), 4_000, 16_384),
                new Case("more GPUs than a pod may have", gpus(99, 1000, 0, 0), 396_000, 1_622_016),
                new Case("negative CPU stays negative", gpus(1, 1000, -5, 0), -5, 16_384));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fillsWhatWasLeftOutInProportionToTheGpu(Case c) {
        Resources r = ResourceDefaults.STANDARD.fill(c.given());

        assertThat(r.cpuMilli()).isEqualTo(c.wantCpuMilli());
        assertThat(r.memoryMib()).isEqualTo(c.wantMemoryMib());
    }

    @Test
    void aQueueConfiguredOtherwiseGetsItsOwnFiguresAndEveryOtherQueueTheGlobalOnes() {
        ResourceDefaults nlp = new ResourceDefaults(8_000, 65_536, 2_000, 8_192);
        QueueResourceDefaults defaults = new QueueResourceDefaults(ResourceDefaults.STANDARD, Map.of("team-nlp", nlp));

        assertThat(defaults.of("team-nlp").fill(gpus(2, 1000, 0, 0))).isEqualTo(gpus(2, 1000, 16_000, 131_072));
        assertThat(defaults.of("team-vision").fill(gpus(2, 1000, 0, 0))).isEqualTo(gpus(2, 1000, 8_000, 32_768));
        assertThat(defaults.of(null)).isEqualTo(ResourceDefaults.STANDARD);
    }
}

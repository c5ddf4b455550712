package dev.capstan.console.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.console.domain.Fragmentation.FreeGpu;
import dev.capstan.console.domain.Fragmentation.FreeNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FragmentationTest {

    static final PodRequest ONE_GPU = new PodRequest(1, 1000, List.of(), 4000, 16384);
    static final PodRequest TWO_GPUS = new PodRequest(2, 1000, List.of(), 8000, 32768);
    static final PodRequest HALF = new PodRequest(1, 500, List.of(), 2000, 8192);
    static final PodRequest A100_ONLY = new PodRequest(1, 1000, List.of("A100"), 1000, 1024);
    static final PodRequest CPU_ONLY = new PodRequest(0, 0, List.of(), 1000, 1024);

    static FreeGpu free(String model, int milli) {
        return new FreeGpu(model, milli, false, 0);
    }

    static FreeNode node(long cpu, long mem, FreeGpu... gpus) {
        return new FreeNode(true, cpu, mem, List.of(gpus));
    }

    record Case(String name, FreeNode node, Map<PodRequest, Integer> mix, double wantMilli) {
    }

    @Test
    void fragmentedCapacityAgainstTheMix() {
        List<Case> cases = List.of(
                new Case("all whole GPUs free: nothing fragmented for 1-GPU pods",
                        node(64000, 512000, free("T4", 1000), free("T4", 1000)), Map.of(ONE_GPU, 1), 0),
                new Case("a half-used GPU is fragmented for whole-GPU pods",
                        node(64000, 512000, free("T4", 1000), free("T4", 500)), Map.of(ONE_GPU, 1), 500),
                new Case("... but not for half-GPU pods",
                        node(64000, 512000, free("T4", 1000), free("T4", 500)), Map.of(HALF, 1), 0),
                new Case("a GPU with less free than the share is fragmented for shared pods",
                        node(64000, 512000, free("T4", 300), free("T4", 1000)), Map.of(HALF, 1), 300),
                new Case("no CPU left: every free GPU is stranded",
                        node(1000, 512000, free("T4", 1000), free("T4", 1000)), Map.of(ONE_GPU, 1), 2000),
                new Case("no memory left: every free GPU is stranded",
                        node(64000, 100, free("T4", 1000)), Map.of(ONE_GPU, 1), 1000),
                new Case("one whole GPU free cannot take a 2-GPU pod",
                        node(64000, 512000, free("T4", 1000), free("T4", 0)), Map.of(TWO_GPUS, 1), 1000),
                new Case("the wrong GPU model is unusable",
                        node(64000, 512000, free("T4", 1000)), Map.of(A100_ONLY, 1), 1000),
                new Case("the mix weighs: 3 × 1-GPU (frag 500) and 1 × half (frag 0)",
                        node(64000, 512000, free("T4", 1000), free("T4", 500)), Map.of(ONE_GPU, 3, HALF, 1), 375),
                new Case("CPU-only pods are left out of the mix",
                        node(64000, 512000, free("T4", 500)), Map.of(CPU_ONLY, 10, ONE_GPU, 1), 500),
                new Case("a node not ready strands everything",
                        new FreeNode(false, 64000, 512000, List.of(free("T4", 1000))), Map.of(ONE_GPU, 1), 1000),
                new Case("free MIG slices are fragmented for whole-GPU pods",
                        node(64000, 512000, new FreeGpu("A100", 0, true, 4)), Map.of(ONE_GPU, 1), 4 * 1000 / 7),
                new Case("... and usable by shares that fit in them",
                        node(64000, 512000, new FreeGpu("A100", 0, true, 4)), Map.of(HALF, 1), 0),
                new Case("nothing free, nothing fragmented",
                        node(0, 0, free("T4", 0)), Map.of(ONE_GPU, 1), 0));
        for (Case c : cases) {
            assertThat(Fragmentation.fragmentedMilli(c.node(), c.mix())).as(c.name())
                    .isCloseTo(c.wantMilli(), org.assertj.core.data.Offset.offset(0.5));
        }
    }
}

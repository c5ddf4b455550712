package dev.capstan.scheduler.domain.placement;

import static dev.capstan.scheduler.domain.placement.PlacementRulesTest.aNode;
import static dev.capstan.scheduler.domain.placement.PlacementRulesTest.aPod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven tests of {@link ClusterState#strandedGpuMilli}: free GPUs that the waiting work cannot use. */
class StrandedGpusTest {

    /** {@code held}: pods placed on node "n" first (GPU indices from 0), to leave it partly used. */
    record Case(String name, List<NodeSpec> nodes, List<PodPlacement> held, List<PodRequest> waiting,
                long wantStrandedMilli) {
    }

    static PodPlacement holding(String pod, int gpus, long cpuMilli, long memoryMib) {
        return new PodPlacement(pod, "n", java.util.stream.IntStream.range(0, gpus).boxed().toList(), 1000, null,
                cpuMilli, memoryMib);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("nothing waits: free GPUs are spare, not stranded",
                        List.of(aNode("n").gpus(8).build()), List.of(), List.of(), 0),
                new Case("only CPU work waits: nothing is stranded",
                        List.of(aNode("n").gpus(8).build()), List.of(), List.of(aPod("c").gpus(0).build()), 0),
                new Case("a waiting pod fits: nothing stranded",
                        List.of(aNode("n").gpus(8).build()), List.of(), List.of(aPod("p").gpus(2).build()), 0),
                new Case("CPU all taken: the node's 4 free GPUs are stranded",
                        List.of(aNode("n").gpus(8).cpu(8_000).build()), List.of(holding("h", 4, 8_000, 1024)),
                        List.of(aPod("p").gpus(1).cpu(1000).build()), 4000),
                new Case("memory left too small for the waiting pod: stranded",
                        List.of(aNode("n").gpus(8).mem(10_000).build()), List.of(holding("h", 2, 1000, 9_500)),
                        List.of(aPod("p").gpus(1).mem(1024).build()), 6000),
                new Case("wrong GPU model for every waiting pod: stranded",
                        List.of(aNode("n").gpus(4).model("T4").build()), List.of(),
                        List.of(aPod("p").gpus(1).models("A100").build()), 4000),
                new Case("one of two waiting shapes fits: not stranded",
                        List.of(aNode("n").gpus(4).model("T4").build()), List.of(),
                        List.of(aPod("p").gpus(1).models("A100").build(), aPod("q").gpus(1).build()), 0),
                new Case("not-ready node: its free GPUs are stranded while work waits",
                        List.of(aNode("n").gpus(8).notReady().build()), List.of(),
                        List.of(aPod("p").gpus(1).build()), 8000),
                new Case("too few free GPUs left for the waiting 4-GPU pod: the 2 left are stranded",
                        List.of(aNode("n").gpus(8).build()), List.of(holding("h", 6, 1000, 1024)),
                        List.of(aPod("p").gpus(4).build()), 2000),
                new Case("only the node that fits nothing counts",
                        List.of(aNode("n").gpus(8).cpu(4_000).build(), aNode("m").gpus(8).build()),
                        List.of(holding("h", 1, 4_000, 1024)), List.of(aPod("p").gpus(1).cpu(500).build()), 7000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void strandedGpus(Case c) {
        ClusterState cluster = ClusterState.of(c.nodes());
        if (!c.held().isEmpty()) {
            cluster.commit(new GangPlacement("held", c.held()));
        }

        assertThat(cluster.strandedGpuMilli(c.waiting())).as(c.name()).isEqualTo(c.wantStrandedMilli());
    }
}

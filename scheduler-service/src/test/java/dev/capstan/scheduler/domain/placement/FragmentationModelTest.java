package dev.capstan.scheduler.domain.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven tests of a node's expected fragmentation under a one-kind mix, FGD's rule and the capacity-aware one. */
class FragmentationModelTest {

    /** A node with the given free shares (8 GPUs or fewer) and free CPU; one typical kind with probability 1. */
    record Case(String name, int[] freeDesc, long cpuFree, long kindCpu, int kindGpus, int kindMilli,
                double wantFgd, double wantCapacityAware) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("whole-GPU kind, enough CPU: nothing stranded",
                        new int[] {1000, 1000, 1000, 1000}, 64_000, 8_000, 1, 1000, 0, 0),
                new Case("whole-GPU kind, CPU for one copy strands the other GPUs",
                        new int[] {1000, 1000, 1000, 1000}, 12_000, 8_000, 1, 1000, 0, 3000),
                new Case("2-GPU kind, CPU for one copy strands 2 of 4 GPUs",
                        new int[] {1000, 1000, 1000, 1000}, 8_000, 8_000, 2, 1000, 0, 2000),
                new Case("no CPU for one copy: all free GPU capacity is stranded",
                        new int[] {1000, 1000}, 4_000, 8_000, 1, 1000, 2000, 2000),
                new Case("shares smaller than the kind are stranded",
                        new int[] {1000, 500, 190}, 64_000, 4_000, 1, 810, 690, 690),
                new Case("shared kind: a GPU a copy can reach counts whole, as in FGD",
                        new int[] {1000, 1000, 1000}, 4_000, 4_000, 1, 470, 0, 2000),
                new Case("shared kind, CPU for two copies reaches the two largest GPUs",
                        new int[] {1000, 900, 600, 100}, 8_000, 4_000, 1, 470, 100, 700),
                new Case("shared kind, CPU for more copies than fitting GPUs: FGD's value",
                        new int[] {1000, 900, 300}, 64_000, 4_000, 1, 470, 300, 300));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void fragmentation(Case c) {
        List<GpuDevice> devs = new ArrayList<>();
        for (int i = 0; i < c.freeDesc().length; i++) {
            devs.add(new GpuDevice(i, "A100", 40_960, "0", false));
        }
        ClusterState cluster = ClusterState.of(List.of(new NodeSpec("n", 128_000, 1 << 20, devs, Map.of(), Set.of(), true)));
        ClusterState.Node node = cluster.node(0);
        List<FragmentationModel.TypicalPod> kind = List.of(
                new FragmentationModel.TypicalPod(c.kindCpu(), 0, c.kindGpus(), c.kindMilli(), Set.of(), 1.0));
        int n = c.freeDesc().length;
        double fgd = new FragmentationModel(kind, false, true, false).fragmentation(node, c.freeDesc(), n, c.cpuFree(), 1 << 20);
        double aware = new FragmentationModel(kind, false, true, true).fragmentation(node, c.freeDesc(), n, c.cpuFree(), 1 << 20);
        assertThat(fgd).as(c.name() + " (FGD)").isEqualTo(c.wantFgd());
        assertThat(aware).as(c.name() + " (capacity-aware)").isEqualTo(c.wantCapacityAware());
    }
}

package dev.capstan.scheduler.domain.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven tests of the placement rules, for every policy. */
class PlacementRulesTest {

    // ------------------------------------------------------------------ builders

    static NodeBuilder aNode(String name) {
        return new NodeBuilder(name);
    }

    static final class NodeBuilder {
        private final String name;
        private long cpu = 64_000;
        private long mem = 262_144;
        private int gpus = 8;
        private String model = "A100";
        private boolean ready = true;
        private boolean mig;
        private Set<String> taints = Set.of();
        private String rack = "";
        private int islandSize = 8;

        NodeBuilder(String name) {
            this.name = name;
        }

        NodeBuilder cpu(long v) { cpu = v; return this; }
        NodeBuilder mem(long v) { mem = v; return this; }
        NodeBuilder gpus(int v) { gpus = v; return this; }
        NodeBuilder model(String v) { model = v; return this; }
        NodeBuilder notReady() { ready = false; return this; }
        NodeBuilder mig() { mig = true; return this; }
        NodeBuilder taint(String t) { taints = Set.of(t); return this; }
        NodeBuilder rack(String r) { rack = r; return this; }
        NodeBuilder islands(int size) { islandSize = size; return this; }

        NodeSpec build() {
            List<GpuDevice> devs = new ArrayList<>();
            for (int i = 0; i < gpus; i++) {
                devs.add(new GpuDevice(i, model, 40_960, String.valueOf(i / islandSize), mig));
            }
            Map<String, String> labels = rack.isEmpty() ? Map.of() : Map.of(Topology.RACK, rack, Topology.ZONE, "z");
            return new NodeSpec(name, cpu, mem, devs, labels, taints, ready);
        }
    }

    static PodBuilder aPod(String name) {
        return new PodBuilder(name);
    }

    static final class PodBuilder {
        private final String name;
        private long cpu = 1000;
        private long mem = 1024;
        private int gpus = 1;
        private int milli = 1000;
        private Set<String> models = Set.of();
        private String mig;
        private Set<String> tolerations = Set.of();

        PodBuilder(String name) {
            this.name = name;
        }

        PodBuilder cpu(long v) { cpu = v; return this; }
        PodBuilder mem(long v) { mem = v; return this; }
        PodBuilder gpus(int v) { gpus = v; milli = v == 0 ? 0 : 1000; return this; }
        PodBuilder share(int v) { gpus = 1; milli = v; return this; }
        PodBuilder models(String... v) { models = Set.of(v); return this; }
        PodBuilder mig(String profile) { gpus = 1; mig = profile; return this; }
        PodBuilder tolerate(String t) { tolerations = Set.of(t); return this; }

        PodRequest build() {
            return new PodRequest(name, cpu, mem, gpus, milli, models, mig, tolerations);
        }
    }

    static Stream<String> policies() {
        return PlacementPolicies.NAMES.stream();
    }

    // ------------------------------------------------------------------ single pod rules

    record Case(String name, List<NodeSpec> nodes, List<PodRequest> before, PodRequest pod, String wantNode,
                String wantReasonContains) {
    }

    static Stream<Case> singlePodCases() {
        return Stream.of(
                new Case("not-ready node is never chosen",
                        List.of(aNode("down").notReady().build(), aNode("up").build()), List.of(),
                        aPod("p").build(), "up", null),
                new Case("taint without toleration is never chosen",
                        List.of(aNode("tainted").taint("gpu=reserved").build(), aNode("plain").gpus(1).build()),
                        List.of(), aPod("p").build(), "plain", null),
                new Case("taint with toleration may be chosen",
                        List.of(aNode("tainted").taint("gpu=reserved").build()), List.of(),
                        aPod("p").tolerate("gpu=reserved").build(), "tainted", null),
                new Case("model constraint is respected",
                        List.of(aNode("a100").build(), aNode("t4").model("T4").gpus(2).build()), List.of(),
                        aPod("p").models("T4").build(), "t4", null),
                new Case("no node of the model",
                        List.of(aNode("a100").build()), List.of(), aPod("p").models("H100").build(), null,
                        "no ready node has GPUs of model H100"),
                new Case("too many GPUs names the largest free",
                        List.of(aNode("node-1").gpus(4).build(), aNode("node-3").gpus(8).build()), List.of(),
                        aPod("p").gpus(16).build(), null, "no node has 16 GPUs of model any free (largest free: 8 on node-3)"),
                new Case("CPU is a constraint",
                        List.of(aNode("small").cpu(2000).build(), aNode("big").cpu(64_000).build()), List.of(),
                        aPod("p").cpu(8000).build(), "big", null),
                new Case("memory is a constraint",
                        List.of(aNode("small").mem(1024).build(), aNode("big").build()), List.of(),
                        aPod("p").mem(4096).build(), "big", null),
                new Case("CPU shortage is explained",
                        List.of(aNode("n").cpu(2000).build()), List.of(), aPod("p").cpu(8000).build(), null,
                        "8000m CPU"),
                new Case("no nodes at all",
                        List.of(), List.of(), aPod("p").build(), null, "no nodes are known"),
                new Case("shared pod needs the share on one GPU",
                        List.of(aNode("n").gpus(1).build()), List.of(aPod("a").share(600).build()),
                        aPod("p").share(500).build(), null, "no GPU of model any has 500 milli-GPU free to share"),
                new Case("MIG pod needs a MIG-capable GPU",
                        List.of(aNode("plain").build(), aNode("mig").mig().build()), List.of(),
                        aPod("p").mig("3g.40gb").build(), "mig", null));
    }

    @ParameterizedTest
    @MethodSource("singlePodCases")
    void singlePodRules(Case c) {
        for (String policyName : PlacementPolicies.NAMES) {
            ClusterState cluster = ClusterState.of(c.nodes());
            PlacementPolicy policy = PlacementPolicies.byName(policyName);
            for (PodRequest b : c.before()) {
                PlacementResult r = policy.place(cluster, GangRequest.single(b));
                assertThat(r).as(c.name() + " / " + policyName + " setup").isInstanceOf(PlacementResult.Placed.class);
                cluster.commit(((PlacementResult.Placed) r).placement());
            }
            PlacementResult r = policy.place(cluster, GangRequest.single(c.pod()));
            if (c.wantNode() != null) {
                assertThat(r).as(c.name() + " / " + policyName).isInstanceOf(PlacementResult.Placed.class);
                assertThat(((PlacementResult.Placed) r).placement().pods().get(0).node())
                        .as(c.name() + " / " + policyName).isEqualTo(c.wantNode());
            } else {
                assertThat(r).as(c.name() + " / " + policyName).isInstanceOf(PlacementResult.Unschedulable.class);
                assertThat(((PlacementResult.Unschedulable) r).reason()).as(c.name() + " / " + policyName)
                        .contains(c.wantReasonContains());
            }
        }
    }

    // ------------------------------------------------------------------ GPU choice

    @Test
    void wholeGpusStayInOneNvlinkIsland() {
        ClusterState cluster = ClusterState.of(List.of(aNode("n").islands(4).build()));
        cluster.commit(new GangPlacement("x", List.of(new PodPlacement("x", "n", List.of(0), 1000, null, 0, 0))));
        PlacementResult r = PlacementPolicies.byName("capstan").place(cluster, GangRequest.single(aPod("p").gpus(3).build()));
        // island 0 has 3 free (1,2,3): the tightest island that holds the pod
        assertThat(((PlacementResult.Placed) r).placement().pods().get(0).gpuIndices()).containsExactly(1, 2, 3);
    }

    @Test
    void bestFitSharesTheTightestGpu() {
        ClusterState cluster = ClusterState.of(List.of(aNode("n").gpus(3).build()));
        cluster.commit(new GangPlacement("a", List.of(new PodPlacement("a", "n", List.of(1), 500, null, 0, 0))));
        cluster.commit(new GangPlacement("b", List.of(new PodPlacement("b", "n", List.of(2), 300, null, 0, 0))));
        PlacementResult r = PlacementPolicies.byName("bestfit").place(cluster, GangRequest.single(aPod("p").share(400).build()));
        assertThat(((PlacementResult.Placed) r).placement().pods().get(0).gpuIndices()).containsExactly(1);
    }

    @Test
    void capstanPacksSharesInsteadOfBreakingAWholeGpu() {
        ClusterState cluster = ClusterState.of(List.of(aNode("a").gpus(2).build(), aNode("b").gpus(2).build()));
        PlacementPolicy policy = PlacementPolicies.byName("capstan");
        for (int i = 0; i < 2; i++) {
            PlacementResult r = policy.place(cluster, GangRequest.single(aPod("s" + i).share(500).build()));
            cluster.commit(((PlacementResult.Placed) r).placement());
        }
        // both halves on one GPU: three whole GPUs stay free
        int whole = cluster.freeWholeGpus("a") + cluster.freeWholeGpus("b");
        assertThat(whole).isEqualTo(3);
    }

    @Test
    void migInstancesShareAPartitionedGpu() {
        ClusterState cluster = ClusterState.of(List.of(aNode("n").gpus(2).mig().build()));
        PlacementPolicy policy = PlacementPolicies.byName("capstan");
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            PlacementResult r = policy.place(cluster, GangRequest.single(aPod("m" + i).mig("3g.40gb").build()));
            GangPlacement p = ((PlacementResult.Placed) r).placement();
            cluster.commit(p);
            used.add(p.pods().get(0).gpuIndices().get(0));
        }
        assertThat(used.get(0)).isEqualTo(used.get(1));
        assertThat(cluster.freeWholeGpus("n")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ gangs

    @ParameterizedTest
    @MethodSource("policies")
    void gangIsAllOrNothing(String policyName) {
        ClusterState cluster = ClusterState.of(List.of(aNode("a").gpus(8).build(), aNode("b").gpus(8).build()));
        List<PodRequest> pods = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pods.add(aPod("w-" + i).gpus(8).build());
        }
        PlacementResult r = PlacementPolicies.byName(policyName).place(cluster, new GangRequest("g", pods, TopologyMode.NONE));
        assertThat(r).isInstanceOf(PlacementResult.Unschedulable.class);
        assertThat(((PlacementResult.Unschedulable) r).reason())
                .isEqualTo("insufficient GPUs: gang g needs 3×8 GPUs, only 2 nodes have 8 free");
        assertThat(cluster.gpuMilliAllocated()).isZero();
        assertThat(cluster.freeWholeGpus("a")).isEqualTo(8);
    }

    @ParameterizedTest
    @MethodSource("policies")
    void gangPrefersOneNodeThenOneRack(String policyName) {
        ClusterState cluster = ClusterState.of(List.of(
                aNode("r1-a").rack("r1").build(), aNode("r1-b").rack("r1").build(),
                aNode("r2-a").rack("r2").build(), aNode("r2-b").rack("r2").build()));
        PlacementPolicy policy = PlacementPolicies.byName(policyName);
        List<PodRequest> small = List.of(aPod("s-0").gpus(2).build(), aPod("s-1").gpus(2).build());
        GangPlacement onNode = ((PlacementResult.Placed) policy.place(cluster,
                new GangRequest("small", small, TopologyMode.PREFER))).placement();
        assertThat(onNode.pods()).extracting(PodPlacement::node).containsOnly(onNode.pods().get(0).node());
        cluster.commit(onNode);
        List<PodRequest> big = List.of(aPod("b-0").gpus(8).build(), aPod("b-1").gpus(8).build());
        GangPlacement inRack = ((PlacementResult.Placed) policy.place(cluster,
                new GangRequest("big", big, TopologyMode.REQUIRE))).placement();
        assertThat(inRack.pods()).extracting(p -> p.node().substring(0, 2)).containsOnly(
                inRack.pods().get(0).node().substring(0, 2));
    }

    @Test
    void requiredRackThatNoRackHoldsIsUnschedulable() {
        ClusterState cluster = ClusterState.of(List.of(
                aNode("r1-a").rack("r1").build(), aNode("r2-a").rack("r2").build()));
        List<PodRequest> big = List.of(aPod("b-0").gpus(8).build(), aPod("b-1").gpus(8).build());
        PlacementResult r = PlacementPolicies.byName("capstan").place(cluster, new GangRequest("big", big, TopologyMode.REQUIRE));
        assertThat(((PlacementResult.Unschedulable) r).reason()).contains("requires one rack");
    }

    // ------------------------------------------------------------------ cluster state

    @Test
    void commitRefusesOverCommitAndTakesNothing() {
        ClusterState cluster = ClusterState.of(List.of(aNode("n").gpus(2).build()));
        GangPlacement ok = new GangPlacement("g", List.of(
                new PodPlacement("a", "n", List.of(0), 1000, null, 1000, 1024),
                new PodPlacement("b", "n", List.of(0), 500, null, 1000, 1024)));
        assertThatThrownBy(() -> cluster.commit(ok)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("GPU 0 of node n has 0 milli-GPU free");
        assertThat(cluster.freeGpuMilli("n")).containsExactly(1000, 1000);
        assertThat(cluster.freeCpuMilli("n")).isEqualTo(64_000);
    }

    @Test
    void upsertKeepsAllocations() {
        ClusterState cluster = ClusterState.of(List.of(aNode("n").gpus(2).build()));
        GangPlacement p = new GangPlacement("g", List.of(new PodPlacement("a", "n", List.of(1), 1000, null, 4000, 1024)));
        cluster.commit(p);
        cluster.upsertNode(aNode("n").gpus(4).cpu(32_000).build());
        assertThat(cluster.freeGpuMilli("n")).containsExactly(1000, 0, 1000, 1000);
        assertThat(cluster.freeCpuMilli("n")).isEqualTo(28_000);
        cluster.release(p);
        assertThat(cluster.freeGpuMilli("n")).containsExactly(1000, 1000, 1000, 1000);
        assertThat(cluster.gpuMilliAllocated()).isZero();
    }

    @Test
    void releaseOfSomethingNotPlacedFails() {
        ClusterState cluster = ClusterState.of(List.of(aNode("n").build()));
        assertThatThrownBy(() -> cluster.release(new GangPlacement("g",
                List.of(new PodPlacement("a", "n", List.of(0), 1000, null)))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unknownPolicyNameIsRejected() {
        assertThatThrownBy(() -> PlacementPolicies.byName("magic")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PlacementPolicies.byName(null).name()).isEqualTo("capstan");
    }
}

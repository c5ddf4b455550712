package dev.capstan.scheduler.domain.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Random clusters and request streams, for every policy: never over-commit, never split a gang, never break a
 * model constraint, and releasing restores the exact free state.
 */
class PlacementPropertiesTest {

    private static final List<String> MODELS = List.of("A100", "T4", "V100");

    static List<NodeSpec> randomCluster(Random rnd) {
        int n = 1 + rnd.nextInt(12);
        List<NodeSpec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int gpus = List.of(0, 1, 2, 4, 8).get(rnd.nextInt(5));
            String model = MODELS.get(rnd.nextInt(MODELS.size()));
            boolean mig = rnd.nextInt(4) == 0;
            List<GpuDevice> devs = new ArrayList<>();
            for (int g = 0; g < gpus; g++) {
                devs.add(new GpuDevice(g, model, 40_960, String.valueOf(g / 4), mig));
            }
            Set<String> taints = rnd.nextInt(6) == 0 ? Set.of("dedicated") : Set.of();
            out.add(new NodeSpec("node-" + i, 1000L * (4 + rnd.nextInt(60)), 1024L * (8 + rnd.nextInt(200)), devs,
                    Map.of(Topology.RACK, "rack-" + rnd.nextInt(3), Topology.ZONE, "zone-0"), taints,
                    rnd.nextInt(8) != 0));
        }
        return out;
    }

    static PodRequest randomPod(Random rnd, String name) {
        long cpu = 500L * rnd.nextInt(16);
        long mem = 512L * rnd.nextInt(32);
        Set<String> models = rnd.nextInt(3) == 0 ? Set.of(MODELS.get(rnd.nextInt(MODELS.size()))) : Set.of();
        Set<String> tol = rnd.nextInt(4) == 0 ? Set.of("dedicated") : Set.of();
        return switch (rnd.nextInt(6)) {
            case 0 -> new PodRequest(name, cpu, mem, 0, 0, Set.of(), null, tol);
            case 1 -> new PodRequest(name, cpu, mem, 1, 100 * (1 + rnd.nextInt(9)), models, null, tol);
            case 2 -> new PodRequest(name, cpu, mem, 1, 0 + 1000, models, rnd.nextBoolean() ? "1g.10gb" : "3g.40gb", tol);
            default -> new PodRequest(name, cpu, mem, List.of(1, 2, 4, 8).get(rnd.nextInt(4)), 1000, models, null, tol);
        };
    }

    record Snapshot(Map<String, List<Integer>> gpus, Map<String, Long> cpu, Map<String, Long> mem, long allocated) {
        static Snapshot of(ClusterState c) {
            Map<String, List<Integer>> g = new HashMap<>();
            Map<String, Long> cpu = new HashMap<>();
            Map<String, Long> mem = new HashMap<>();
            for (String n : c.nodeNames()) {
                g.put(n, c.freeGpuMilli(n));
                cpu.put(n, c.freeCpuMilli(n));
                mem.put(n, c.freeMemoryMib(n));
            }
            return new Snapshot(g, cpu, mem, c.gpuMilliAllocated());
        }
    }

    @Property(tries = 60)
    void invariantsHoldForEveryPolicy(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                      @ForAll @IntRange(min = 1, max = 40) int gangs) {
        for (String policyName : PlacementPolicies.NAMES) {
            Random rnd = new Random(seed);
            List<NodeSpec> nodes = randomCluster(rnd);
            Map<String, NodeSpec> byName = new HashMap<>();
            nodes.forEach(n -> byName.put(n.name(), n));
            ClusterState cluster = ClusterState.of(nodes);
            PlacementPolicy policy = PlacementPolicies.byName(policyName, seed, null);
            Snapshot empty = Snapshot.of(cluster);
            List<GangPlacement> committed = new ArrayList<>();
            java.util.Map<String, Integer> shares = new java.util.HashMap<>();
            List<Snapshot> before = new ArrayList<>();
            for (int gi = 0; gi < gangs; gi++) {
                int size = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(4) : 1;
                List<PodRequest> pods = new ArrayList<>();
                for (int p = 0; p < size; p++) {
                    pods.add(randomPod(rnd, "g" + gi + "-p" + p));
                }
                GangRequest gang = new GangRequest("g" + gi, pods, TopologyMode.values()[rnd.nextInt(3)]);
                Snapshot pre = Snapshot.of(cluster);
                PlacementResult r = policy.place(cluster, gang);
                // place() never changes the cluster
                assertThat(Snapshot.of(cluster)).as(policyName).isEqualTo(pre);
                if (r instanceof PlacementResult.Placed placed) {
                    GangPlacement gp = placed.placement();
                    // never split a gang: every pod placed exactly once
                    assertThat(gp.pods()).extracting(PodPlacement::podName)
                            .containsExactlyElementsOf(pods.stream().map(PodRequest::podName).toList());
                    for (int i = 0; i < pods.size(); i++) {
                        PodRequest req = pods.get(i);
                        PodPlacement pp = gp.pods().get(i);
                        NodeSpec node = byName.get(pp.node());
                        assertThat(node.ready()).as("ready node").isTrue();
                        assertThat(req.tolerates(node.taints())).as("tolerated").isTrue();
                        assertThat(pp.gpuIndices()).hasSize(req.gpus());
                        for (int g : pp.gpuIndices()) {
                            assertThat(req.allowsModel(node.gpus().get(g).model())).as("model constraint").isTrue();
                        }
                        assertThat(pp.cpuMilli()).isEqualTo(req.cpuMilli());
                        assertThat(pp.memoryMib()).isEqualTo(req.memoryMib());
                    }
                    // never over-commit: commit validates every GPU share, MIG slice, CPU and memory, and the
                    // shares this test has seen placed on each GPU never add up to more than the whole GPU
                    cluster.commit(gp);
                    committed.add(gp);
                    before.add(pre);
                    for (PodPlacement pp : gp.pods()) {
                        for (int g : pp.gpuIndices()) {
                            int sum = shares.merge(pp.node() + "/" + g, pp.gpuMilli(), Integer::sum);
                            assertThat(sum).as("GPU %s/%d over-committed", pp.node(), g).isLessThanOrEqualTo(1000);
                        }
                    }
                } else {
                    assertThat(((PlacementResult.Unschedulable) r).reason()).isNotBlank();
                }
            }
            // release in reverse restores each earlier state exactly
            for (int i = committed.size() - 1; i >= 0; i--) {
                cluster.release(committed.get(i));
                assertThat(Snapshot.of(cluster)).as(policyName + " after release").isEqualTo(before.get(i));
            }
            assertThat(Snapshot.of(cluster)).isEqualTo(empty);
        }
    }

    @Property(tries = 40)
    void releaseInAnyOrderRestoresTheEmptyCluster(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Random rnd = new Random(seed);
        ClusterState cluster = ClusterState.of(randomCluster(rnd));
        Snapshot empty = Snapshot.of(cluster);
        PlacementPolicy policy = PlacementPolicies.byName("capstan");
        List<GangPlacement> committed = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            PlacementResult r = policy.place(cluster, GangRequest.single(randomPod(rnd, "p" + i)));
            if (r instanceof PlacementResult.Placed p) {
                cluster.commit(p.placement());
                committed.add(p.placement());
            }
        }
        java.util.Collections.shuffle(committed, rnd);
        committed.forEach(cluster::release);
        assertThat(Snapshot.of(cluster)).isEqualTo(empty);
    }
}

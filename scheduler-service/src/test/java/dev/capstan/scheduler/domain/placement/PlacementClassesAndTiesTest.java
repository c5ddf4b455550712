package dev.capstan.scheduler.domain.placement;

import static dev.capstan.scheduler.domain.placement.PlacementRulesTest.aNode;
import static dev.capstan.scheduler.domain.placement.PlacementRulesTest.aPod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Equivalence classes of node state, the class-based scan, and the tie rules. */
class PlacementClassesAndTiesTest {

    @Test
    void identicalNodesShareOneClassAndCommitReleaseMoveThem() {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            nodes.add(aNode("n" + i).build());
        }
        nodes.add(aNode("small").gpus(2).build());
        nodes.add(aNode("tainted").taint("t").build());
        ClusterState cluster = ClusterState.of(nodes);
        assertThat(cluster.classCount()).isEqualTo(3);

        GangPlacement p = new GangPlacement("g", List.of(new PodPlacement("p", "n3", List.of(0), 500, null, 1000, 1024)));
        cluster.commit(p);
        assertThat(cluster.classCount()).isEqualTo(4);
        // the same multiset of free shares on another GPU index is the same state
        cluster.commit(new GangPlacement("h", List.of(new PodPlacement("q", "n4", List.of(5), 500, null, 1000, 1024))));
        assertThat(cluster.classCount()).isEqualTo(4);
        cluster.release(p);
        assertThat(cluster.classCount()).isEqualTo(4);
        cluster.upsertNode(aNode("n5").notReady().build());
        assertThat(cluster.classCount()).isEqualTo(4); // not-ready nodes are in no class
        cluster.removeNode("small");
        assertThat(cluster.classCount()).isEqualTo(3);
    }

    /**
     * The class-based scan (one representative per class) must choose exactly the node a full node-by-node scan
     * chooses, for every deterministic tie rule, over random clusters and pod streams.
     */
    @ParameterizedTest
    @ValueSource(strings = {"capstan", "fgd", "fgd-exact", "bestfit", "bestfit-exact"})
    void classScanChoosesTheSameNodeAsAFullScan(String policyName) {
        for (long seed = 1; seed <= 5; seed++) {
            Random rnd = new Random(seed);
            List<NodeSpec> nodes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int kind = rnd.nextInt(3);
                nodes.add(aNode("node-" + i).gpus(kind == 0 ? 8 : kind == 1 ? 2 : 4)
                        .model(kind == 2 ? "T4" : "A100").cpu(kind == 1 ? 104_000 : 96_000).mem(400_000)
                        .rack("r" + i % 4).build());
            }
            ClusterState cluster = ClusterState.of(nodes);
            // 40 nodes of 3 kinds in 4 racks: the class scan has at most 12 representatives to score, not 40
            assertThat(cluster.classCount()).isLessThanOrEqualTo(12);
            ScoringPolicy policy = (ScoringPolicy) PlacementPolicies.byName(policyName, seed, null);
            BitSet all = new BitSet();
            all.set(0, cluster.nodeSlots());
            for (int i = 0; i < 400; i++) {
                PodRequest pod = randomPod(rnd, "p" + i);
                policy.place(cluster, GangRequest.single(pod)); // lets learning policies observe the request
                PodPlacement byClass = policy.choose(cluster, pod, null, null);
                PodPlacement byNode = policy.choose(cluster, pod, all, null);
                if (byClass == null || byNode == null) {
                    assertThat(byClass).as("pod %s", pod).isEqualTo(byNode);
                    continue;
                }
                assertThat(byClass.node()).as("%s pod %d %s", policyName, i, pod).isEqualTo(byNode.node());
                assertThat(byClass.gpuIndices()).isEqualTo(byNode.gpuIndices());
                cluster.commit(new GangPlacement("g" + i, List.of(byClass)));
            }
        }
    }

    private static PodRequest randomPod(Random rnd, String name) {
        int r = rnd.nextInt(10);
        if (r < 2) {
            return aPod(name).gpus(0).cpu(4000 * (1 + rnd.nextInt(4))).build();
        }
        if (r < 5) {
            return aPod(name).share(new int[] {250, 470, 500, 810}[rnd.nextInt(4)]).cpu(4000).build();
        }
        if (r < 8) {
            return aPod(name).gpus(1).cpu(8000 + 4000 * rnd.nextInt(2)).build();
        }
        return aPod(name).gpus(r == 8 ? 2 : 4).cpu(16_000).build();
    }

    @Test
    void nodeRankTiesAreConsistentAndIndependentOfInsertionOrder() {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            nodes.add(aNode("n" + i).build());
        }
        List<NodeSpec> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled, new Random(3));
        String first = placeOne(nodes, 7);
        assertThat(placeOne(shuffled, 7)).isEqualTo(first);
        // another seed is another order of the nodes
        boolean differs = false;
        for (long s = 8; s < 20 && !differs; s++) {
            differs = !placeOne(nodes, s).equals(first);
        }
        assertThat(differs).isTrue();
    }

    private static String placeOne(List<NodeSpec> nodes, long seed) {
        ClusterState cluster = ClusterState.of(nodes);
        PlacementPolicy policy = PlacementPolicies.byName("bestfit", seed, null);
        // equal nodes: the tie rule decides; the same node keeps winning while it has room
        String node = null;
        for (int i = 0; i < 8; i++) {
            PlacementResult r = policy.place(cluster, GangRequest.single(aPod("p" + i).build()));
            GangPlacement p = ((PlacementResult.Placed) r).placement();
            if (node != null) {
                assertThat(p.pods().get(0).node()).isEqualTo(node);
            }
            node = p.pods().get(0).node();
            cluster.commit(p);
        }
        return node;
    }

    @Test
    void capstanUsesFgdIntegerScores() {
        assertThat(CapstanPolicy.quantised(0)).isEqualTo(-50);
        assertThat(CapstanPolicy.quantised(-4000)).isEqualTo(-98); // int(100 * sigmoid(4)), as FGD's int cast
        assertThat(CapstanPolicy.quantised(-100_000)).isEqualTo(-100);
        assertThat(CapstanPolicy.quantised(100_000)).isEqualTo(0);
        assertThat(CapstanPolicy.quantised(-100)).isLessThan(CapstanPolicy.quantised(100));
    }

    @Test
    void capstanRanksRackByRack() {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            nodes.add(aNode("n" + i).rack("rack-" + i / 4).build());
        }
        ClusterState cluster = ClusterState.of(nodes);
        PlacementPolicy policy = PlacementPolicies.byName("capstan", 5, null);
        java.util.Set<String> racks = new java.util.HashSet<>();
        for (int i = 0; i < 32; i++) { // 4 nodes × 8 GPUs: exactly one rack's worth
            PlacementResult r = policy.place(cluster, GangRequest.single(aPod("p" + i).build()));
            GangPlacement p = ((PlacementResult.Placed) r).placement();
            cluster.commit(p);
            racks.add(cluster.node(p.pods().get(0).node()).map(Topology::rackOf).orElseThrow());
        }
        assertThat(racks).hasSize(1);
    }
}

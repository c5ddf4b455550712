package dev.capstan.scheduler.domain.placement;

import static dev.capstan.scheduler.domain.placement.PlacementRulesTest.aNode;
import static dev.capstan.scheduler.domain.placement.PlacementRulesTest.aPod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The request mix learning policies learn online: each gang once, however often it is tried. */
class OnlineMixTest {

    @Test
    void aGangThatWaitsIsLearntOnceNotOncePerSchedulingCycle() {
        FragmentationPolicy policy = (FragmentationPolicy) PlacementPolicies.byName("capstan");
        ClusterState cluster = ClusterState.of(List.of(aNode("n").gpus(4).build()));
        GangRequest tooBig = new GangRequest("wl-big",
                List.of(aPod("wl-big-a1-worker-0").gpus(8).build(), aPod("wl-big-a1-worker-1").gpus(8).build()),
                TopologyMode.NONE);
        for (int cycle = 0; cycle < 50; cycle++) { // the scheduler asks again every cycle while it waits
            assertThat(policy.place(cluster, tooBig)).isInstanceOf(PlacementResult.Unschedulable.class);
        }
        assertThat(policy.learntRequests()).isEqualTo(2);

        assertThat(policy.place(cluster, GangRequest.single(aPod("small").gpus(1).build())))
                .isInstanceOf(PlacementResult.Placed.class);
        assertThat(policy.learntRequests()).isEqualTo(3);
    }

    @Test
    void aPolicyGivenItsWorkloadLearnsNothing() {
        FragmentationPolicy policy = (FragmentationPolicy) PlacementPolicies.byName("fgd", 1,
                List.of(aPod("known").gpus(1).build()));
        policy.place(ClusterState.of(List.of(aNode("n").gpus(4).build())), GangRequest.single(aPod("p").gpus(1).build()));
        assertThat(policy.learntRequests()).isZero();
    }
}

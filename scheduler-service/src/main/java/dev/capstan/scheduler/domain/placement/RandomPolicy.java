package dev.capstan.scheduler.domain.placement;

import java.util.ArrayList;
import java.util.List;

/** The floor: a node chosen uniformly at random among those where the pod fits, a random GPU with room. */
final class RandomPolicy extends ScoringPolicy {

    RandomPolicy(long seed) {
        super(true, false, seed);
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    protected double score(ClusterState cluster, ClusterState.Node node, PodRequest pod, Pick pick) {
        return 0;
    }

    @Override
    PodPlacement toPlacement(ClusterState.Node node, PodRequest pod, int gpu) {
        if (pod.isShared()) {
            List<Integer> room = new ArrayList<>();
            for (int g = 0; g < node.gpuFree.length; g++) {
                if (node.gpuFree[g] >= pod.gpuMilli() && pod.allowsModel(node.spec.gpus().get(g).model())) {
                    room.add(g);
                }
            }
            gpu = room.get(random.nextInt(room.size()));
        }
        return super.toPlacement(node, pod, gpu);
    }
}

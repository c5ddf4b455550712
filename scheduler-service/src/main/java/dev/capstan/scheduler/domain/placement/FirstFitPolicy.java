package dev.capstan.scheduler.domain.placement;

/**
 * The simplest policy: the first node the indexes yield on which the pod fits (nodes with the fewest whole free
 * GPUs that still suffice come first), the first GPU with room for a shared pod.
 */
final class FirstFitPolicy extends ScoringPolicy {

    FirstFitPolicy() {
        super(false, true, 0);
    }

    @Override
    public String name() {
        return "firstfit";
    }

    @Override
    protected double score(ClusterState cluster, ClusterState.Node node, PodRequest pod, Pick pick) {
        if (pod.isShared()) {
            pick.gpu = GpuChoice.firstShare(node, pod);
        }
        return 0;
    }
}

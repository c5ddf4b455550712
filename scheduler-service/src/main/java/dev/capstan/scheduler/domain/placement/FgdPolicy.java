package dev.capstan.scheduler.domain.placement;

import java.util.List;

/**
 * A re-implementation of FGD (fragmentation gradient descent, Weng et al., ATC '23) as the paper's simulator
 * runs it: the typical requests are the kinds that make up 95 % of the pod list (CPU, GPU count, share, model;
 * memory is not part of it), a node's score is {@code floor(100 * sigmoid((fragBefore - fragAfter) / 1000))}
 * (an integer, as the scheduler framework wants), equal scores go to the node first in a fixed seeded random order
 * (the simulator's modified selectHost takes the smallest node name, and node names carry a seeded random prefix),
 * and a shared pod takes the first GPU with the best such score. Used as the baseline that {@code capstan} must beat.
 */
final class FgdPolicy extends FragmentationPolicy {

    private final int[] qByFree = new int[1001];
    private final int[] qStamp = new int[1001];
    private int stamp;

    private final boolean exact;
    private final String name;

    /** The simulator's FGD: integer scores, equal scores to the node first in a fixed seeded random order. */
    FgdPolicy(List<PodRequest> workload, long seed) {
        this(workload, seed, false, Ties.NODE_RANK, "fgd");
    }

    /**
     * @param exact with {@code exact}, the score is the fragmentation increase itself (not rounded)
     * @param ties  how equal scores are broken: {@code NODE_RANK} as the paper's simulator, {@code RANDOM} as
     *              upstream kube-scheduler, {@code POLICY} by node id
     */
    FgdPolicy(List<PodRequest> workload, long seed, boolean exact, Ties ties, String name) {
        super(workload, false, true, false, 0, ties, seed);
        this.exact = exact;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    private int quantised(double before, double after) {
        if (exact) {
            return (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, Math.rint((before - after) * 1e3)));
        }
        double x = (before - after) / 1000.0;
        return (int) (100.0 / (1.0 + Math.exp(-x)));
    }

    @Override
    protected double score(ClusterState cluster, ClusterState.Node node, PodRequest pod, Pick pick) {
        double before = fragNow(node);
        if (!pod.isShared()) {
            return -quantised(before, fragAfter(node, pod));
        }
        int bestQ = Integer.MIN_VALUE;
        stamp++;
        for (int g = 0; g < node.gpuFree.length; g++) {
            int f = node.gpuFree[g];
            if (f < pod.gpuMilli() || !pod.allowsModel(node.spec.gpus().get(g).model())) {
                continue;
            }
            int q;
            if (qStamp[f] == stamp) {
                q = qByFree[f];
            } else {
                q = quantised(before, fragAfterShare(node, pod, g));
                qStamp[f] = stamp;
                qByFree[f] = q;
            }
            if (q > bestQ) {
                bestQ = q;
                pick.gpu = g;
            }
        }
        return -bestQ;
    }
}

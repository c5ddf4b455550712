package dev.capstan.scheduler.domain.placement;

/**
 * BestFit as the FGD paper's simulator scores it: the node whose free CPU and GPU after placement are smallest,
 * {@code 0.5 * cpuLeft / 128 cores + 0.5 * gpuLeft / 8 GPUs}, turned into an integer score 0..100 as the
 * Kubernetes scheduler framework does; equal integer scores go to the node first in a fixed seeded random
 * order (as the paper's simulator breaks ties, see {@link ScoringPolicy.Ties#NODE_RANK}). A shared pod takes the GPU with the least free share that holds it.
 * With {@code exact = true} the score is not rounded and ties go to the lowest node id.
 */
final class BestFitPolicy extends ScoringPolicy {

    /** Normalisation constants of the simulator: the largest node has 128 cores and 8 GPUs. */
    static final double MAX_SPEC_CPU = 128_000;
    static final double MAX_SPEC_GPU = 8_000;

    private final boolean exact;
    private final String name;

    /** The simulator's BestFit: integer scores, ties to the node first in a fixed seeded random order. */
    BestFitPolicy(long seed) {
        this(false, Ties.NODE_RANK, seed, "bestfit");
    }

    BestFitPolicy(boolean exact, Ties ties, long seed, String name) {
        super(ties, false, seed);
        this.exact = exact;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected double score(ClusterState cluster, ClusterState.Node node, PodRequest pod, Pick pick) {
        double left = 0.5 * (node.cpuFree - pod.cpuMilli()) / MAX_SPEC_CPU
                + 0.5 * (node.gpuFreeTotal() - pod.totalGpuMilli()) / MAX_SPEC_GPU;
        if (pod.isShared()) {
            pick.gpu = GpuChoice.tightestShare(node, pod);
        }
        if (exact) {
            return left;
        }
        return -(long) ((1.0 - left) * 100); // framework score, higher is better: negate for "lower is better"
    }
}

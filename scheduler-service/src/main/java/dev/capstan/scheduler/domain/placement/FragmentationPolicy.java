package dev.capstan.scheduler.domain.placement;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Base of the policies that place a pod where the node's expected fragmentation ({@link FragmentationModel})
 * grows least. Holds the model (fixed from a known workload, or learnt online from the requests it is asked to
 * place), a per-node cache of the current fragmentation, and the evaluation of the state after placement.
 */
abstract class FragmentationPolicy extends ScoringPolicy {

    /** Share of requests the typical kinds must cover (the paper's popularity threshold, 95 %). */
    static final double COVERAGE = 0.95;

    static final int LEARNT_GANGS = 4_096;

    /** Coverage of this policy's typical kinds. */
    protected double coverage() {
        return COVERAGE;
    }

    private final RequestMix learnt;
    /** Gangs already learnt, the most recent {@link #LEARNT_GANGS} (a gang waiting longer may count again). */
    private final Set<String> learntGangs = Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > LEARNT_GANGS;
                }
            });
    private final boolean withMemory;
    private final boolean cpuOnlyIsFragment;
    protected FragmentationModel model;
    private long nextRebuild;
    private int epoch;

    private long[] cachedVersion = new long[0];
    private int[] cachedEpoch = new int[0];
    private double[] cachedFrag = new double[0];
    protected final int[] sorted = new int[64];
    protected final int[] after = new int[64];

    /**
     * @param workload  the known request mix (the pod list), or null to learn it online
     * @param halfLife  forgetting of the online mix, in requests
     */
    private final boolean capacityAware;

    protected FragmentationPolicy(List<PodRequest> workload, boolean withMemory, boolean cpuOnlyIsFragment,
                                  boolean capacityAware, long halfLife, Ties ties, long seed) {
        super(ties, false, seed);
        this.capacityAware = capacityAware;
        this.withMemory = withMemory;
        this.cpuOnlyIsFragment = cpuOnlyIsFragment;
        if (workload != null) {
            learnt = null;
            model = new FragmentationModel(RequestMix.of(workload, withMemory).typical(coverage()), withMemory,
                    cpuOnlyIsFragment, capacityAware);
        } else {
            learnt = new RequestMix(withMemory, halfLife);
            model = FragmentationModel.empty();
            nextRebuild = 1;
        }
    }

    /**
     * Learns a gang's pods into the mix the first time the gang is seen: a workload that waits is placed again every
     * cycle and would otherwise count once per cycle, skewing the mix toward what does not fit.
     */
    @Override
    protected void observe(GangRequest gang) {
        if (learnt == null || !learntGangs.add(gang.gangId())) {
            return;
        }
        for (PodRequest pod : gang.pods()) {
            learnt.observe(pod);
        }
        if (learnt.observed() >= nextRebuild) {
            // rebuild often while the mix is young, then every 1,000 requests (a rebuild drops the memo)
            nextRebuild = learnt.observed() < 1000 ? learnt.observed() * 2 : learnt.observed() + 1000;
            model = new FragmentationModel(learnt.typical(coverage()), withMemory, cpuOnlyIsFragment, capacityAware);
            epoch++;
        }
    }

    /** Requests learnt into the online mix so far (0 for a policy given its workload). */
    long learntRequests() {
        return learnt == null ? 0 : learnt.observed();
    }

    /** Current fragmentation of a node, cached until the node changes or the model is rebuilt. */
    protected double fragNow(ClusterState.Node node) {
        int id = node.id;
        if (id >= cachedVersion.length) {
            int len = Math.max(id + 1, cachedVersion.length * 2);
            cachedVersion = java.util.Arrays.copyOf(cachedVersion, len);
            cachedEpoch = java.util.Arrays.copyOf(cachedEpoch, len);
            cachedFrag = java.util.Arrays.copyOf(cachedFrag, len);
        }
        if (cachedVersion[id] == node.version && cachedEpoch[id] == epoch + 1) {
            return cachedFrag[id];
        }
        int n = sortedFree(node, sorted);
        double f = model.fragmentation(node, sorted, n, node.cpuFree, node.memFree);
        cachedVersion[id] = node.version;
        cachedEpoch[id] = epoch + 1;
        cachedFrag[id] = f;
        return f;
    }

    /** Fragmentation after a CPU-only pod or a whole-GPU pod lands on the node. */
    protected double fragAfter(ClusterState.Node node, PodRequest pod) {
        int n = sortedFree(node, sorted);
        long cpu = node.cpuFree - pod.cpuMilli();
        long mem = node.memFree - pod.memoryMib();
        if (pod.gpus() == 0 || pod.isMig()) {
            return model.fragmentation(node, sorted, n, cpu, mem);
        }
        // the pod takes k whole GPUs: the k largest entries are 1000s
        int k = pod.gpus();
        System.arraycopy(sorted, k, after, 0, n - k);
        java.util.Arrays.fill(after, n - k, n, 0);
        return model.fragmentation(node, after, n, cpu, mem);
    }

    /** Fragmentation after a shared pod takes its share of GPU {@code g}. */
    protected double fragAfterShare(ClusterState.Node node, PodRequest pod, int g) {
        int n = sortedFree(node, sorted);
        int f = node.gpuFree[g];
        FragmentationModel.replaceSorted(sorted, n, f, f - pod.gpuMilli(), after);
        return model.fragmentation(node, after, n, node.cpuFree - pod.cpuMilli(), node.memFree - pod.memoryMib());
    }
}

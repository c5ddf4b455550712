package dev.capstan.scheduler.domain.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mix of requests a cluster sees: how often each kind of pod (CPU, optionally memory, GPU count, share and
 * allowed models) is asked for. Learnt online with exponential forgetting, or counted from a known pod list.
 */
final class RequestMix {

    private record Kind(long cpuMilli, long memoryMib, int gpus, int gpuMilli, Set<String> models) {
    }

    private final boolean withMemory;
    private final double keep;
    private final Map<Kind, Double> weights = new HashMap<>();
    private double increment = 1;
    private double total;
    private long observed;

    /**
     * @param withMemory whether memory is part of a request's kind
     * @param halfLife   after this many observations an old observation counts half (0 = never forget)
     */
    RequestMix(boolean withMemory, long halfLife) {
        this.withMemory = withMemory;
        this.keep = halfLife <= 0 ? 1.0 : Math.pow(0.5, 1.0 / halfLife);
    }

    /** The mix of a known list of pods, every pod counting once. */
    static RequestMix of(List<PodRequest> pods, boolean withMemory) {
        RequestMix mix = new RequestMix(withMemory, 0);
        pods.forEach(mix::observe);
        return mix;
    }

    void observe(PodRequest pod) {
        if (pod.isMig()) {
            return; // MIG instances do not strand shares of whole GPUs
        }
        Kind k = new Kind(pod.cpuMilli(), withMemory ? pod.memoryMib() : 0, pod.gpus(), pod.gpuMilli(),
                pod.allowedGpuModels());
        weights.merge(k, increment, Double::sum);
        total += increment;
        observed++;
        if (keep < 1.0) {
            increment /= keep;
            if (increment > 1e100) {
                for (Map.Entry<Kind, Double> e : weights.entrySet()) {
                    e.setValue(e.getValue() / increment);
                }
                total /= increment;
                increment = 1;
            }
        }
    }

    long observed() {
        return observed;
    }

    /**
     * The most frequent kinds that together make up {@code coverage} of the requests (as the paper's "typical
     * pods"), with probabilities renormalised to 1.
     */
    List<FragmentationModel.TypicalPod> typical(double coverage) {
        List<Map.Entry<Kind, Double>> entries = new ArrayList<>(weights.entrySet());
        entries.sort(Comparator.comparingDouble((Map.Entry<Kind, Double> e) -> -e.getValue())
                .thenComparingInt(e -> e.getKey().gpus())
                .thenComparingInt(e -> e.getKey().gpuMilli())
                .thenComparingLong(e -> e.getKey().cpuMilli())
                .thenComparingLong(e -> e.getKey().memoryMib())
                .thenComparing(e -> String.join("|", new java.util.TreeSet<>(e.getKey().models()))));
        List<Map.Entry<Kind, Double>> chosen = new ArrayList<>();
        double cum = 0;
        for (Map.Entry<Kind, Double> e : entries) {
            if (cum >= coverage * total) {
                break;
            }
            chosen.add(e);
            cum += e.getValue();
        }
        List<FragmentationModel.TypicalPod> out = new ArrayList<>(chosen.size());
        for (Map.Entry<Kind, Double> e : chosen) {
            Kind k = e.getKey();
            out.add(new FragmentationModel.TypicalPod(k.cpuMilli(), k.memoryMib(), k.gpus(), k.gpuMilli(), k.models(),
                    e.getValue() / cum));
        }
        return out;
    }
}

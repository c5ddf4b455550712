package dev.capstan.scheduler.domain.placement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rules for choosing GPUs on a node once the node is chosen. */
final class GpuChoice {

    private GpuChoice() {
    }

    /**
     * Whole GPUs for a pod: the NVLink island with the fewest free GPUs that still holds the whole request (so
     * that larger islands stay free), lowest indices first; across islands when no island holds it.
     */
    static List<Integer> wholeGpus(ClusterState.Node node, PodRequest pod) {
        List<GpuDevice> devices = node.spec.gpus();
        int need = pod.gpus();
        Map<String, List<Integer>> byIsland = new LinkedHashMap<>();
        for (int g = 0; g < devices.size(); g++) {
            if (node.gpuFree[g] == 1000 && pod.allowsModel(devices.get(g).model())) {
                byIsland.computeIfAbsent(devices.get(g).nvlinkIsland(), k -> new ArrayList<>()).add(g);
            }
        }
        List<Integer> bestIsland = null;
        for (List<Integer> island : byIsland.values()) {
            if (island.size() >= need && (bestIsland == null || island.size() < bestIsland.size())) {
                bestIsland = island;
            }
        }
        if (bestIsland != null) {
            return List.copyOf(bestIsland.subList(0, need));
        }
        // no island holds it: take the largest islands first so the pod spans as few islands as possible
        List<List<Integer>> islands = new ArrayList<>(byIsland.values());
        islands.sort((a, b) -> b.size() - a.size());
        List<Integer> out = new ArrayList<>(need);
        for (List<Integer> island : islands) {
            for (int g : island) {
                if (out.size() < need) {
                    out.add(g);
                }
            }
        }
        if (out.size() < need) {
            throw new IllegalStateException("node " + node.spec.name() + " has no " + need + " free GPUs");
        }
        out.sort(Integer::compare);
        return out;
    }

    /** The GPU with the least free share that still holds the shared pod (best fit), lowest index on ties. */
    static int tightestShare(ClusterState.Node node, PodRequest pod) {
        int best = -1;
        for (int g = 0; g < node.gpuFree.length; g++) {
            int f = node.gpuFree[g];
            if (f >= pod.gpuMilli() && pod.allowsModel(node.spec.gpus().get(g).model())
                    && (best < 0 || f < node.gpuFree[best])) {
                best = g;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("node " + node.spec.name() + " has no GPU with " + pod.gpuMilli() + " free");
        }
        return best;
    }

    /** The first GPU with room for the shared pod. */
    static int firstShare(ClusterState.Node node, PodRequest pod) {
        for (int g = 0; g < node.gpuFree.length; g++) {
            if (node.gpuFree[g] >= pod.gpuMilli() && pod.allowsModel(node.spec.gpus().get(g).model())) {
                return g;
            }
        }
        throw new IllegalStateException("node " + node.spec.name() + " has no GPU with " + pod.gpuMilli() + " free");
    }

    /**
     * The GPU for a MIG instance: one already partitioned with the fewest free slices that still hold the profile
     * (keeps untouched GPUs whole), else the first untouched MIG-capable GPU.
     */
    static int migGpu(ClusterState.Node node, PodRequest pod) {
        int slices = MigProfiles.slices(pod.migProfile());
        int best = -1;
        int bestFree = Integer.MAX_VALUE;
        for (int g = 0; g < node.gpuFree.length; g++) {
            GpuDevice d = node.spec.gpus().get(g);
            if (!d.migCapable() || node.gpuUsed[g] > 0 || !pod.allowsModel(d.model())) {
                continue;
            }
            int free = MigProfiles.SLICES_PER_GPU - node.migUsed[g];
            if (free < slices) {
                continue;
            }
            // partitioned GPUs (free < 7) before untouched ones; among them the tightest
            if (free < bestFree) {
                best = g;
                bestFree = free;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("node " + node.spec.name() + " has no room for MIG " + pod.migProfile());
        }
        return best;
    }
}

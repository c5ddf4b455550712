package dev.capstan.scheduler.domain.placement;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Explains, in words for the person who submitted the work, why a pod or gang does not fit now. Runs only when
 * placement fails, so it may look at every node.
 */
final class Diagnosis {

    private Diagnosis() {
    }

    static String modelsOf(PodRequest pod) {
        return pod.allowedGpuModels().isEmpty() ? "any" : String.join("|", new java.util.TreeSet<>(pod.allowedGpuModels()));
    }

    /** Why one pod fits on no node. */
    static String forPod(ClusterState cluster, PodRequest pod) {
        int known = 0;
        int ready = 0;
        int tolerated = 0;
        int modelOk = 0;
        int gpuOk = 0;
        int bestWhole = -1;
        String bestWholeNode = null;
        int bestShare = -1;
        String bestShareNode = null;
        long bestCpu = -1;
        String bestCpuNode = null;
        for (int id = 0; id < cluster.nodeSlots(); id++) {
            ClusterState.Node n = cluster.node(id);
            if (n == null) {
                continue;
            }
            known++;
            if (!n.spec.ready()) {
                continue;
            }
            ready++;
            if (!pod.tolerates(n.spec.taints())) {
                continue;
            }
            tolerated++;
            if (pod.gpus() > 0 && (n.gpuCount() == 0 || !ClusterState.modelAllowed(n, pod))) {
                continue;
            }
            modelOk++;
            if (n.wholeFree > bestWhole) {
                bestWhole = n.wholeFree;
                bestWholeNode = n.spec.name();
            }
            int share = n.wholeFree > 0 ? 1000 : n.maxPartialFree;
            if (share > bestShare) {
                bestShare = share;
                bestShareNode = n.spec.name();
            }
            if (pod.gpus() == 0 || ClusterState.gpuRoom(n, pod)) {
                gpuOk++;
                if (n.cpuFree > bestCpu) {
                    bestCpu = n.cpuFree;
                    bestCpuNode = n.spec.name();
                }
            }
        }
        String what = describe(pod);
        if (known == 0) {
            return "no nodes are known to the scheduler yet";
        }
        if (ready == 0) {
            return "none of the " + known + " nodes is ready";
        }
        if (tolerated == 0) {
            return "every ready node has a taint that pod " + pod.podName() + " does not tolerate";
        }
        if (modelOk == 0) {
            return "no ready node has GPUs of model " + modelsOf(pod);
        }
        if (gpuOk == 0) {
            if (pod.isMig()) {
                return "no MIG-capable GPU of model " + modelsOf(pod) + " has room for profile " + pod.migProfile();
            }
            if (pod.isShared()) {
                return "no GPU of model " + modelsOf(pod) + " has " + pod.gpuMilli()
                        + " milli-GPU free to share (largest free share: " + bestShare + " on " + bestShareNode + ")";
            }
            return "no node has " + pod.gpus() + " GPUs of model " + modelsOf(pod) + " free (largest free: "
                    + bestWhole + " on " + bestWholeNode + ")";
        }
        return "no node with room for " + what + " also has " + pod.cpuMilli() + "m CPU and " + pod.memoryMib()
                + " MiB memory free (" + gpuOk + " nodes have the GPUs; most CPU free among them: "
                + Math.max(0, bestCpu) + "m on " + bestCpuNode + ")";
    }

    static String describe(PodRequest pod) {
        if (pod.gpus() == 0) {
            return "a CPU-only pod";
        }
        if (pod.isMig()) {
            return "MIG " + pod.migProfile();
        }
        if (pod.isShared()) {
            return pod.gpuMilli() + " milli-GPU of model " + modelsOf(pod);
        }
        return pod.gpus() + " GPUs of model " + modelsOf(pod);
    }

    /** Why a gang does not fit as a whole. */
    static String forGang(ClusterState cluster, GangRequest gang) {
        // 1. a pod that fits nowhere even alone explains it best
        for (PodRequest p : gang.pods()) {
            if (!fitsAnywhere(cluster, p)) {
                return "pod " + p.podName() + " of gang " + gang.gangId() + ": " + forPod(cluster, p);
            }
        }
        // 2. whole-GPU pods grouped by size: how many nodes have that many free
        Map<Integer, Integer> bySize = new TreeMap<>(java.util.Comparator.reverseOrder());
        long gpus = 0;
        for (PodRequest p : gang.pods()) {
            if (p.isWholeGpu()) {
                bySize.merge(p.gpus(), 1, Integer::sum);
                gpus += p.gpus();
            }
        }
        for (Map.Entry<Integer, Integer> e : bySize.entrySet()) {
            int size = e.getKey();
            int count = e.getValue();
            int nodes = 0;
            for (int id = 0; id < cluster.nodeSlots(); id++) {
                ClusterState.Node n = cluster.node(id);
                if (n != null && n.spec.ready() && n.wholeFree >= size) {
                    nodes += n.wholeFree / size;
                }
            }
            if (nodes < count) {
                // a node with 2×size free counts twice: it holds two such pods
                return "insufficient GPUs: gang " + gang.gangId() + " needs " + count + "×" + size + " GPUs, only "
                        + (size == 1 ? nodes + " GPUs are free" : nodes + " nodes have " + size + " free");
            }
        }
        if (gang.topology() == TopologyMode.REQUIRE) {
            return "gang " + gang.gangId() + " requires one rack, and no rack has room for all its "
                    + gang.pods().size() + " pods (" + gpus + " whole GPUs, CPU and memory)";
        }
        return "gang " + gang.gangId() + " of " + gang.pods().size() + " pods does not fit as a whole: each pod fits"
                + " somewhere, but there is not enough GPU, CPU and memory room for all of them together";
    }

    private static boolean fitsAnywhere(ClusterState cluster, PodRequest pod) {
        for (int id = 0; id < cluster.nodeSlots(); id++) {
            ClusterState.Node n = cluster.node(id);
            if (n != null && ClusterState.fits(n, pod)) {
                return true;
            }
        }
        return false;
    }
}

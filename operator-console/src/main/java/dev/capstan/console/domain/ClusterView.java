package dev.capstan.console.domain;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The GPU map: every node with its GPUs and what holds them, built from the nodes the executor publishes and the
 * admissions the scheduler publishes, less what the executor released. Not thread-safe: {@link ReadModel} guards it.
 */
public final class ClusterView {

    /** Node label of the rack (the simulated cluster's and Capstan's topology label). */
    public static final String RACK_LABEL = "topology.capstan.dev/rack";
    /** How many recent GPU pod requests make the mix fragmentation is measured against. */
    static final int MIX_SIZE = 200;

    private final Map<String, NodeEvent.NodeUpdated> nodes = new TreeMap<>();
    private final Map<String, Allocation> live = new HashMap<>();
    private final Map<String, Integer> releasedUpTo = new HashMap<>();
    private final Deque<PodRequest> recent = new ArrayDeque<>();

    /** One live admission: its pods where they are, and what each pod asked for. */
    record Allocation(int attempt, String queue, List<PodAssignment> pods, PodRequest perPod, String kind) {
    }

    void node(NodeEvent e) {
        if (e instanceof NodeEvent.NodeUpdated u) {
            nodes.put(u.node(), u);
        } else {
            nodes.remove(e.node());
        }
    }

    /** A workload was submitted or a replica admitted: its pod request joins the mix. */
    void seen(PodRequest perPod) {
        if (!perPod.usesGpu()) {
            return;
        }
        recent.addLast(perPod);
        while (recent.size() > MIX_SIZE) {
            recent.removeFirst();
        }
    }

    void admitted(PlacementEvent.WorkloadAdmitted a, PodRequest perPod, String kind) {
        if (releasedUpTo.getOrDefault(a.workloadId(), 0) >= a.attempt()) {
            return; // its release was read first (the two topics are read side by side)
        }
        Allocation current = live.get(a.workloadId());
        if (current == null || current.attempt() < a.attempt()) {
            live.put(a.workloadId(), new Allocation(a.attempt(), a.queue(), a.pods(), perPod, kind));
        }
    }

    void released(ExecutionEvent e) {
        releasedUpTo.merge(e.workloadId(), e.attempt(), Math::max);
        Allocation current = live.get(e.workloadId());
        if (current != null && current.attempt() <= e.attempt()) {
            live.remove(e.workloadId());
        }
    }

    /** Forgets a workload that left the read model. */
    void forget(String workloadId) {
        if (!live.containsKey(workloadId)) {
            releasedUpTo.remove(workloadId);
        }
    }

    /** GPUs held per queue, in milli-GPU. */
    Map<String, Long> gpuMilliByQueue() {
        Map<String, Long> m = new TreeMap<>();
        live.values().forEach(a -> m.merge(a.queue() == null ? "default" : a.queue(),
                a.pods().stream().mapToLong(p -> (long) p.gpuIndices().size() * share(p)).sum(), Long::sum));
        return m;
    }

    int totalGpus() {
        return nodes.values().stream().mapToInt(n -> n.gpus().size()).sum();
    }

    private static int share(PodAssignment p) {
        if (p.migProfile() != null) {
            return slices(p.migProfile()) * 1000 / Fragmentation.MIG_SLICES;
        }
        return p.gpuMilli() <= 0 ? 1000 : Math.min(p.gpuMilli(), 1000);
    }

    /** Compute slices of a MIG profile such as {@code 3g.40gb}; 1 when it cannot be read. */
    static int slices(String profile) {
        int g = profile.indexOf('g');
        try {
            return g > 0 ? Math.max(1, Integer.parseInt(profile.substring(0, g))) : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The map as it is now. */
    public GpuMap map(Instant at) {
        Map<PodRequest, Integer> mix = new LinkedHashMap<>();
        recent.forEach(p -> mix.merge(p, 1, Integer::sum));
        if (mix.isEmpty()) {
            mix.put(new PodRequest(1, 1000, List.of(), 0, 0), 1); // nothing seen yet: one whole GPU
        }
        Map<String, List<GpuMap.Use>> usesByGpu = new HashMap<>();
        Map<String, long[]> cpuMemByNode = new HashMap<>();
        live.forEach((id, a) -> {
            for (PodAssignment p : a.pods()) {
                long[] cm = cpuMemByNode.computeIfAbsent(p.node(), n -> new long[2]);
                cm[0] += a.perPod().cpuMilli();
                cm[1] += a.perPod().memoryMib();
                for (int gpu : p.gpuIndices()) {
                    usesByGpu.computeIfAbsent(p.node() + "/" + gpu, k -> new ArrayList<>()).add(new GpuMap.Use(id,
                            p.pod(), share(p), p.migProfile(), a.queue(), a.kind()));
                }
            }
        });
        Map<String, List<GpuMap.NodeCells>> groups = new TreeMap<>();
        double stranded = 0;
        long usedMilli = 0;
        int gpus = 0;
        int idle = 0;
        for (NodeEvent.NodeUpdated n : nodes.values()) {
            List<GpuMap.Cell> cells = new ArrayList<>();
            List<Fragmentation.FreeGpu> free = new ArrayList<>();
            for (NodeEvent.Gpu g : n.gpus()) {
                List<GpuMap.Use> uses = usesByGpu.getOrDefault(n.node() + "/" + g.index(), List.of());
                int used = Math.min(1000, uses.stream().mapToInt(GpuMap.Use::milli).sum());
                boolean mig = uses.stream().anyMatch(u -> u.migProfile() != null);
                int slicesUsed = uses.stream().filter(u -> u.migProfile() != null)
                        .mapToInt(u -> slices(u.migProfile())).sum();
                String state = uses.isEmpty() ? "free" : mig ? "mig" : used >= 1000 && uses.size() == 1 ? "whole"
                        : "shared";
                cells.add(new GpuMap.Cell(g.index(), g.model(), state, used, uses));
                free.add(new Fragmentation.FreeGpu(g.model(), mig ? 0 : 1000 - used, mig,
                        mig ? Math.max(0, Fragmentation.MIG_SLICES - slicesUsed) : 0));
                usedMilli += used;
                gpus++;
                idle += uses.isEmpty() ? 1 : 0;
            }
            long[] cm = cpuMemByNode.getOrDefault(n.node(), new long[2]);
            Fragmentation.FreeNode freeNode = new Fragmentation.FreeNode(n.ready(), n.cpuMilli() - cm[0],
                    n.memoryMib() - cm[1], free);
            double fragmented = Fragmentation.fragmentedMilli(freeNode, mix) / 1000.0;
            double freeGpus = freeNode.freeMilli() / 1000.0;
            stranded += fragmented;
            String rack = n.labels().getOrDefault(RACK_LABEL, "-");
            String model = n.gpus().isEmpty() ? "cpu" : n.gpus().get(0).model();
            groups.computeIfAbsent(rack + "\u0000" + model, k -> new ArrayList<>()).add(new GpuMap.NodeCells(n.node(),
                    rack, model, n.ready(), n.cpuMilli(), cm[0], n.memoryMib(), cm[1], cells, round(freeGpus),
                    round(fragmented), freeGpus == 0 ? 0 : round(fragmented / freeGpus)));
        }
        List<GpuMap.Group> out = new ArrayList<>();
        groups.forEach((k, v) -> out.add(new GpuMap.Group(v.get(0).rack(), v.get(0).gpuModel(), v)));
        List<GpuMap.MixEntry> mixOut = mix.entrySet().stream()
                .sorted(Map.Entry.<PodRequest, Integer>comparingByValue(Comparator.reverseOrder()))
                .map(e -> new GpuMap.MixEntry(e.getKey(), e.getValue())).toList();
        return new GpuMap(out, gpus, round(usedMilli / 1000.0), idle, round(stranded), mixOut, at);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}

package dev.capstan.scheduler.domain.placement;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places a gang all or nothing, closest topology domain first.
 *
 * <ol>
 *   <li>Order the pods largest first (whole GPUs, then shares, then CPU).</li>
 *   <li>For each topology level the mode allows (PREFER: node, rack, zone, anywhere; REQUIRE: node, rack;
 *       NONE: anywhere), take the domains whose free capacity covers the gang, tightest first (so that big free
 *       domains stay free for big gangs), and try a few of them.</li>
 *   <li>In a domain, place pod after pod with the policy's own choice, nodes already holding the gang first;
 *       each pod is applied tentatively so the next one sees its capacity taken.</li>
 *   <li>Undo every tentative change (the cluster is left as it was) and return the placement, or the reason.</li>
 * </ol>
 */
final class GangPlacer {

    /** Domains tried per level: bounds the work for a gang that fits nowhere. */
    static final int DOMAINS_PER_LEVEL = 3;
    /** Nodes tried for a gang that could fit on one node. */
    static final int NODES_TRIED = 4;

    private enum Level { NODE, RACK, ZONE, ANY }

    private GangPlacer() {
    }

    static PlacementResult place(ScoringPolicy policy, ClusterState cluster, GangRequest gang) {
        List<PodRequest> order = new ArrayList<>(gang.pods());
        order.sort(Comparator.comparingLong(PodRequest::totalGpuMilli).reversed()
                .thenComparing(Comparator.comparingLong(PodRequest::cpuMilli).reversed()));
        Demand demand = Demand.of(order);
        List<Level> levels = switch (gang.topology()) {
            case NONE -> List.of(Level.ANY);
            case PREFER -> List.of(Level.NODE, Level.RACK, Level.ZONE, Level.ANY);
            case REQUIRE -> List.of(Level.NODE, Level.RACK);
        };
        boolean anyRack = false;
        for (int id = 0; id < cluster.nodeSlots(); id++) {
            ClusterState.Node n = cluster.node(id);
            if (n != null && !n.rack.isEmpty()) {
                anyRack = true;
                break;
            }
        }
        for (Level level : levels) {
            if ((level == Level.RACK || level == Level.ZONE) && !anyRack) {
                continue;
            }
            for (BitSet domain : domains(cluster, level, demand, order.get(0))) {
                List<PodPlacement> placed = tryIn(policy, cluster, order, domain);
                if (placed != null) {
                    return new PlacementResult.Placed(new GangPlacement(gang.gangId(), inGangOrder(gang, placed)));
                }
            }
        }
        return new PlacementResult.Unschedulable(Diagnosis.forGang(cluster, gang));
    }

    private static List<PodPlacement> inGangOrder(GangRequest gang, List<PodPlacement> placed) {
        Map<String, PodPlacement> byPod = new HashMap<>();
        placed.forEach(p -> byPod.put(p.podName(), p));
        return gang.pods().stream().map(p -> byPod.get(p.podName())).toList();
    }

    /** Places all pods within the domain (null = anywhere), or returns null; leaves the cluster unchanged. */
    private static List<PodPlacement> tryIn(ScoringPolicy policy, ClusterState cluster, List<PodRequest> order,
                                            BitSet domain) {
        List<PodPlacement> applied = new ArrayList<>(order.size());
        BitSet used = new BitSet();
        try {
            for (PodRequest pod : order) {
                PodPlacement p = policy.choose(cluster, pod, domain, used);
                if (p == null) {
                    return null;
                }
                cluster.apply(p);
                applied.add(p);
                used.set(cluster.nodeState(p.node()).id);
            }
            return new ArrayList<>(applied);
        } finally {
            for (int i = applied.size() - 1; i >= 0; i--) {
                cluster.unapply(applied.get(i));
            }
        }
    }

    /** What a gang needs in total. */
    record Demand(long wholeGpus, long shareMilli, long cpu, long mem) {
        static Demand of(List<PodRequest> pods) {
            long whole = 0;
            long share = 0;
            long cpu = 0;
            long mem = 0;
            for (PodRequest p : pods) {
                if (p.isWholeGpu()) {
                    whole += p.gpus();
                } else {
                    share += p.totalGpuMilli();
                }
                cpu += p.cpuMilli();
                mem += p.memoryMib();
            }
            return new Demand(whole, share, cpu, mem);
        }

        boolean coveredBy(long freeWhole, long freeMilli, long freeCpu, long freeMem) {
            return freeWhole >= wholeGpus && freeMilli >= wholeGpus * 1000 + shareMilli && freeCpu >= cpu
                    && freeMem >= mem;
        }
    }

    private static final class Agg {
        final BitSet members = new BitSet();
        long whole;
        long milli;
        long cpu;
        long mem;
    }

    /** Candidate domains of a level, tightest first, at most a few. */
    private static List<BitSet> domains(ClusterState cluster, Level level, Demand demand, PodRequest largest) {
        if (level == Level.ANY) {
            List<BitSet> all = new ArrayList<>(1);
            all.add(null);
            return all;
        }
        Map<String, Agg> byKey = new LinkedHashMap<>();
        BitSet ready = cluster.readyNodes();
        for (int id = ready.nextSetBit(0); id >= 0; id = ready.nextSetBit(id + 1)) {
            ClusterState.Node n = cluster.node(id);
            if (!largest.tolerates(n.spec.taints())) {
                continue;
            }
            String key = switch (level) {
                case NODE -> n.spec.name();
                case RACK -> n.rack.isEmpty() ? null : n.zone + "/" + n.rack;
                case ZONE -> n.zone.isEmpty() ? null : n.zone;
                case ANY -> "";
            };
            if (key == null) {
                continue;
            }
            if (level == Level.NODE && !demand.coveredBy(n.wholeFree, n.gpuFreeTotal(), n.cpuFree, n.memFree)) {
                continue;
            }
            Agg a = byKey.computeIfAbsent(key, k -> new Agg());
            a.members.set(id);
            a.whole += n.wholeFree;
            a.milli += n.gpuFreeTotal();
            a.cpu += Math.max(0, n.cpuFree);
            a.mem += Math.max(0, n.memFree);
        }
        List<Agg> fitting = new ArrayList<>();
        for (Agg a : byKey.values()) {
            if (demand.coveredBy(a.whole, a.milli, a.cpu, a.mem)) {
                fitting.add(a);
            }
        }
        fitting.sort(Comparator.comparingLong((Agg a) -> a.milli).thenComparingLong(a -> a.cpu));
        int limit = level == Level.NODE ? NODES_TRIED : DOMAINS_PER_LEVEL;
        List<BitSet> out = new ArrayList<>();
        for (int i = 0; i < fitting.size() && i < limit; i++) {
            out.add(fitting.get(i).members);
        }
        return out;
    }
}

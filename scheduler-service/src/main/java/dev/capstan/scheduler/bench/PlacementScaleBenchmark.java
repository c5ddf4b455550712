package dev.capstan.scheduler.bench;

import dev.capstan.scheduler.domain.placement.ClusterState;
import dev.capstan.scheduler.domain.placement.GangPlacement;
import dev.capstan.scheduler.domain.placement.GangRequest;
import dev.capstan.scheduler.domain.placement.GpuDevice;
import dev.capstan.scheduler.domain.placement.NodeSpec;
import dev.capstan.scheduler.domain.placement.PlacementPolicies;
import dev.capstan.scheduler.domain.placement.PlacementPolicy;
import dev.capstan.scheduler.domain.placement.PlacementResult;
import dev.capstan.scheduler.domain.placement.PodPlacement;
import dev.capstan.scheduler.domain.placement.PodRequest;
import dev.capstan.scheduler.domain.placement.Topology;
import dev.capstan.scheduler.domain.placement.TopologyMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Throughput of the engine on a synthetic large cluster, and the time to place a big gang.
 *
 * <p>Generator config: 5,000 nodes × 8 GPUs (two NVLink islands of 4), 128 cores, 1 TiB; 40 nodes per rack,
 * 25 racks per zone. Pod stream (seeded): 35 % 1 whole GPU, 25 % a shared GPU (250 or 500 milli), 10 % 2 GPUs,
 * 5 % 4 GPUs, 5 % 8 GPUs, 20 % CPU-only; 8 cores and 32 GiB per GPU, 4 cores / 16 GiB for shared and CPU pods.
 * Thresholds (from issue 3): ≥ 5,000 single-pod placements/s (kube-scheduler's CI floor at 5,000 nodes is
 * 680-810 pods/s, YuniKorn publishes 833 pods/s); a 512-pod gang with topology preference in ≤ 1 s.
 *
 * <p>Usage: {@code PlacementScaleBenchmark [--policies capstan,bestfit,firstfit] [--nodes 5000] [--pods 20000]}
 */
public final class PlacementScaleBenchmark {

    private PlacementScaleBenchmark() {
    }

    public static void main(String[] args) {
        List<String> policies = List.of("capstan", "fgd", "bestfit", "firstfit");
        int nodes = 5000;
        int pods = 20_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--policies" -> policies = Arrays.asList(args[++i].split(","));
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--pods" -> pods = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<NodeSpec> specs = cluster(nodes);
        List<PodRequest> stream = pods(pods, 7);
        for (String policyName : policies) {
            // warm-up run so the JIT has compiled the hot paths, then the measured run
            runOnce(specs, stream.subList(0, Math.min(stream.size(), 5000)), policyName, false);
            runOnce(specs, stream, policyName, true);
        }
    }

    private static void runOnce(List<NodeSpec> specs, List<PodRequest> stream, String policyName, boolean print) {
        ClusterState cluster = ClusterState.of(specs);
        PlacementPolicy policy = PlacementPolicies.byName(policyName);
        List<GangPlacement> placed = new ArrayList<>(stream.size());
        long t0 = System.nanoTime();
        int failed = 0;
        for (PodRequest pod : stream) {
            PlacementResult r = policy.place(cluster, GangRequest.single(pod));
            if (r instanceof PlacementResult.Placed p) {
                cluster.commit(p.placement());
                placed.add(p.placement());
            } else {
                failed++;
            }
        }
        double placeSeconds = (System.nanoTime() - t0) / 1e9;
        double allocated = 100.0 * cluster.gpuMilliAllocated() / cluster.gpuMilliTotal();

        // a 512-pod gang (1 GPU each) that prefers one rack but needs more than one: rack, then zone
        List<PodRequest> gangPods = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            gangPods.add(PodRequest.of("gang-worker-" + i, 8000, 32768, 1));
        }
        GangRequest gang = new GangRequest("gang-512", gangPods, TopologyMode.PREFER);
        long g0 = System.nanoTime();
        PlacementResult gr = policy.place(cluster, gang);
        double gangMs = (System.nanoTime() - g0) / 1e6;
        String gangWhere = "unschedulable";
        if (gr instanceof PlacementResult.Placed p) {
            Set<String> nodeNames = new HashSet<>();
            Set<String> racks = new HashSet<>();
            for (PodPlacement pp : p.placement().pods()) {
                nodeNames.add(pp.node());
                racks.add(cluster.node(pp.node()).map(Topology::rackOf).orElse("?"));
            }
            gangWhere = nodeNames.size() + "_nodes_" + racks.size() + "_racks";
            cluster.commit(p.placement());
            cluster.release(p.placement());
        }

        System.gc();
        Runtime rt = Runtime.getRuntime();
        double heapMib = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;

        long r0 = System.nanoTime();
        for (GangPlacement p : placed) {
            cluster.release(p);
        }
        double releaseSeconds = (System.nanoTime() - r0) / 1e9;
        if (cluster.gpuMilliAllocated() != 0) {
            throw new IllegalStateException("release did not restore the empty cluster");
        }
        if (print) {
            System.out.printf(Locale.ROOT,
                    "scale policy=%s nodes=%d gpus=%d pods=%d failed=%d gpu_alloc_after=%.1f%% placements_per_s=%.0f"
                            + " releases_per_s=%.0f gang512_ms=%.1f gang512=%s heap_used_mib=%.0f%n",
                    policyName, cluster.nodeCount(), cluster.gpuCount(), stream.size(), failed, allocated,
                    stream.size() / placeSeconds, placed.size() / releaseSeconds, gangMs, gangWhere, heapMib);
        }
    }

    static List<NodeSpec> cluster(int count) {
        List<NodeSpec> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<GpuDevice> gpus = new ArrayList<>(8);
            for (int g = 0; g < 8; g++) {
                gpus.add(new GpuDevice(g, "A100", 81920, g < 4 ? "0" : "1"));
            }
            int rack = i / 40;
            out.add(new NodeSpec(String.format("node-%05d", i), 128_000, 1_048_576, gpus,
                    Map.of(Topology.RACK, "rack-" + rack, Topology.ZONE, "zone-" + rack / 25), Set.of(), true));
        }
        return out;
    }

    static List<PodRequest> pods(int count, long seed) {
        Random rnd = new Random(seed);
        List<PodRequest> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int r = rnd.nextInt(100);
            String name = "pod-" + i;
            PodRequest p;
            if (r < 35) {
                p = PodRequest.of(name, 8000, 32768, 1);
            } else if (r < 60) {
                p = PodRequest.shared(name, 4000, 16384, rnd.nextBoolean() ? 250 : 500);
            } else if (r < 70) {
                p = PodRequest.of(name, 16000, 65536, 2);
            } else if (r < 75) {
                p = PodRequest.of(name, 32000, 131072, 4);
            } else if (r < 80) {
                p = PodRequest.of(name, 64000, 262144, 8);
            } else {
                p = PodRequest.of(name, 4000, 16384, 0);
            }
            out.add(p);
        }
        return out;
    }
}

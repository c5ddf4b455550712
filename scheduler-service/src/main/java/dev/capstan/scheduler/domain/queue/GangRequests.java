package dev.capstan.scheduler.domain.queue;

import dev.capstan.events.Framework;
import dev.capstan.events.NodeEvent;
import dev.capstan.events.PodAssignment;
import dev.capstan.events.Resources;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.scheduler.domain.placement.GangPlacement;
import dev.capstan.scheduler.domain.placement.GangRequest;
import dev.capstan.scheduler.domain.placement.GpuDevice;
import dev.capstan.scheduler.domain.placement.NodeSpec;
import dev.capstan.scheduler.domain.placement.PodPlacement;
import dev.capstan.scheduler.domain.placement.PodRequest;
import dev.capstan.scheduler.domain.placement.TopologyMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Translations between the event contracts and the placement engine's model. */
public final class GangRequests {

    private GangRequests() {
    }

    /** The role of a rank: rank 0 leads the gang in frameworks that have a leader. */
    public static String role(Framework framework, int rank, int workers) {
        if (rank > 0 || workers == 1 && framework == Framework.NONE) {
            return "worker";
        }
        return switch (framework) {
            case PYTORCH -> "master";
            case TENSORFLOW -> "chief";
            case RAY -> "head";
            case MPI -> "launcher";
            case NONE -> "worker";
        };
    }

    /** Deterministic pod name: the executor creates exactly this pod, so redelivery is harmless. */
    public static String podName(String workloadId, int attempt, String role, int rank) {
        return workloadId + "-a" + attempt + "-" + role + "-" + rank;
    }

    /** The gang of one admission attempt of a training job: every worker, all or nothing. */
    public static GangRequest gang(String workloadId, int attempt, TrainingJobSpec spec) {
        Resources r = spec.resources();
        List<PodRequest> pods = new ArrayList<>(spec.workers());
        for (int rank = 0; rank < spec.workers(); rank++) {
            String name = podName(workloadId, attempt, role(spec.framework(), rank, spec.workers()), rank);
            pods.add(new PodRequest(name, r.cpuMilli(), r.memoryMib(), r.gpus(), r.gpuMilli(),
                    new HashSet<>(r.gpuModels()), null, Set.of()));
        }
        return new GangRequest(workloadId, pods, spec.workers() > 1 ? TopologyMode.PREFER : TopologyMode.NONE);
    }

    /**
     * The admission's pods as the executor needs them. A placement lists its pods in the gang's order (the
     * placement engine keeps the request's order, and {@link #gang} asked for them by rank), so a pod's rank is
     * its position; its role follows from the spec, the way {@link #gang} named it.
     */
    public static List<PodAssignment> assignments(GangPlacement placement, TrainingJobSpec spec,
            Map<String, List<GpuDevice>> gpusByNode) {
        List<PodAssignment> out = new ArrayList<>(placement.pods().size());
        for (int rank = 0; rank < placement.pods().size(); rank++) {
            PodPlacement p = placement.pods().get(rank);
            String model = null;
            if (!p.gpuIndices().isEmpty()) {
                int first = p.gpuIndices().get(0);
                model = gpusByNode.getOrDefault(p.node(), List.of()).stream().filter(g -> g.index() == first)
                        .map(GpuDevice::model).findFirst().orElse(null);
            }
            out.add(new PodAssignment(p.podName(), role(spec.framework(), rank, spec.workers()), rank, p.node(),
                    p.gpuIndices(), p.gpuMilli(), model, p.migProfile()));
        }
        return out;
    }

    /**
     * The placement an earlier admission event describes, to take its capacity again after a restart;
     * CPU and memory per pod come from the workload's spec ({@code null} when the spec is unknown).
     */
    public static GangPlacement placement(String workloadId, List<PodAssignment> pods, TrainingJobSpec spec) {
        long cpu = spec == null ? 0 : spec.resources().cpuMilli();
        long mem = spec == null ? 0 : spec.resources().memoryMib();
        return new GangPlacement(workloadId, pods.stream().map(p -> new PodPlacement(p.pod(), p.node(),
                p.gpuIndices(), p.gpuMilli(), p.migProfile(), cpu, mem)).toList());
    }

    /** A node as the executor reported it. */
    public static NodeSpec node(NodeEvent.NodeUpdated n) {
        List<GpuDevice> gpus = n.gpus().stream()
                .map(g -> new GpuDevice(g.index(), g.model(), g.memoryMib(), g.nvlinkIsland())).toList();
        return new NodeSpec(n.node(), n.cpuMilli(), n.memoryMib(), gpus, n.labels(), new HashSet<>(n.taints()),
                n.ready());
    }
}

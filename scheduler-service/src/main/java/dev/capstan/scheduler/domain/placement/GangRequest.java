package dev.capstan.scheduler.domain.placement;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Pods that must be placed all together or not at all. A single pod is a gang of one. */
public record GangRequest(String gangId, List<PodRequest> pods, TopologyMode topology) {

    public GangRequest {
        Objects.requireNonNull(gangId, "gangId");
        pods = List.copyOf(pods);
        topology = topology == null ? TopologyMode.NONE : topology;
        if (pods.isEmpty()) {
            throw new IllegalArgumentException("gang " + gangId + " has no pods");
        }
        Set<String> names = new HashSet<>();
        for (PodRequest p : pods) {
            if (!names.add(p.podName())) {
                throw new IllegalArgumentException("gang " + gangId + " names pod " + p.podName() + " twice");
            }
        }
    }

    /** A gang of one pod. */
    public static GangRequest single(PodRequest pod) {
        return new GangRequest(pod.podName(), List.of(pod), TopologyMode.NONE);
    }
}

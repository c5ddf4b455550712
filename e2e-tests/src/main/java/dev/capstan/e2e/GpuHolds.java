package dev.capstan.e2e;

import dev.capstan.events.ExecutionEvent;
import dev.capstan.events.PlacementEvent;
import dev.capstan.events.PodAssignment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * From the event log: an admission holds its GPUs from its admission until the first event that releases it
 * (succeeded, failed, capacity released). Two admissions holding one node's GPU at overlapping times are a double
 * allocation.
 */
public final class GpuHolds {

    private GpuHolds() {
    }

    /** One GPU held by one admission over a time. */
    public record Hold(String workload, int attempt, String node, int gpu, Instant from, Instant to) {
    }

    /** Every overlap, described ("GPU n1/3 given to b while a held it"); empty when no GPU was held twice. */
    public static List<String> overlaps(List<PlacementEvent.WorkloadAdmitted> admitted, List<ExecutionEvent> executions) {
        Map<String, Instant> released = new HashMap<>();
        for (ExecutionEvent e : executions) {
            if (e.releasesCapacity()) {
                Instant at = e instanceof ExecutionEvent.WorkloadSucceeded s ? s.at()
                        : e instanceof ExecutionEvent.WorkloadFailed f ? f.at()
                        : ((ExecutionEvent.CapacityReleased) e).at();
                released.merge(e.workloadId() + "#" + e.attempt(), at, (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        List<Hold> holds = new ArrayList<>();
        Set<String> admissions = new HashSet<>();
        for (PlacementEvent.WorkloadAdmitted a : admitted) {
            if (!admissions.add(a.workloadId() + "#" + a.attempt())) {
                continue; // the same admission read twice
            }
            Instant to = released.getOrDefault(a.workloadId() + "#" + a.attempt(), Instant.MAX);
            for (PodAssignment p : a.pods()) {
                for (int g : p.gpuIndices()) {
                    holds.add(new Hold(a.workloadId(), a.attempt(), p.node(), g, a.admittedAt(), to));
                }
            }
        }
        holds.sort(Comparator.comparing(Hold::node).thenComparing(Hold::gpu).thenComparing(Hold::from));
        List<String> out = new ArrayList<>();
        for (int i = 1; i < holds.size(); i++) {
            Hold prev = holds.get(i - 1);
            Hold cur = holds.get(i);
            if (prev.node().equals(cur.node()) && prev.gpu() == cur.gpu() && cur.from().isBefore(prev.to())) {
                out.add("GPU " + cur.node() + "/" + cur.gpu() + " given to " + cur.workload() + " while "
                        + prev.workload() + " held it");
            }
        }
        return out;
    }
}

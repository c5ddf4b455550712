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

    /** One GPU (or {@code milli} thousandths of it) held by one admission over a time. */
    public record Hold(String workload, int attempt, String node, int gpu, int milli, Instant from, Instant to) {
    }

    /**
     * Every overcommitment, described ("GPU n1/3 given to b while a held it"): a GPU held by admissions whose shares
     * add up to more than the whole GPU at one time. Empty when no GPU was ever held twice over.
     */
    public static List<String> overlaps(List<PlacementEvent.WorkloadAdmitted> admitted, List<ExecutionEvent> executions) {
        Map<String, Instant> released = new HashMap<>();
        for (ExecutionEvent e : executions) {
            if (e.releasesCapacity()) {
                released.merge(e.workloadId() + "#" + e.attempt(), e.at(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Map<String, List<Hold>> byGpu = new java.util.TreeMap<>();
        Set<String> admissions = new HashSet<>();
        for (PlacementEvent.WorkloadAdmitted a : admitted) {
            if (!admissions.add(a.workloadId() + "#" + a.attempt())) {
                continue; // the same admission read twice
            }
            Instant to = released.getOrDefault(a.workloadId() + "#" + a.attempt(), Instant.MAX);
            for (PodAssignment p : a.pods()) {
                int milli = p.gpuMilli() > 0 && p.gpuMilli() < 1000 ? p.gpuMilli() : 1000;
                for (int g : p.gpuIndices()) {
                    byGpu.computeIfAbsent(p.node() + "/" + g, k -> new ArrayList<>())
                            .add(new Hold(a.workloadId(), a.attempt(), p.node(), g, milli, a.admittedAt(), to));
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (List<Hold> holds : byGpu.values()) {
            holds.sort(Comparator.comparing(Hold::from));
            List<Hold> open = new ArrayList<>();
            for (Hold cur : holds) {
                open.removeIf(h -> !cur.from().isBefore(h.to()));
                int taken = open.stream().mapToInt(Hold::milli).sum();
                if (taken + cur.milli() > 1000) {
                    out.add("GPU " + cur.node() + "/" + cur.gpu() + " given to " + cur.workload() + " ("
                            + cur.milli() + " milli) while " + open.stream().map(Hold::workload).toList()
                            + " held " + taken + " milli of it");
                }
                open.add(cur);
            }
        }
        return out;
    }
}

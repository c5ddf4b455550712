package dev.capstan.events;

import java.util.List;

/**
 * Where one pod of an admitted workload goes.
 *
 * @param pod        deterministic pod name
 * @param role       master, worker, chief, head, launcher … (framework dependent)
 * @param rank       0-based rank in the gang
 * @param node       the node it is bound to
 * @param gpuIndices GPU indices on that node
 * @param gpuMilli   per-GPU share in milli-GPU; 1000 = whole GPUs
 * @param gpuModel   the model of those GPUs
 * @param migProfile MIG profile when a MIG slice was chosen, else null
 */
public record PodAssignment(String pod, String role, int rank, String node, List<Integer> gpuIndices, int gpuMilli,
        String gpuModel, String migProfile) {
    public PodAssignment {
        gpuIndices = gpuIndices == null ? List.of() : List.copyOf(gpuIndices);
    }
}

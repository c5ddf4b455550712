package dev.capstan.executor.service;

import dev.capstan.events.TrainingJobSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The spec of every submitted workload, in memory, keyed by workload id. An admission may be read
 * before its workload (another topic, another consumer): it waits here for the spec.
 */
@ApplicationScoped
public class WorkloadSpecs {

    /** Finished workloads remembered so that a late admission of one is recognised (the most recent ones). */
    static final int FINISHED_REMEMBERED = 10_000;

    private final Map<String, CompletableFuture<TrainingJobSpec>> specs = new ConcurrentHashMap<>();
    private final Set<String> finished = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > FINISHED_REMEMBERED;
                }
            }));

    public void put(String workloadId, TrainingJobSpec spec) {
        if (!finished.contains(workloadId)) {
            specs.computeIfAbsent(workloadId, k -> new CompletableFuture<>()).complete(spec);
        }
    }

    /**
     * The workload finished or was cancelled: nothing will run for it again, its spec goes. Without this every
     * workload ever submitted would stay in memory (the topic is replayed from its start at every start).
     */
    public void forget(String workloadId) {
        finished.add(workloadId);
        CompletableFuture<TrainingJobSpec> waiting = specs.remove(workloadId);
        if (waiting != null) {
            waiting.complete(null); // an admission still waiting for the spec stops waiting
        }
    }

    /** Whether the workload is known to have finished (among the most recent {@link #FINISHED_REMEMBERED}). */
    public boolean finished(String workloadId) {
        return finished.contains(workloadId);
    }

    /** The spec, waiting at most {@code wait} for it to arrive; empty for a finished workload. */
    public Optional<TrainingJobSpec> await(String workloadId, Duration wait) throws InterruptedException {
        if (finished.contains(workloadId)) {
            return Optional.empty();
        }
        CompletableFuture<TrainingJobSpec> f = specs.computeIfAbsent(workloadId, k -> new CompletableFuture<>());
        try {
            return Optional.ofNullable(f.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public int size() {
        return specs.size();
    }
}

package dev.capstan.executor.service;

import dev.capstan.events.TrainingJobSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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

    private final Map<String, CompletableFuture<TrainingJobSpec>> specs = new ConcurrentHashMap<>();

    public void put(String workloadId, TrainingJobSpec spec) {
        specs.computeIfAbsent(workloadId, k -> new CompletableFuture<>()).complete(spec);
    }

    /** The spec, waiting at most {@code wait} for it to arrive. */
    public Optional<TrainingJobSpec> await(String workloadId, Duration wait) throws InterruptedException {
        CompletableFuture<TrainingJobSpec> f = specs.computeIfAbsent(workloadId, k -> new CompletableFuture<>());
        try {
            return Optional.of(f.get(wait.toMillis(), TimeUnit.MILLISECONDS));
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

package dev.capstan.executor.service;

import dev.capstan.events.TrainingJobSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
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

    /** Ended workloads remembered so that a late admission of one is recognised (the most recent ones). */
    static final int ENDED_REMEMBERED = 10_000;

    private final Map<String, CompletableFuture<TrainingJobSpec>> specs = new ConcurrentHashMap<>();
    /** Workloads that will not run again (finished or cancelled), with why, the most recent first out. */
    private final Map<String, String> ended = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > ENDED_REMEMBERED;
        }
    });

    public void put(String workloadId, TrainingJobSpec spec) {
        if (!ended.containsKey(workloadId)) {
            specs.computeIfAbsent(workloadId, k -> new CompletableFuture<>()).complete(spec);
        }
    }

    /**
     * The workload finished or was cancelled: nothing will run for it again, its spec goes, and a later admission of
     * it is released with {@code why}. Without this every workload ever submitted would stay in memory (the topic is
     * replayed from its start at every start).
     */
    public void end(String workloadId, String why) {
        ended.put(workloadId, why);
        CompletableFuture<TrainingJobSpec> waiting = specs.remove(workloadId);
        if (waiting != null) {
            waiting.complete(null); // an admission still waiting for the spec stops waiting
        }
    }

    /** Why the workload will not run again, if it ended (among the most recent {@link #ENDED_REMEMBERED}). */
    public Optional<String> ended(String workloadId) {
        return Optional.ofNullable(ended.get(workloadId));
    }

    /** The spec, waiting at most {@code wait} for it to arrive; empty for an ended workload. */
    public Optional<TrainingJobSpec> await(String workloadId, Duration wait) throws InterruptedException {
        if (ended.containsKey(workloadId)) {
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

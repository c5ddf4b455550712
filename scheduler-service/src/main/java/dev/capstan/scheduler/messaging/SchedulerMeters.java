package dev.capstan.scheduler.messaging;

import dev.capstan.events.PlacementEvent;
import dev.capstan.scheduler.domain.queue.SchedulerCore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scheduler's metrics for dashboards and alerts (deploy/grafana, deploy/prometheus): GPU capacity, allocation and
 * stranded GPUs, each queue's waiting workloads and its oldest wait, first-admission queue wait, cycle time,
 * admissions. Read from the snapshot the loop publishes after each cycle, so a scrape never touches the loop's state.
 * Tags are queue names only, never a workload id.
 */
final class SchedulerMeters {

    /** Bucket bounds of the queue-wait histogram: seconds to an hour, where queue waits of GPU jobs lie. */
    private static final Duration[] WAIT_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(4)};

    /** Bucket bounds of the cycle-time histogram: one cycle takes microseconds to a few hundred milliseconds. */
    private static final Duration[] CYCLE_BUCKETS = {Duration.ofNanos(100_000), Duration.ofMillis(1),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1)};

    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicReference<SchedulerCore.Snapshot> snapshot;
    private final MultiGauge waiting;
    private final MultiGauge oldestWait;
    private final Timer cycle;

    SchedulerMeters(MeterRegistry registry, Clock clock, AtomicReference<SchedulerCore.Snapshot> snapshot) {
        this.registry = registry;
        this.clock = clock;
        this.snapshot = snapshot;
        Gauge.builder("capstan.scheduler.gpus.capacity", snapshot, s -> gpus(s.get(), Part.CAPACITY))
                .description("GPUs on the nodes the scheduler knows").register(registry);
        Gauge.builder("capstan.scheduler.gpus.allocated", snapshot, s -> gpus(s.get(), Part.ALLOCATED))
                .description("GPUs held by admitted workloads (a GPU share counts its fraction)").register(registry);
        Gauge.builder("capstan.scheduler.gpus.stranded", snapshot, s -> gpus(s.get(), Part.STRANDED))
                .description("free GPUs on nodes where none of the waiting workloads fits").register(registry);
        waiting = MultiGauge.builder("capstan.scheduler.queue.waiting")
                .description("workloads waiting in the queue").register(registry);
        oldestWait = MultiGauge.builder("capstan.scheduler.queue.oldest.wait").baseUnit("seconds")
                .description("how long the queue's longest-waiting workload has waited").register(registry);
        cycle = Timer.builder("capstan.scheduler.cycle").description("one scheduling cycle")
                .serviceLevelObjectives(CYCLE_BUCKETS).register(registry);
    }

    private enum Part { CAPACITY, ALLOCATED, STRANDED }

    private static double gpus(SchedulerCore.Snapshot s, Part part) {
        if (s == null) {
            return Double.NaN; // replaying: no figure yet rather than a false zero
        }
        long milli = switch (part) {
            case CAPACITY -> s.gpuMilliTotal();
            case ALLOCATED -> s.gpuMilliAllocated();
            case STRANDED -> s.gpuMilliStranded();
        };
        return milli / 1000.0;
    }

    Timer cycle() {
        return cycle;
    }

    /** Publishes the per-queue gauges of the snapshot just taken (queues appear as they are first used). */
    void queues(SchedulerCore.Snapshot s) {
        Instant now = clock.instant();
        List<MultiGauge.Row<?>> counts = new ArrayList<>();
        List<MultiGauge.Row<?>> oldest = new ArrayList<>();
        for (Map.Entry<String, List<SchedulerCore.Snapshot.Waiting>> q : s.queues().entrySet()) {
            Tags tags = Tags.of("queue", q.getKey());
            counts.add(MultiGauge.Row.of(tags, q.getValue().size()));
            double seconds = q.getValue().stream().filter(w -> w.submittedAt() != null)
                    .mapToDouble(w -> Math.max(0, Duration.between(w.submittedAt(), now).toMillis() / 1000.0))
                    .max().orElse(0);
            oldest.add(MultiGauge.Row.of(tags, seconds));
        }
        waiting.register(counts, true);
        oldestWait.register(oldest, true);
    }

    /** Counts one admission and, for a first attempt, how long it waited in its queue. */
    void admitted(PlacementEvent.WorkloadAdmitted a, java.util.Optional<Duration> firstWait) {
        registry.counter("capstan.scheduler.admitted", "queue", a.queue()).increment();
        firstWait.ifPresent(w -> Timer.builder("capstan.scheduler.queue.wait")
                .description("submission to first admission").tag("queue", a.queue())
                .serviceLevelObjectives(WAIT_BUCKETS).register(registry).record(w));
    }
}

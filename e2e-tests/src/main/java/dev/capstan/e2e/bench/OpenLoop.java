package dev.capstan.e2e.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop load: request {@code i} is due at {@code start + i / rate}, whatever happened to the requests
 * before it, and its latency runs from that due time to its completion. A server (or a client) that stalls
 * therefore shows the queue it built in every request that waited behind the stall, instead of hiding it by
 * sending less (coordinated omission).
 *
 * <p>At most {@code maxInFlight} requests are open at once, as a client with a fixed pool of connections has
 * (wrk2 does the same): a request due while all are busy goes out as soon as one frees, and still counts its
 * latency from its due time. Without the bound, a server that falls behind is buried under a new connection per
 * late request (the JDK client opens one for every concurrent HTTP/1.1 request) and runs out of memory instead of
 * showing its queue.
 */
public final class OpenLoop {

    /** Sends request {@code i}; the stage completes with whether it succeeded. */
    @FunctionalInterface
    public interface Request {
        CompletionStage<Boolean> send(int i);
    }

    /** Time as the load sees it: the real clock in the benchmark, a fake one in tests. */
    public interface Ticker {
        long nanoTime();

        /** Returns at or after {@code deadline} (at once if it has passed). */
        void sleepUntil(long deadlineNanos);

        /** The JVM's monotonic clock. */
        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepUntil(long deadline) {
                long left;
                while ((left = deadline - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(left);
                }
            }
        };
    }

    /**
     * What a load measured.
     *
     * @param latencyMicros   due time → completion of each request that succeeded, in microseconds
     * @param sent            requests sent
     * @param failed          requests that failed (an error status, a wrong answer or an exception)
     * @param elapsedNanos    first due time → last completion
     */
    public record Result(Histogram latencyMicros, int sent, int failed, long elapsedNanos) {

        /** Requests that succeeded per second over the whole run. */
        public double achievedRate() {
            return elapsedNanos == 0 ? 0 : (sent - failed) / (elapsedNanos / 1e9);
        }

        /** A percentile in milliseconds. */
        public double ms(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private final Ticker ticker;
    private final int maxInFlight;

    public OpenLoop(Ticker ticker, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.ticker = ticker;
        this.maxInFlight = maxInFlight;
    }

    /** How many requests a load of {@code rate} per second over {@code duration} sends. */
    public static int count(double rate, Duration duration) {
        return (int) Math.round(rate * duration.toNanos() / 1e9);
    }

    /** When request {@code i} is due, relative to the start; computed from {@code i}, so errors never accumulate. */
    public static long dueOffsetNanos(double rate, int i) {
        return Math.round(i * 1e9 / rate);
    }

    /**
     * Runs the load: sends each request when it is due and a slot is free (late ones at once, never skipped), then
     * waits for every reply, at most {@code drain} after the last send; requests still open then count as failed.
     */
    public Result run(double rate, Duration duration, Request request, Duration drain) {
        int total = count(rate, duration);
        // Values up to an hour in µs, 3 significant digits; a Recorder takes values from many completing threads.
        Recorder recorder = new Recorder(3_600_000_000L, 3);
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicLong lastCompletion = new AtomicLong();
        CompletableFuture<Void> all = new CompletableFuture<>();
        Semaphore slots = new Semaphore(maxInFlight);
        long start = ticker.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + dueOffsetNanos(rate, i);
            ticker.sleepUntil(due);
            slots.acquireUninterruptibly();
            CompletionStage<Boolean> reply;
            try {
                reply = request.send(i);
            } catch (RuntimeException e) {
                reply = CompletableFuture.completedFuture(false);
            }
            reply.whenComplete((ok, error) -> {
                slots.release();
                long now = ticker.nanoTime();
                lastCompletion.accumulateAndGet(now, Math::max);
                if (error == null && Boolean.TRUE.equals(ok)) {
                    recorder.recordValue(Math.max(0, now - due) / 1000);
                } else {
                    failed.incrementAndGet();
                }
                if (done.incrementAndGet() == total) {
                    all.complete(null);
                }
            });
        }
        if (total == 0) {
            all.complete(null);
        }
        try {
            all.get(drain.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            failed.addAndGet(total - done.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while draining the load", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return new Result(recorder.getIntervalHistogram(), total, failed.get(),
                Math.max(0, lastCompletion.get() - start));
    }
}

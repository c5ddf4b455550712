package dev.capstan.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The open-loop load charges a stall to every request that waited behind it. */
class OpenLoopTest {

    /** A clock that moves only when the load sleeps or a request takes time. */
    private static final class FakeTicker implements OpenLoop.Ticker {
        long now = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long deadline) {
            now = Math.max(now, deadline);
        }
    }

    @Test
    void requestsAreDueOnAFixedScheduleWithoutDrift() {
        assertThat(OpenLoop.count(500, Duration.ofSeconds(30))).isEqualTo(15_000);
        assertThat(OpenLoop.count(0.5, Duration.ofSeconds(3))).isEqualTo(2);
        assertThat(OpenLoop.dueOffsetNanos(500, 1)).isEqualTo(2_000_000L);
        // 1/3 s is not a whole number of ns: computed from i, the 3,000th request is due at exactly 1,000 s.
        assertThat(OpenLoop.dueOffsetNanos(3, 3_000)).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void aStallIsChargedToEveryRequestQueuedBehindIt() {
        FakeTicker clock = new FakeTicker();
        List<Long> sentAt = new ArrayList<>();
        // 500/s for 0.2 s = 100 requests, 2 ms apart; request 10 blocks the sender for 100 ms (50 slots).
        OpenLoop.Result r = new OpenLoop(clock, 1000).run(500, Duration.ofMillis(200), i -> {
            sentAt.add(clock.now);
            if (i == 10) {
                clock.now += 100_000_000L;
            }
            return CompletableFuture.completedFuture(true);
        }, Duration.ofSeconds(1));

        assertThat(r.sent()).isEqualTo(100);
        assertThat(r.failed()).isZero();
        assertThat(r.latencyMicros().getTotalCount()).isEqualTo(100);
        assertThat(r.latencyMicros().getMaxValue()).isBetween(99_000L, 101_000L);
        // Measured from the send time only request 10 would be slow; from the due time, the ~50 queued behind it
        // are slow too (request 10+j waited 100 - 2j ms).
        long slow = r.latencyMicros().getCountBetweenValues(10_000, Long.MAX_VALUE);
        assertThat(slow).isBetween(44L, 46L);
        assertThat(r.ms(50)).isZero();
        // The late requests went out at once, in order, none skipped.
        assertThat(sentAt.get(11)).isEqualTo(sentAt.get(10) + 100_000_000L);
        assertThat(sentAt.get(99)).isEqualTo(sentAt.get(0) + 198_000_000L);
    }

    @Test
    void neverMoreRequestsOpenThanItsConnectionsAndLateOnesStillCountFromTheirDueTime() {
        ScheduledExecutorService server = Executors.newScheduledThreadPool(4);
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        try {
            // 1,000/s for 60 ms with 3 connections and 20 ms replies: at most 150 replies/s get through, so the
            // 60 requests queue in the client, and the last ones wait ~0.4 s past their due time.
            OpenLoop.Result r = new OpenLoop(OpenLoop.Ticker.SYSTEM, 3).run(1000, Duration.ofMillis(60), i -> {
                mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                CompletableFuture<Boolean> reply = new CompletableFuture<>();
                server.schedule(() -> {
                    open.decrementAndGet();
                    reply.complete(true);
                }, 20, TimeUnit.MILLISECONDS);
                return reply;
            }, Duration.ofSeconds(10));

            assertThat(r.sent()).isEqualTo(60);
            assertThat(r.failed()).isZero();
            assertThat(mostOpen.get()).isEqualTo(3);
            assertThat(r.latencyMicros().getMaxValue()).isGreaterThan(300_000L);
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void failuresAndUnansweredRequestsAreCountedNotTimed() {
        FakeTicker clock = new FakeTicker();
        OpenLoop.Result r = new OpenLoop(clock, 1000).run(100, Duration.ofMillis(100), i -> switch (i % 4) {
            case 0 -> CompletableFuture.completedFuture(false);
            case 1 -> CompletableFuture.failedFuture(new IllegalStateException("connection reset"));
            case 2 -> new CompletableFuture<>(); // never answers
            default -> CompletableFuture.completedFuture(true);
        }, Duration.ofMillis(10));

        assertThat(r.sent()).isEqualTo(10);
        assertThat(r.failed()).isEqualTo(8);
        assertThat(r.latencyMicros().getTotalCount()).isEqualTo(2);
    }
}

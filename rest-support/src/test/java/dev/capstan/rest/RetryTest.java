package dev.capstan.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {

    static RuntimeException outage() {
        return new IllegalStateException("pool", new ConnectException("Connection refused"));
    }

    @Test
    void anOutageIsWaitedOutAndTheAttemptRunsAgainUntilItSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry.whileTransient().run("test", () -> {
            if (calls.incrementAndGet() < 3) {
                throw outage();
            }
        });
        assertThat(calls).hasValue(3);
    }

    @Test
    void anythingElseIsThrownAtOnceUnlessOthersMayBeRetriedForAWhile() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Retry.whileTransient().run("test", () -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("bad record");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);

        AtomicInteger again = new AtomicInteger();
        Retry.whileTransient().othersFor(Duration.ofSeconds(5)).run("test", () -> {
            if (again.incrementAndGet() < 2) {
                throw new IllegalStateException("a hiccup");
            }
        });
        assertThat(again).hasValue(2);
    }

    @Test
    void aHopelessFailureIsThrownAtOnceEvenWhenItLooksLikeAnOutageAndExtraPassingOnesAreWaitedOut() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Retry.whileTransient().hopeless(e -> e.getMessage().equals("pool"))
                .othersFor(Duration.ofSeconds(5)).run("test", () -> {
                    calls.incrementAndGet();
                    throw outage();
                })).hasMessage("pool");
        assertThat(calls).hasValue(1);

        AtomicInteger waited = new AtomicInteger();
        Retry.whileTransient().alsoWaitingFor(e -> e instanceof UnsupportedOperationException).run("test", () -> {
            if (waited.incrementAndGet() < 2) {
                throw new UnsupportedOperationException("registry down");
            }
        });
        assertThat(waited).hasValue(2);
    }
}

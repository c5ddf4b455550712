package dev.capstan.executor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(10));

    @ParameterizedTest(name = "after {0} failed tries, Retry-After {1} s: wait {2} ms")
    @CsvSource({
        "1, -1, 500", // no Retry-After: the base
        "2, -1, 1000", // doubling
        "3, -1, 2000",
        "5, -1, 8000",
        "6, -1, 10000", // capped at max
        "40, -1, 10000", // no overflow however many tries
        "1, 3, 3000", // the server's Retry-After wins
        "4, 1, 1000", // even when shorter than the backoff would be
        "1, 60, 10000", // but never longer than max
        "2, 0, 1000", // Retry-After 0 means nothing to honour
    })
    void waitsWhatTheServerAskedForElseBacksOffExponentially(int failed, long retryAfter, long expectedMillis) {
        OptionalLong after = retryAfter < 0 ? OptionalLong.empty() : OptionalLong.of(retryAfter);
        assertThat(backoff.delay(failed, after)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> backoff.delay(0, OptionalLong.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

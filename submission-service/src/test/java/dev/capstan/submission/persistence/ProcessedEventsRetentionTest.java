package dev.capstan.submission.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.support.idempotency.ProcessedEventEntity;
import dev.capstan.support.idempotency.ProcessedEvents;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The ids of applied events are kept for the retention (8 days), then forgotten: the table stays bounded. */
@QuarkusTest
class ProcessedEventsRetentionTest {

    @Inject
    ProcessedEvents processed;

    @Test
    void idsOlderThanTheRetentionAreForgottenAndRecentOnesKept() {
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            row(old, Instant.now().minus(Duration.ofDays(9)));
            row(recent, Instant.now().minus(Duration.ofDays(7)));
        });

        long forgotten = processed.forgetOld();

        assertThat(forgotten).isPositive();
        QuarkusTransaction.requiringNew().run(() -> {
            assertThat(ProcessedEventEntity.<ProcessedEventEntity>findById(old)).isNull();
            assertThat(ProcessedEventEntity.<ProcessedEventEntity>findById(recent)).isNotNull();
            // A redelivery of the recent one is still recognised.
            assertThat(processed.firstTime(recent)).isFalse();
        });
    }

    private static void row(String id, Instant at) {
        ProcessedEventEntity p = new ProcessedEventEntity();
        p.eventId = id;
        p.processedAt = at;
        p.persist();
    }
}

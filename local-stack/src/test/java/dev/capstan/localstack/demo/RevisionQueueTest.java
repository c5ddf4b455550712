package dev.capstan.localstack.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RevisionQueueTest {

    @Test
    void aBurstWaitsForTheNextSecondsCapacityOldestFirstAndFailsPastTheTimeout() {
        RevisionQueue q = new RevisionQueue();

        assertThat(q.serve(0, 10, 4, 2)).isEqualTo(new RevisionQueue.Outcome(4, 0, 0));
        assertThat(q.serve(1, 0, 4, 2)).isEqualTo(new RevisionQueue.Outcome(4, 0, 1));
        assertThat(q.serve(2, 3, 0, 2)).isEqualTo(new RevisionQueue.Outcome(0, 0, 0));
        // Second 0's last 2 have waited 3 s: failed; second 2's 3 are served now.
        assertThat(q.serve(3, 0, 4, 2)).isEqualTo(new RevisionQueue.Outcome(3, 2, 1));
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void withoutAQueueWhatFindsNoReplicaFailsAtOnce() {
        RevisionQueue q = new RevisionQueue();

        assertThat(q.serve(0, 10, 4, 0)).isEqualTo(new RevisionQueue.Outcome(4, 6, 0));
        assertThat(q.isEmpty()).isTrue();
    }
}

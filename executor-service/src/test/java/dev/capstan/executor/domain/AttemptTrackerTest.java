package dev.capstan.executor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.executor.domain.AttemptTracker.AttemptKey;
import dev.capstan.executor.domain.GangState.Stage;
import org.junit.jupiter.api.Test;

class AttemptTrackerTest {

    private final AttemptTracker tracker = new AttemptTracker();
    private final AttemptKey key = new AttemptKey("wl-1", 1);

    @Test
    void eachMilestoneIsReportedOnceAndInOrder() {
        assertThat(tracker.advance(key, Stage.CREATED)).containsExactly(Stage.CREATED);
        assertThat(tracker.advance(key, Stage.CREATED)).isEmpty();
        assertThat(tracker.advance(key, Stage.SUCCEEDED)).containsExactly(Stage.RUNNING, Stage.SUCCEEDED);
        assertThat(tracker.advance(key, Stage.FAILED)).isEmpty();
    }

    @Test
    void neverGoesBackwards() {
        tracker.advance(key, Stage.RUNNING);
        assertThat(tracker.advance(key, Stage.CREATED)).isEmpty();
    }

    @Test
    void aFailureEndsTheAttempt() {
        tracker.advance(key, Stage.CREATED);
        assertThat(tracker.advance(key, Stage.FAILED)).containsExactly(Stage.FAILED);
        assertThat(tracker.release(key)).as("capacity already released by the failure").isFalse();
    }

    @Test
    void releasingAnActiveAttemptSaysItHeldCapacity() {
        tracker.advance(key, Stage.RUNNING);
        assertThat(tracker.active("wl-1")).containsExactly(key);
        assertThat(tracker.release(key)).isTrue();
        assertThat(tracker.active("wl-1")).isEmpty();
        assertThat(tracker.advance(key, Stage.SUCCEEDED)).isEmpty();
    }

    @Test
    void settledAttemptsReportNothing() {
        tracker.settle(key, Stage.SUCCEEDED);
        assertThat(tracker.advance(key, Stage.SUCCEEDED)).isEmpty();
    }
}

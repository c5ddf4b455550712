package dev.capstan.autoscaler.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecisionClockTest {

    private static final long NONE = Long.MIN_VALUE;
    private static final long FIRST = 100_000; // the service's first sample started here

    @ParameterizedTest(name = "wall {0}, data until {1} → {2}")
    @CsvSource(nullValues = "none", textBlock = """
            # wall,   last sample end, due at (none = not due)
            # No data at all: decide on the wall clock (the engine holds for missing data).
            101000,   none,            101000
            # One second of data, before the first tick (first + 2 s): wait for the tick's sample.
            101050,   101000,          none
            # The tick's sample arrived: decide at its end, not at the wall clock.
            102070,   102000,          102000
            102930,   102000,          102000
            # The loop ran late and a newer sample came meanwhile: still the tick's time.
            103500,   103000,          102000
            # Data that stopped 3.5 s ago is not fresh: the wall clock decides.
            105500,   102000,          105500
            """)
    void firstDecision(long wall, Long lastEnd, Long expected) {
        DecisionClock clock = new DecisionClock(2_000, 1_000);
        long due = clock.dueAt(wall, lastEnd == null ? NONE : FIRST, lastEnd == null ? NONE : lastEnd);
        assertThat(due).isEqualTo(expected == null ? DecisionClock.NOT_DUE : expected);
    }

    @Test
    void decisionsFollowTheSamplesOnAFixedGridWhateverTheTimersPhase() {
        for (long period : new long[] {100, 1_000}) {
            for (long phase : new long[] {10, 480, 990}) {
                DecisionClock clock = new DecisionClock(2_000, 1_000);
                StringBuilder at = new StringBuilder();
                long lastEnd = FIRST;
                for (long wall = FIRST + phase; wall < FIRST + 10_000; wall += period) {
                    // Samples arrive 60 ms after their second ends; the loop runs every period from its phase.
                    while (lastEnd + 1_000 + 60 <= wall) {
                        lastEnd += 1_000;
                    }
                    long due = clock.dueAt(wall, FIRST, lastEnd);
                    if (due != DecisionClock.NOT_DUE) {
                        clock.decided(due, wall);
                        at.append(due - FIRST).append(' ');
                    }
                }
                assertThat(at.toString().trim()).as("loop every %d ms, phase %d", period, phase)
                        .isEqualTo("2000 4000 6000 8000");
            }
        }
    }

    @Test
    void aSkippedSecondMovesOnToTheNextTickOfTheGrid() {
        DecisionClock clock = new DecisionClock(2_000, 1_000);
        clock.decided(FIRST + 2_000, FIRST + 2_050);
        assertThat(clock.dueAt(FIRST + 3_050, FIRST, FIRST + 3_000)).isEqualTo(DecisionClock.NOT_DUE);
        // The sample of the 4th second went missing; the 5th is past the tick at 4 s: decide that tick.
        assertThat(clock.dueAt(FIRST + 5_050, FIRST, FIRST + 5_000)).isEqualTo(FIRST + 4_000);
        clock.decided(FIRST + 4_000, FIRST + 5_050);
        assertThat(clock.dueAt(FIRST + 6_050, FIRST, FIRST + 6_000)).isEqualTo(FIRST + 6_000);
    }

    @Test
    void lateOrStoppedDataFallsBackToTheWallClockEveryTickAndGrace() {
        DecisionClock clock = new DecisionClock(2_000, 1_000);
        clock.decided(FIRST + 2_000, FIRST + 2_050);
        // The sample completing 4 s is late: nothing until tick + grace after the last decision's wall time.
        assertThat(clock.dueAt(FIRST + 5_000, FIRST, FIRST + 3_000)).isEqualTo(DecisionClock.NOT_DUE);
        assertThat(clock.dueAt(FIRST + 5_050, FIRST, FIRST + 3_000)).isEqualTo(FIRST + 5_050);
        clock.decided(FIRST + 5_050, FIRST + 5_050);
        // The late samples arrive: the next tick of the grid after the wall decision is 6 s.
        assertThat(clock.dueAt(FIRST + 5_300, FIRST, FIRST + 5_000)).isEqualTo(DecisionClock.NOT_DUE);
        assertThat(clock.dueAt(FIRST + 6_100, FIRST, FIRST + 6_000)).isEqualTo(FIRST + 6_000);
    }

    @Test
    void aBacklogReadAfterARestartDoesNotDecideOnThePast() {
        DecisionClock clock = new DecisionClock(2_000, 1_000);
        long wall = FIRST + 600_000;
        // Catching up: the newest sample read so far is a minute old.
        assertThat(clock.dueAt(wall, FIRST, wall - 60_000)).isEqualTo(wall);
        clock.decided(wall, wall);
        assertThat(clock.dueAt(wall + 100, FIRST, wall - 30_000)).isEqualTo(DecisionClock.NOT_DUE);
        // Caught up: decisions return to the data's clock at the next tick of the grid.
        assertThat(clock.dueAt(wall + 2_060, FIRST, wall + 2_000)).isEqualTo(wall + 2_000);
    }

    @Test
    void aGatewayClockAheadOfOursNeverDecidesBackwards() {
        DecisionClock clock = new DecisionClock(2_000, 1_000);
        clock.decided(FIRST + 8_000, FIRST + 5_000); // the data's clock runs 3 s ahead of ours
        assertThat(clock.dueAt(FIRST + 8_000, FIRST, FIRST + 8_000)).isEqualTo(FIRST + 8_001);
    }

    @Test
    void rejectsANonPositiveTick() {
        assertThatThrownBy(() -> new DecisionClock(0, 1_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DecisionClock(2_000, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}

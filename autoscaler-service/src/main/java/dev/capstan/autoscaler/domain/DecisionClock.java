package dev.capstan.autoscaler.domain;

/**
 * When one service's policy decides next, and at what time: on the clock of its data while the data is fresh.
 *
 * <p>The gateway reports one sample per second. A decision made on the wall clock sees the newest sample or not
 * depending on where in the second the timer fires and how long the sample took through the broker: in one run
 * every decision can miss the last second, in the next none does. The policy reads short windows (a 10 s trend, a
 * 20 s window), so that phase alone moves replica-seconds: replays of the same arrivals with the newest sample
 * withheld used 3.3–4.7 % fewer on average over four trace files, up to 9.9 % fewer ({@code bench/DecisionTiming},
 * figures and command in the service's README). So the ticks fall on a
 * fixed grid counted from the service's first sample ({@code first + k × tick}), as in the offline replay; a tick
 * is due once the sample that completes it has arrived, and it is decided at the tick's time: the windows hold the
 * whole seconds up to it, the same ones however late the loop runs or the sample came (a newer sample that came
 * meanwhile waits for the next tick).
 *
 * <p>Data that stops coming or comes late must not stop decisions (that is how missing metrics are noticed), and a
 * backlog read after a restart must not decide on the past: when the newest sample ended more than {@code tick +
 * grace} before the wall clock, or no decision was made for {@code tick + grace}, the decision is made at the wall
 * clock instead (the engine then sees how old its data is). Not thread-safe: the caller serialises calls per service.
 */
public final class DecisionClock {

    /** No decision is due. */
    public static final long NOT_DUE = Long.MIN_VALUE;

    private final long tickMillis;
    private final long graceMillis;
    private long lastAt = Long.MIN_VALUE;
    private long lastWall = Long.MIN_VALUE;

    /**
     * @param tickMillis  the policy's tick
     * @param graceMillis how late a tick's sample may be before the wall clock decides instead
     */
    public DecisionClock(long tickMillis, long graceMillis) {
        if (tickMillis <= 0 || graceMillis < 0) {
            throw new IllegalArgumentException("tick must be > 0 and grace >= 0, got " + tickMillis + ", "
                    + graceMillis);
        }
        this.tickMillis = tickMillis;
        this.graceMillis = graceMillis;
    }

    /**
     * The time to decide at (epoch ms), or {@link #NOT_DUE}. Call {@link #decided} after deciding.
     *
     * @param wallMillis       the wall clock now
     * @param firstSampleStart start of the service's first sample ({@code Long.MIN_VALUE} without one)
     * @param lastSampleEnd    end of its newest sample ({@code Long.MIN_VALUE} without one)
     */
    public long dueAt(long wallMillis, long firstSampleStart, long lastSampleEnd) {
        boolean fresh = lastSampleEnd != Long.MIN_VALUE && wallMillis - lastSampleEnd <= tickMillis + graceMillis;
        if (fresh && lastSampleEnd - firstSampleStart >= tickMillis) {
            long tick = firstSampleStart + Math.floorDiv(lastSampleEnd - firstSampleStart, tickMillis) * tickMillis;
            if (tick > lastAt) {
                return tick;
            }
        }
        boolean late = lastWall == Long.MIN_VALUE ? !fresh : wallMillis >= lastWall + tickMillis + graceMillis;
        return late ? Math.max(wallMillis, lastAt == Long.MIN_VALUE ? wallMillis : lastAt + 1) : NOT_DUE;
    }

    /** Records a decision made at {@code atMillis} (what {@link #dueAt} returned) when the wall clock read {@code wallMillis}. */
    public void decided(long atMillis, long wallMillis) {
        lastAt = atMillis;
        lastWall = wallMillis;
    }
}

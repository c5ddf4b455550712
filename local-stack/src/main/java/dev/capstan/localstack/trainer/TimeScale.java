package dev.capstan.localstack.trainer;

import java.time.Duration;

/**
 * How a recorded cost becomes real time in the simulation: recorded seconds × {@code realSecondsPerRecordedSecond}. A
 * file that records optimizer steps instead of time (MultiNLI) first turns each step into
 * {@code recordedSecondsPerStep} recorded seconds.
 *
 * @param realSecondsPerRecordedSecond real seconds per recorded second
 *                                     ({@value #DEFAULT_REAL_SECONDS_PER_RECORDED_SECOND} by default: an AlexNet epoch
 *                                     of about 300 s takes 0.6 s)
 * @param recordedSecondsPerStep       recorded seconds per optimizer step where no time is recorded
 *                                     ({@value #DEFAULT_RECORDED_SECONDS_PER_STEP} by default: a DeBERTa run of 20,000
 *                                     steps is 1,000 recorded seconds, 2 s of real time at the default scale)
 */
public record TimeScale(double realSecondsPerRecordedSecond, double recordedSecondsPerStep) {

    public static final double DEFAULT_REAL_SECONDS_PER_RECORDED_SECOND = 0.002;
    public static final double DEFAULT_RECORDED_SECONDS_PER_STEP = 0.05;

    public TimeScale {
        if (!(realSecondsPerRecordedSecond >= 0) || Double.isInfinite(realSecondsPerRecordedSecond)) {
            throw new IllegalArgumentException("the time scale must be a finite number ≥ 0, was "
                    + realSecondsPerRecordedSecond);
        }
        if (!(recordedSecondsPerStep >= 0) || Double.isInfinite(recordedSecondsPerStep)) {
            throw new IllegalArgumentException("the seconds per step must be a finite number ≥ 0, was "
                    + recordedSecondsPerStep);
        }
    }

    /** Both defaults. */
    public static TimeScale defaults() {
        return new TimeScale(DEFAULT_REAL_SECONDS_PER_RECORDED_SECOND, DEFAULT_RECORDED_SECONDS_PER_STEP);
    }

    /** The real time {@code cost} takes; {@code costUnit} is the curve file's ("s", or "steps" without time). */
    public Duration realTime(double cost, String costUnit) {
        double recordedSeconds = "steps".equals(costUnit) ? cost * recordedSecondsPerStep : cost;
        return Duration.ofNanos(Math.round(recordedSeconds * realSecondsPerRecordedSecond * 1e9));
    }
}

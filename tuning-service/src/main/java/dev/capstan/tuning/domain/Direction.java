package dev.capstan.tuning.domain;

/** Whether the objective metric is to be made as large or as small as possible. */
public enum Direction {
    MAXIMIZE,
    MINIMIZE;

    /** The value on a scale where larger is always better, so that algorithms compare one way only. */
    public double score(double value) {
        return this == MAXIMIZE ? value : -value;
    }
}

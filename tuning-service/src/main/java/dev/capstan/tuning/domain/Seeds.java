package dev.capstan.tuning.domain;

import java.util.SplittableRandom;

/**
 * Random streams derived from an experiment's seed: one per trial number, so that a proposal depends on the seed and
 * the trial's number only, never on how many numbers an earlier proposal happened to draw.
 */
final class Seeds {

    private Seeds() {
    }

    static SplittableRandom forTrial(long seed, int trialNumber) {
        return new SplittableRandom(mix(seed ^ mix(0x5EEDL + trialNumber)));
    }

    /** The finaliser of SplitMix64 (Steele, Lea, Flood 2014): spreads nearby inputs over all 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package dev.capstan.tuning.domain;

import java.util.SplittableRandom;

/** The standard normal distribution: its CDF and draws from it. */
final class Gaussian {

    private Gaussian() {
    }

    /** Φ(z), through erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
    static double cdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /** One standard normal draw (Box-Muller; the second value of the pair is not kept, for a simple stream). */
    static double standard(SplittableRandom random) {
        double u1 = 1 - random.nextDouble(); // in (0, 1]: log stays finite
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}

package dev.capstan.tuning.domain;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A one-dimensional Parzen estimator on [0, 1], as TPE (Bergstra et al. 2011) fits one per numeric parameter to the
 * good and to the bad observations: a mixture of Gaussians truncated to the interval, one per observation, plus a
 * prior component (centred, standard deviation 1, the whole range) that keeps every point possible.
 * <p>
 * Bandwidths follow the paper: an observation's standard deviation is the larger of the distances to its left and
 * right neighbouring observations (the one there is, at either extreme), clipped below at 1/min(100, n+1), as
 * hyperopt and Optuna's "magic clip" do, so that a tight cluster does not collapse to a spike, and above at 1.
 */
final class ParzenEstimator {

    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

    private final double[] means;
    private final double[] sigmas;
    private final double[] weights;
    private final double[] normalisers;

    private ParzenEstimator(double[] means, double[] sigmas, double[] weights) {
        this.means = means;
        this.sigmas = sigmas;
        double total = Arrays.stream(weights).sum();
        this.weights = Arrays.stream(weights).map(w -> w / total).toArray();
        this.normalisers = new double[means.length];
        for (int i = 0; i < means.length; i++) {
            normalisers[i] = Gaussian.cdf((1 - means[i]) / sigmas[i]) - Gaussian.cdf(-means[i] / sigmas[i]);
        }
    }

    /** The estimator of the points (each on [0, 1], equally weighted) with a prior of weight {@code priorWeight}. */
    static ParzenEstimator fit(double[] points, double priorWeight) {
        int n = points.length;
        double[] sorted = points.clone();
        Arrays.sort(sorted);
        double minSigma = 1.0 / Math.min(100, n + 1);
        double[] means = new double[n + 1];
        double[] sigmas = new double[n + 1];
        double[] weights = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double left = i == 0 ? 0 : sorted[i] - sorted[i - 1];
            double right = i == n - 1 ? 0 : sorted[i + 1] - sorted[i];
            means[i] = sorted[i];
            sigmas[i] = Math.min(1, Math.max(minSigma, n == 1 ? 1 : Math.max(left, right)));
            weights[i] = 1;
        }
        means[n] = 0.5;
        sigmas[n] = 1;
        weights[n] = priorWeight;
        return new ParzenEstimator(means, sigmas, weights);
    }

    double logDensity(double x) {
        double density = 0;
        for (int i = 0; i < means.length; i++) {
            double z = (x - means[i]) / sigmas[i];
            density += weights[i] * Math.exp(-0.5 * z * z) / (sigmas[i] * SQRT_2PI * normalisers[i]);
        }
        return Math.log(density);
    }

    double sample(SplittableRandom random) {
        int i = pick(weights, random.nextDouble());
        // rejection keeps the truncated shape; the widest component accepts ~38 % of draws, so 100 tries suffice
        for (int tries = 0; tries < 100; tries++) {
            double x = means[i] + sigmas[i] * Gaussian.standard(random);
            if (x >= 0 && x <= 1) {
                return x;
            }
        }
        return Math.max(0, Math.min(1, means[i]));
    }

    /** The index whose cumulative weight first exceeds {@code u} (weights sum to 1). */
    static int pick(double[] weights, double u) {
        double cumulative = 0;
        for (int i = 0; i < weights.length; i++) {
            cumulative += weights[i];
            if (u < cumulative) {
                return i;
            }
        }
        return weights.length - 1;
    }
}

package dev.capstan.autoscaler.bench;

import dev.capstan.traces.Trace;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Other realisations of a trace: the same underlying rate, new Poisson arrivals.
 *
 * <p>A trace is one draw of its arrivals. A policy's lost requests on a smooth trace are a handful of noise events,
 * so whether it beats another by a few requests can be luck. Resampling keeps the trace's rate (its mean over
 * {@code smoothSeconds} around each second) and draws each second's arrivals again from a Poisson distribution with
 * that mean, seeded, so that every policy replays the same realisations.
 */
final class Resampler {

    private Resampler() {
    }

    /** {@code count} realisations of {@code trace} (seeds 1 … count), named {@code NAME~sSEED}. */
    static List<Trace> resample(Trace trace, int count, int smoothSeconds) {
        if (count < 1 || smoothSeconds < 1) {
            throw new IllegalArgumentException("count and smoothing must be >= 1, got " + count + ", " + smoothSeconds);
        }
        double[] rate = smoothed(trace.requestsPerSec(), smoothSeconds);
        List<Trace> out = new ArrayList<>(count);
        for (int seed = 1; seed <= count; seed++) {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + trace.name().hashCode());
            double[] arrivals = new double[rate.length];
            for (int t = 0; t < rate.length; t++) {
                arrivals[t] = poisson(random, rate[t]);
            }
            out.add(new Trace(trace.name() + "~s" + seed, arrivals));
        }
        return out;
    }

    /** {@code count} realisations of each trace, in order. */
    static List<Trace> resampleAll(List<Trace> traces, int count, int smoothSeconds) {
        List<Trace> out = new ArrayList<>(traces.size() * count);
        for (Trace t : traces) {
            out.addAll(resample(t, count, smoothSeconds));
        }
        return out;
    }

    /** The mean of {@code perSec} over a centred window of {@code width} seconds (shorter at the ends). */
    static double[] smoothed(double[] perSec, int width) {
        int n = perSec.length;
        double[] prefix = new double[n + 1];
        for (int t = 0; t < n; t++) {
            prefix[t + 1] = prefix[t] + perSec[t];
        }
        double[] out = new double[n];
        for (int t = 0; t < n; t++) {
            int from = Math.max(0, t - width / 2);
            int to = Math.min(n, from + width);
            from = Math.max(0, to - width);
            out[t] = (prefix[to] - prefix[from]) / (to - from);
        }
        return out;
    }

    /** A Poisson draw: by inversion for small means, a rounded normal approximation above 50. */
    static int poisson(SplittableRandom random, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 50) {
            double g = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * g));
        }
        double u = random.nextDouble();
        double p = Math.exp(-mean);
        double cdf = p;
        int k = 0;
        while (u > cdf && k < 1000) {
            k++;
            p *= mean / k;
            cdf += p;
        }
        return k;
    }
}

package io.infergate.bench.workload;

import java.util.SplittableRandom;

/**
 * Normal and gamma variates written out here rather than taken from {@code RandomGenerator.nextGaussian()}, whose
 * algorithm the JDK does not promise to keep: a seed must give the same workload on every JDK. Stateless.
 */
final class Randoms {

    private Randoms() {}

    /** A standard normal variate (Box–Muller; one of the pair is dropped, which keeps the state trivial). */
    static double normal(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble(); // (0, 1]: log(0) would be -inf
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** An exponential variate of mean 1. */
    static double exponential(SplittableRandom rnd) {
        return -Math.log(1.0 - rnd.nextDouble());
    }

    /** A Gamma(shape, 1) variate: Marsaglia and Tsang (2000), with the {@code U^(1/k)} boost for shape below 1. */
    static double gamma(SplittableRandom rnd, double shape) {
        if (shape < 1.0) {
            double u = 1.0 - rnd.nextDouble();
            return gamma(rnd, shape + 1.0) * Math.pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x = normal(rnd);
            double v = 1.0 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1.0 - rnd.nextDouble();
            if (u < 1.0 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1.0 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** The standard normal CDF, via Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2.0);
        double t = 1.0 / (1.0 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1.0 - poly * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1.0 + erf) : 0.5 * (1.0 - erf);
    }

    /** Picks an index with probability {@code weights[i] / sum}; the weights are non-negative, sum positive. */
    static int pick(SplittableRandom rnd, double[] cumulative) {
        double u = rnd.nextDouble() * cumulative[cumulative.length - 1];
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }
}

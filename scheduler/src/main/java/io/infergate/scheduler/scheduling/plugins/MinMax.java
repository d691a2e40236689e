package io.infergate.scheduler.scheduling.plugins;

/** GIE's min-max normalisation over the candidate set: {@code (max - v) / (max - min)}, all 1.0 when equal. */
final class MinMax {

    private MinMax() {
    }

    /**
     * Writes the lower-is-better score of each value; {@code known[i] == false} scores 0 (the worst) and does not
     * take part in min and max. With no known value every candidate scores 1.0 (nothing tells them apart).
     */
    static void lowerIsBetter(double[] values, boolean[] known, int n, double[] out) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (known[i]) {
                min = Math.min(min, values[i]);
                max = Math.max(max, values[i]);
                count++;
            }
        }
        for (int i = 0; i < n; i++) {
            if (count == 0) {
                out[i] = 1.0;
            } else if (!known[i]) {
                out[i] = 0.0;
            } else {
                out[i] = max == min ? 1.0 : (max - values[i]) / (max - min);
            }
        }
    }
}

package io.streamcast.job.evaluation;

/**
 * Errors of the last {@code capacity} evaluated forecasts, per horizon step: rolling MAE, RMSE and
 * skill vs Repeat (1 - MSE_model / MSE_repeat), normalised, MAE/RMSE in raw units, and the empirical
 * coverage of the forecasts' intervals (over the forecasts that had one). A ring of
 * per-forecast errors with running sums; the sums are rebuilt from the ring once per lap, so
 * floating-point drift from add/subtract cannot build up. Lives in the operator, not in state:
 * metrics start afresh after a restart.
 */
final class RollingErrors {
    private static final int SQ = 0, ABS = 1, SQ_RAW = 2, ABS_RAW = 3, REP_SQ = 4, REP_ABS = 5, KINDS = 6;

    private final int capacity;
    private final int horizon;
    /** ring[slot][kind][step]. */
    private final float[][][] ring;
    /** sums[kind][step] over the filled slots. */
    private final double[][] sums;
    /** inInterval per slot (empty: no interval), summed per step over the slots that had one. */
    private final float[][] covered;
    private final double[] coveredSums;
    private int withInterval;
    private int next;
    private int size;

    RollingErrors(int capacity, int horizon) {
        this.capacity = capacity;
        this.horizon = horizon;
        ring = new float[capacity][][];
        sums = new double[KINDS][horizon];
        covered = new float[capacity][];
        coveredSums = new double[horizon];
    }

    void add(EvaluatedForecast e) {
        float[][] row = {e.modelSqNorm, e.modelAbsNorm, e.modelSq, e.modelAbs, e.repeatSqNorm, e.repeatAbsNorm};
        float[][] old = ring[next];
        ring[next] = row;
        float[] oldCovered = covered[next];
        float[] inInterval = e.inInterval != null && e.inInterval.length == horizon ? e.inInterval : new float[0];
        covered[next] = inInterval;
        if (oldCovered != null && oldCovered.length > 0) {
            withInterval--;
            for (int h = 0; h < horizon; h++) coveredSums[h] -= oldCovered[h];
        }
        if (inInterval.length > 0) {
            withInterval++;
            for (int h = 0; h < horizon; h++) coveredSums[h] += inInterval[h];
        }
        next = (next + 1) % capacity;
        if (size < capacity) size++;
        if (next == 0) {
            rebuild();
            return;
        }
        for (int k = 0; k < KINDS; k++) {
            for (int h = 0; h < horizon; h++) {
                sums[k][h] += row[k][h] - (old == null ? 0 : old[k][h]);
            }
        }
    }

    private void rebuild() {
        for (double[] s : sums) java.util.Arrays.fill(s, 0);
        java.util.Arrays.fill(coveredSums, 0);
        withInterval = 0;
        for (int i = 0; i < size; i++) {
            for (int k = 0; k < KINDS; k++) {
                for (int h = 0; h < horizon; h++) sums[k][h] += ring[i][k][h];
            }
            if (covered[i].length > 0) {
                withInterval++;
                for (int h = 0; h < horizon; h++) coveredSums[h] += covered[i][h];
            }
        }
    }

    int size() {
        return size;
    }

    int horizon() {
        return horizon;
    }

    private double total(int kind) {
        double s = 0;
        for (double v : sums[kind]) s += v;
        return s;
    }

    private double overall(int kind) {
        return size == 0 ? Double.NaN : total(kind) / ((double) size * horizon);
    }

    private double at(int kind, int step) {
        return size == 0 ? Double.NaN : sums[kind][step] / size;
    }

    double mae() {
        return overall(ABS);
    }

    double mse() {
        return overall(SQ);
    }

    double rmse() {
        return Math.sqrt(overall(SQ));
    }

    double maeRaw() {
        return overall(ABS_RAW);
    }

    double rmseRaw() {
        return Math.sqrt(overall(SQ_RAW));
    }

    double repeatMae() {
        return overall(REP_ABS);
    }

    double repeatRmse() {
        return Math.sqrt(overall(REP_SQ));
    }

    /** 1 - MSE_model / MSE_repeat; NaN until something was evaluated or when Repeat is exact. */
    double skill() {
        return skill(total(SQ), total(REP_SQ));
    }

    /** Fraction of actual values inside the intervals over all steps; NaN when no forecast had one. */
    double coverage() {
        if (withInterval == 0) return Double.NaN;
        double s = 0;
        for (double v : coveredSums) s += v;
        return s / ((double) withInterval * horizon);
    }

    double coverage(int step) {
        return withInterval == 0 ? Double.NaN : coveredSums[step] / withInterval;
    }

    double mae(int step) {
        return at(ABS, step);
    }

    double rmse(int step) {
        return Math.sqrt(at(SQ, step));
    }

    double skill(int step) {
        return skill(sums[SQ][step], sums[REP_SQ][step]);
    }

    private double skill(double model, double repeat) {
        return size == 0 || repeat <= 0 ? Double.NaN : 1 - model / repeat;
    }
}

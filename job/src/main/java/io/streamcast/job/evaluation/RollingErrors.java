package io.streamcast.job.evaluation;

/**
 * Errors of the last {@code capacity} evaluated forecasts, per horizon step: rolling MAE, RMSE and
 * skill vs Repeat (1 - MSE_model / MSE_repeat), normalised, MAE/RMSE in raw units, and the empirical
 * coverage of the forecasts' intervals (over the forecasts that had one). A ring of
 * per-forecast errors (copied in, primitive) with running sums; the sums are rebuilt from the ring
 * once per lap, so floating-point drift from add/subtract cannot build up. Lives in the operator, not in state:
 * metrics start afresh after a restart.
 */
final class RollingErrors {
    private static final int SQ = 0, ABS = 1, SQ_RAW = 2, ABS_RAW = 3, REP_SQ = 4, REP_ABS = 5, KINDS = 6;

    private final int capacity;
    private final int horizon;
    /**
     * Slot-major, flat: {@code ring[(slot * KINDS + kind) * horizon + step]}. One primitive array, so
     * adding a forecast and the lap's rebuild read consecutive memory; it grows to {@code capacity}
     * slots as they fill, so a large window costs memory only once used.
     */
    private float[] ring;
    /** sums[kind][step] over the filled slots. */
    private final double[][] sums;
    /** inInterval per slot, flat like {@link #ring}: {@code covered[slot * horizon + step]}. */
    private float[] covered;
    /** The slot's forecast had an interval. */
    private boolean[] hasInterval;
    private final double[] coveredSums;
    private int withInterval;
    private int next;
    private int size;

    RollingErrors(int capacity, int horizon) {
        this.capacity = capacity;
        this.horizon = horizon;
        int slots = Math.min(capacity, 64);
        ring = new float[slots * KINDS * horizon];
        covered = new float[slots * horizon];
        hasInterval = new boolean[slots];
        sums = new double[KINDS][horizon];
        coveredSums = new double[horizon];
    }

    void add(EvaluatedForecast e) {
        if (next == hasInterval.length) grow(); // only while the first lap fills the ring
        int slot = next;
        boolean full = size == capacity;
        int base = slot * KINDS * horizon;
        int c = slot * horizon;
        if (full && hasInterval[slot]) {
            withInterval--;
            for (int h = 0; h < horizon; h++) coveredSums[h] -= covered[c + h];
        }
        boolean interval = e.inInterval != null && e.inInterval.length == horizon;
        hasInterval[slot] = interval;
        if (interval) {
            withInterval++;
            System.arraycopy(e.inInterval, 0, covered, c, horizon);
            for (int h = 0; h < horizon; h++) coveredSums[h] += covered[c + h];
        }
        next = (next + 1) % capacity;
        if (size < capacity) size++;
        float[][] row = {e.modelSqNorm, e.modelAbsNorm, e.modelSq, e.modelAbs, e.repeatSqNorm, e.repeatAbsNorm};
        for (int k = 0; k < KINDS; k++) {
            int at = base + k * horizon;
            double[] sum = sums[k];
            float[] v = row[k];
            for (int h = 0; h < horizon; h++) {
                if (full) sum[h] -= ring[at + h];
                ring[at + h] = v[h];
                sum[h] += v[h];
            }
        }
        if (next == 0) rebuild();
    }

    private void grow() {
        int slots = (int) Math.min(capacity, 2L * hasInterval.length);
        ring = java.util.Arrays.copyOf(ring, slots * KINDS * horizon);
        covered = java.util.Arrays.copyOf(covered, slots * horizon);
        hasInterval = java.util.Arrays.copyOf(hasInterval, slots);
    }

    private void rebuild() {
        for (double[] s : sums) java.util.Arrays.fill(s, 0);
        java.util.Arrays.fill(coveredSums, 0);
        withInterval = 0;
        for (int i = 0; i < size; i++) {
            int base = i * KINDS * horizon;
            for (int k = 0; k < KINDS; k++) {
                for (int h = 0; h < horizon; h++) sums[k][h] += ring[base + k * horizon + h];
            }
            if (hasInterval[i]) {
                withInterval++;
                for (int h = 0; h < horizon; h++) coveredSums[h] += covered[i * horizon + h];
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

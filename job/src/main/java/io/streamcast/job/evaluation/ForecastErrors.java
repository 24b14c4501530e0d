package io.streamcast.job.evaluation;

import io.streamcast.job.records.WindowForecast;

/**
 * The arithmetic of an evaluation: per-step errors of a forecast and of Repeat against the actual
 * steps, averaged over channels, in raw units and divided by the train-split std per channel (the
 * normalised scale of {@code ./streamcast evaluate}: z-scores share the mean, so only std matters).
 */
public final class ForecastErrors {
    private ForecastErrors() {
    }

    /**
     * @param f       the forecast (H x C_out values, step-major, of the input channels {@code f.targetIndex})
     * @param last    the input window's last step (C_in values): Repeat's forecast for every step
     * @param actuals H actual steps of C_in values each
     * @param std     per-input-channel train-split standard deviation
     */
    public static EvaluatedForecast score(WindowForecast f, float[] last, float[][] actuals, float[] std,
                                          long lastActualAt) {
        int h = f.horizon;
        int c = f.channels;
        EvaluatedForecast e = new EvaluatedForecast();
        e.sensorId = f.sensorId;
        e.issuedAt = f.issuedAt;
        e.modelName = f.modelName;
        e.modelVersion = f.modelVersion;
        e.horizon = h;
        e.channels = c;
        e.stepMillis = f.stepMillis;
        e.lastActualAt = lastActualAt;
        e.modelAbs = new float[h];
        e.modelSq = new float[h];
        e.modelAbsNorm = new float[h];
        e.modelSqNorm = new float[h];
        e.repeatAbs = new float[h];
        e.repeatSq = new float[h];
        e.repeatAbsNorm = new float[h];
        e.repeatSqNorm = new float[h];
        boolean intervals = f.lower != null && f.upper != null;
        e.inInterval = intervals ? new float[h] : new float[0];
        e.coverage = intervals ? f.coverage : 0f;
        // multiplications in the loop, not 2 divisions per value: a division costs several multiplies
        double[] perStd = new double[std.length];
        for (int ch = 0; ch < std.length; ch++) perStd[ch] = 1.0 / std[ch];
        for (int s = 0; s < h; s++) {
            int inside = 0;
            double ma = 0, ms = 0, mza = 0, mzs = 0, ra = 0, rs = 0, rza = 0, rzs = 0;
            for (int k = 0; k < c; k++) {
                int ch = f.targetIndex == null ? k : f.targetIndex[k];
                double actual = actuals[s][ch];
                double em = (double) f.values[s * c + k] - actual;
                double er = (double) last[ch] - actual;
                double zm = em * perStd[ch];
                double zr = er * perStd[ch];
                if (intervals && actual >= f.lower[s * c + k] && actual <= f.upper[s * c + k]) inside++;
                ma += Math.abs(em);
                ms += em * em;
                mza += Math.abs(zm);
                mzs += zm * zm;
                ra += Math.abs(er);
                rs += er * er;
                rza += Math.abs(zr);
                rzs += zr * zr;
            }
            e.modelAbs[s] = (float) (ma / c);
            e.modelSq[s] = (float) (ms / c);
            e.modelAbsNorm[s] = (float) (mza / c);
            e.modelSqNorm[s] = (float) (mzs / c);
            e.repeatAbs[s] = (float) (ra / c);
            e.repeatSq[s] = (float) (rs / c);
            e.repeatAbsNorm[s] = (float) (rza / c);
            e.repeatSqNorm[s] = (float) (rzs / c);
            if (intervals) e.inInterval[s] = (float) inside / c;
        }
        return e;
    }
}

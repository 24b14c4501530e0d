package io.streamcast.models.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * MSE and MAE, overall and per horizon step (averaged over windows and channels), on the normalised
 * (train-split z-score) scale and in raw units; and per forecast channel (normalised, averaged over windows and
 * steps).
 */
public record Scores(double mse, double mae, double[] mseByStep, double[] maeByStep,
        double rawMse, double rawMae, double[] rawMseByStep, double[] rawMaeByStep,
        double[] mseByTarget, double[] maeByTarget) {

    /** {"mse","mae","mseByStep","maeByStep","mseByTarget","maeByTarget","raw":{same in raw units, no targets}}. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        fill(n, mse, mae, mseByStep, maeByStep);
        ArrayNode mt = n.putArray("mseByTarget");
        for (double v : mseByTarget) mt.add(v);
        ArrayNode at = n.putArray("maeByTarget");
        for (double v : maeByTarget) at.add(v);
        fill(n.putObject("raw"), rawMse, rawMae, rawMseByStep, rawMaeByStep);
        return n;
    }

    private static void fill(ObjectNode n, double mse, double mae, double[] mseBy, double[] maeBy) {
        n.put("mse", mse);
        n.put("mae", mae);
        ArrayNode a = n.putArray("mseByStep");
        for (double v : mseBy) a.add(v);
        ArrayNode b = n.putArray("maeByStep");
        for (double v : maeBy) b.add(v);
    }

    /** Accumulates errors window by window. */
    static final class Accumulator {
        private final int horizon;
        private final int channels;
        private final float[] std;
        private final double[] se;
        private final double[] ae;
        private final double[] rse;
        private final double[] rae;
        private final double[] seTarget;
        private final double[] aeTarget;
        private long windows;

        Accumulator(int horizon, int channels, float[] std) {
            this.horizon = horizon;
            this.channels = channels;
            this.std = std;
            se = new double[horizon];
            ae = new double[horizon];
            rse = new double[horizon];
            rae = new double[horizon];
            seTarget = new double[channels];
            aeTarget = new double[channels];
        }

        void add(float[] forecast, float[] actual) {
            for (int h = 0; h < horizon; h++) {
                for (int c = 0; c < channels; c++) {
                    int i = h * channels + c;
                    double e = (double) forecast[i] - actual[i];
                    double z = e / std[c];
                    se[h] += z * z;
                    ae[h] += Math.abs(z);
                    seTarget[c] += z * z;
                    aeTarget[c] += Math.abs(z);
                    rse[h] += e * e;
                    rae[h] += Math.abs(e);
                }
            }
            windows++;
        }

        long windows() {
            return windows;
        }

        Scores scores() {
            double n = (double) windows * channels;
            double[] mse = new double[horizon];
            double[] mae = new double[horizon];
            double[] rmse = new double[horizon];
            double[] rmae = new double[horizon];
            double s = 0, a = 0, rs = 0, ra = 0;
            for (int h = 0; h < horizon; h++) {
                mse[h] = se[h] / n;
                mae[h] = ae[h] / n;
                rmse[h] = rse[h] / n;
                rmae[h] = rae[h] / n;
                s += se[h];
                a += ae[h];
                rs += rse[h];
                ra += rae[h];
            }
            double all = n * horizon;
            double[] mseT = new double[channels];
            double[] maeT = new double[channels];
            for (int c = 0; c < channels; c++) {
                mseT[c] = seTarget[c] / ((double) windows * horizon);
                maeT[c] = aeTarget[c] / ((double) windows * horizon);
            }
            return new Scores(s / all, a / all, mse, mae, rs / all, ra / all, rmse, rmae, mseT, maeT);
        }
    }
}

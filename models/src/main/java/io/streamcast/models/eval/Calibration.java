package io.streamcast.models.eval;

import io.streamcast.models.BundleException;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Intervals;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.data.WindowSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Split-conformal calibration of {@link Intervals} on windows a model was not fitted on, and its check. */
public final class Calibration {
    private Calibration() {
    }

    /**
     * Calibrates a forecaster on windows it was not fitted on.
     *
     * @param calibration windows whose targets are the forecaster's outputs (e.g. {@link WindowSet#of})
     */
    public static Intervals intervals(Forecaster model, WindowSet calibration, String split) {
        int n = calibration.size();
        if (n == 0) throw new IllegalArgumentException("no calibration windows");
        int width = calibration.horizon() * calibration.targets().length;
        float[][] errors = new float[width][n];
        int batch = 256;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            float[][] in = new float[to - from][];
            for (int i = from; i < to; i++) in[i - from] = calibration.input(i);
            float[][] f = model.predict(in);
            for (int i = from; i < to; i++) {
                float[] actual = calibration.target(i);
                for (int j = 0; j < width; j++) errors[j][i] = Math.abs(f[i - from][j] - actual[j]);
            }
        }
        for (float[] e : errors) Arrays.sort(e);
        float[][] q = new float[Intervals.COVERAGES.length][width];
        for (int k = 0; k < Intervals.COVERAGES.length; k++) {
            int rank = (int) Math.min(n, Math.ceil((n + 1) * Intervals.COVERAGES[k])); // 1-based; n+1 > n means "unbounded"
            for (int j = 0; j < width; j++) q[k][j] = errors[j][rank - 1];
        }
        return new Intervals(n, split, Intervals.COVERAGES, q);
    }

    /**
     * The fraction of actual values inside {@code forecast +- half-width} per horizon step (over windows and
     * targets): what {@link #intervals} promises for windows the calibration did not see.
     */
    public static double[] empiricalCoverage(Intervals intervals, Forecaster model, WindowSet windows, double coverage) {
        float[] q = intervals.halfWidths(coverage);
        int h = windows.horizon();
        int cOut = windows.targets().length;
        long[] inside = new long[h];
        int n = windows.size();
        for (int from = 0; from < n; from += 256) {
            int to = Math.min(n, from + 256);
            float[][] in = new float[to - from][];
            for (int i = from; i < to; i++) in[i - from] = windows.input(i);
            float[][] f = model.predict(in);
            for (int i = from; i < to; i++) {
                float[] actual = windows.target(i);
                for (int j = 0; j < actual.length; j++) {
                    if (Math.abs(f[i - from][j] - actual[j]) <= q[j]) inside[j / cOut]++;
                }
            }
        }
        double[] out = new double[h];
        for (int s = 0; s < h; s++) out[s] = n == 0 ? Double.NaN : (double) inside[s] / ((long) n * cOut);
        return out;
    }

    /**
     * Calibrates a bundle's prediction intervals on the validation split of a series (e.g. an imported model,
     * given data it was not trained on) and rewrites its manifest; the network file is unchanged.
     *
     * @return the manifest as written
     */
    public static Manifest bundle(Path dir, TimeSeries series, Split split) throws IOException, BundleException {
        Manifest manifest = ModelBundle.readManifest(dir);
        WindowSet val = WindowSet.of(series.rows(),
                split.validation(), manifest.spec());
        if (val.size() == 0) {
            throw new IllegalArgumentException("the validation range " + split.validation() + " holds no window of "
                    + manifest.spec().window() + " + " + manifest.spec().horizon() + " rows to calibrate on");
        }
        Intervals intervals;
        try (ForecastModel model = ForecastModel.load(dir)) {
            intervals = intervals(model::predict, val, "validation rows " + split.validation() + " of "
                    + series.source().getFileName());
        }
        Manifest written = manifest.withIntervals(intervals);
        ModelBundle.writeManifest(dir, written);
        return written;
    }
}

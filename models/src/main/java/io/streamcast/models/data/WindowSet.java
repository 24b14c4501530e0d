package io.streamcast.models.data;

import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;

/**
 * The windows of one part of a series: window i covers rows {@code starts[i] .. starts[i]+T+H-1}; the first T
 * rows are the input (every channel), the next H rows the target (the target channels). Windows are returned
 * as flat time-major float arrays.
 */
public final class WindowSet {
    private final float[][] rows;
    private final int window;
    private final int horizon;
    private final int[] starts;
    private final int[] targets;

    /** Windows whose targets are every channel. */
    public WindowSet(float[][] rows, Split.Range range, int window, int horizon) {
        this(rows, range, window, horizon, null);
    }

    /** The windows a spec reads and forecasts. */
    public static WindowSet of(float[][] rows, Split.Range range, ModelSpec spec) {
        return new WindowSet(rows, range, spec.window(), spec.horizon(), spec.targetIndices());
    }

    /** @param targets the target channels' indices, in output order (null: every channel) */
    public WindowSet(float[][] rows, Split.Range range, int window, int horizon, int[] targets) {
        this.rows = rows;
        int c = rows.length == 0 ? 0 : rows[0].length;
        if (targets == null) {
            targets = new int[c];
            for (int k = 0; k < c; k++) targets[k] = k;
        }
        for (int t : targets) {
            if (t < 0 || t >= c) throw new IllegalArgumentException("target channel " + t + " of " + c);
        }
        this.targets = targets.clone();
        this.window = window;
        this.horizon = horizon;
        int n = range.windowCount(window, horizon);
        starts = new int[n];
        for (int i = 0; i < n; i++) starts[i] = range.start() + i;
    }

    public int size() {
        return starts.length;
    }

    public int window() {
        return window;
    }

    public int horizon() {
        return horizon;
    }

    public int start(int i) {
        return starts[i];
    }

    public int channels() {
        return rows[0].length;
    }

    /** The target channels' indices, in output order. */
    public int[] targets() {
        return targets.clone();
    }

    /** Input rows of window i, raw, time-major [T*C]. */
    public float[] input(int i) {
        return flatten(starts[i], window);
    }

    /** Target rows of window i, raw, step-major [H*C_out] (the target channels only). */
    public float[] target(int i) {
        int cOut = targets.length;
        float[] out = new float[horizon * cOut];
        for (int h = 0; h < horizon; h++) {
            float[] row = rows[starts[i] + window + h];
            for (int k = 0; k < cOut; k++) out[h * cOut + k] = row[targets[k]];
        }
        return out;
    }

    /** Rows [from, from+n) of the series, flat time-major. */
    public float[] flatten(int from, int n) {
        int c = rows[0].length;
        float[] out = new float[n * c];
        for (int t = 0; t < n; t++) System.arraycopy(rows[from + t], 0, out, t * c, c);
        return out;
    }

    /** The z-scored copy of the whole series (for training tensors). */
    public static float[][] normalize(float[][] rows, Normalizer n) {
        float[][] z = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            z[i] = new float[rows[i].length];
            for (int c = 0; c < rows[i].length; c++) z[i][c] = n.normalize(c, rows[i][c]);
        }
        return z;
    }
}

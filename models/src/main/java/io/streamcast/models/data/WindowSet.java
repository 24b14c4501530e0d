package io.streamcast.models.data;

import io.streamcast.models.Normalizer;

/**
 * The windows of one part of a series: window i covers rows {@code starts[i] .. starts[i]+T+H-1}; the first T
 * rows are the input, the next H rows the target. Windows are returned as flat time-major float arrays.
 */
public final class WindowSet {
    private final float[][] rows;
    private final int window;
    private final int horizon;
    private final int[] starts;

    public WindowSet(float[][] rows, Split.Range range, int window, int horizon) {
        this.rows = rows;
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

    /** Input rows of window i, raw, time-major [T*C]. */
    public float[] input(int i) {
        return flatten(starts[i], window);
    }

    /** Target rows of window i, raw, step-major [H*C]. */
    public float[] target(int i) {
        return flatten(starts[i] + window, horizon);
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

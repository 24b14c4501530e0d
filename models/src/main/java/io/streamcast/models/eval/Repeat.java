package io.streamcast.models.eval;

/** The Repeat (last value) baseline: every future step of each target equals its value in the window's last row. */
public final class Repeat implements Forecaster {
    private final int window;
    private final int channels;
    private final int horizon;
    private final int[] targets;

    /** Repeat of every channel. */
    public Repeat(int window, int channels, int horizon) {
        this(window, channels, horizon, null);
    }

    /** @param targets the forecast channels' indices in output order (null: every channel) */
    public Repeat(int window, int channels, int horizon, int[] targets) {
        this.window = window;
        this.channels = channels;
        this.horizon = horizon;
        if (targets == null) {
            targets = new int[channels];
            for (int k = 0; k < channels; k++) targets[k] = k;
        }
        this.targets = targets.clone();
    }

    @Override
    public float[][] predict(float[][] windows) {
        int cOut = targets.length;
        float[][] out = new float[windows.length][horizon * cOut];
        int last = (window - 1) * channels;
        for (int b = 0; b < windows.length; b++) {
            for (int h = 0; h < horizon; h++) {
                for (int k = 0; k < cOut; k++) out[b][h * cOut + k] = windows[b][last + targets[k]];
            }
        }
        return out;
    }
}

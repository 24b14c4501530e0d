package io.streamcast.models.eval;

/** The Repeat (last value) baseline: every future step equals the window's last row. */
public final class Repeat implements Forecaster {
    private final int window;
    private final int channels;
    private final int horizon;

    public Repeat(int window, int channels, int horizon) {
        this.window = window;
        this.channels = channels;
        this.horizon = horizon;
    }

    @Override
    public float[][] predict(float[][] windows) {
        float[][] out = new float[windows.length][horizon * channels];
        for (int b = 0; b < windows.length; b++) {
            for (int h = 0; h < horizon; h++) {
                System.arraycopy(windows[b], (window - 1) * channels, out[b], h * channels, channels);
            }
        }
        return out;
    }
}

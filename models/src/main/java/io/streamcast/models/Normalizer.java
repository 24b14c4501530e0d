package io.streamcast.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Per-channel z-score ({@code (x - mean) / std}) with statistics from the training rows only, plus an
 * optional per-window offset ({@link WindowNorm}) subtracted before the network and added back after.
 *
 * <p>Immutable. Windows are flat float arrays, time-major: {@code w[t * C + c]}.
 */
public final class Normalizer {
    private final float[] mean;
    private final float[] std;
    private final WindowNorm windowNorm;

    public Normalizer(float[] mean, float[] std, WindowNorm windowNorm) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std need the same, non-zero length: "
                    + mean.length + " vs " + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!Float.isFinite(mean[c]) || !Float.isFinite(std[c]) || std[c] <= 0f) {
                throw new IllegalArgumentException("channel " + c + ": mean must be finite and std > 0, got mean="
                        + mean[c] + " std=" + std[c]);
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
        this.windowNorm = windowNorm == null ? WindowNorm.NONE : windowNorm;
    }

    /** Mean 0, std 1, no per-window offset: the network sees raw values. */
    public static Normalizer identity(int channels) {
        float[] m = new float[channels];
        float[] s = new float[channels];
        Arrays.fill(s, 1f);
        return new Normalizer(m, s, WindowNorm.NONE);
    }

    /**
     * Fits mean and population std (ddof = 0, like the ETT literature) per channel.
     *
     * @param rows training rows [N][C] only; never validation or test rows
     */
    public static Normalizer fit(float[][] rows, WindowNorm windowNorm) {
        if (rows.length == 0) throw new IllegalArgumentException("no training rows to fit the normaliser on");
        int channels = rows[0].length;
        double[] sum = new double[channels];
        for (float[] r : rows) {
            for (int c = 0; c < channels; c++) sum[c] += r[c];
        }
        float[] m = new float[channels];
        double[] md = new double[channels];
        for (int c = 0; c < channels; c++) {
            md[c] = sum[c] / rows.length;
            m[c] = (float) md[c];
        }
        double[] sq = new double[channels];
        for (float[] r : rows) {
            for (int c = 0; c < channels; c++) {
                double d = r[c] - md[c];
                sq[c] += d * d;
            }
        }
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            double v = Math.sqrt(sq[c] / rows.length);
            // A constant channel has std 0: keep it unscaled rather than dividing by zero.
            s[c] = v > 1e-12 ? (float) v : 1f;
        }
        return new Normalizer(m, s, windowNorm);
    }

    public int channels() {
        return mean.length;
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    public WindowNorm windowNorm() {
        return windowNorm;
    }

    /** The same statistics with another per-window mode. */
    public Normalizer withWindowNorm(WindowNorm mode) {
        return new Normalizer(mean, std, mode);
    }

    public float normalize(int channel, float raw) {
        return (raw - mean[channel]) / std[channel];
    }

    public float denormalize(int channel, float z) {
        return z * std[channel] + mean[channel];
    }

    /**
     * Per-channel offset of a z-scored window (time-major, {@code steps} steps): its last value, its mean,
     * or 0, depending on {@link #windowNorm()}.
     */
    public void windowOffset(float[] zWindow, int steps, float[] offsetOut) {
        int channels = mean.length;
        switch (windowNorm) {
            case NONE -> Arrays.fill(offsetOut, 0, channels, 0f);
            case LAST -> System.arraycopy(zWindow, (steps - 1) * channels, offsetOut, 0, channels);
            case MEAN -> {
                for (int c = 0; c < channels; c++) {
                    double s = 0;
                    for (int t = 0; t < steps; t++) s += zWindow[t * channels + c];
                    offsetOut[c] = (float) (s / steps);
                }
            }
            default -> throw new IllegalStateException(windowNorm.toString());
        }
    }

    /** z-scores a raw time-major window into {@code zOut} (same layout). */
    public void normalizeWindow(float[] raw, float[] zOut) {
        int channels = mean.length;
        for (int i = 0; i < raw.length; i++) {
            int c = i % channels;
            zOut[i] = (raw[i] - mean[c]) / std[c];
        }
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        ArrayNode m = n.putArray("mean");
        for (float v : mean) m.add(v);
        ArrayNode s = n.putArray("std");
        for (float v : std) s.add(v);
        n.put("window", windowNorm.cliName());
        return n;
    }

    /** Parses {@link #toJson()}; throws IllegalArgumentException naming the bad field. */
    public static Normalizer fromJson(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("normalizer: expected an object");
        float[] m = floats(n.get("mean"), "normalizer.mean");
        float[] s = floats(n.get("std"), "normalizer.std");
        JsonNode w = n.get("window");
        WindowNorm mode = w == null || w.isNull() ? WindowNorm.NONE : WindowNorm.parse(w.asText());
        return new Normalizer(m, s, mode);
    }

    private static float[] floats(JsonNode a, String field) {
        if (a == null || !a.isArray()) throw new IllegalArgumentException(field + ": expected an array of numbers");
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isNumber()) throw new IllegalArgumentException(field + "[" + i + "]: not a number");
            out[i] = a.get(i).floatValue();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalizer n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std)
                && windowNorm == n.windowNorm;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(mean) + Arrays.hashCode(std)) + windowNorm.hashCode();
    }

    @Override
    public String toString() {
        return "Normalizer{mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ", window=" + windowNorm + "}";
    }
}

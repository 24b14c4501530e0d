package io.streamcast.job.evaluation;

import io.streamcast.job.records.WindowForecast;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A forecast waiting for its actuals, as the evaluator keeps it in state, and its scoring. One byte
 * array with what scoring reads (no sensor id, head or target names): a checkpoint writes a byte
 * array in one copy but a float array one float at a time, and the heap backend's copy-on-write copies
 * it without reflection; with ~10 waiting forecasts of H x C_out values per sensor these are most of
 * the job's state. Scored straight from the bytes, once, when its H actual steps are here.
 *
 * <p>Little-endian: issuedAt, stepMillis, producedAt (8 bytes each), horizon, channels (4), coverage
 * (float), flags (1 byte: 1 intervals, 2 target indices), model name and version (length, -1 for
 * null, then UTF-8), the target indices (channels ints; none when target k is input channel k),
 * values, and with intervals lower and upper (horizon x channels floats each, step-major).
 */
final class WaitingForecasts {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int ISSUED_AT = 0, STEP_MILLIS = 8, PRODUCED_AT = 16, HORIZON = 24, CHANNELS = 28,
            COVERAGE = 32, FLAGS = 36, NAMES = 37;
    private static final int INTERVALS = 1;
    private static final int TARGET_INDEX = 2;

    private WaitingForecasts() {
    }

    static byte[] encode(WindowForecast f) {
        boolean intervals = f.lower != null && f.upper != null;
        int values = f.horizon * f.channels;
        if (f.values.length != values) throw new IllegalArgumentException("values: " + f.values.length + " for H x C = " + values);
        if (intervals && (f.lower.length != values || f.upper.length != values)) {
            throw new IllegalArgumentException("interval bounds not laid out like values");
        }
        int[] targets = isIdentity(f.targetIndex) ? null : f.targetIndex; // target k is input channel k: nothing to keep
        if (targets != null && targets.length != f.channels) {
            throw new IllegalArgumentException("targetIndex length " + targets.length + " != channels " + f.channels);
        }
        byte[] name = utf8(f.modelName);
        byte[] version = utf8(f.modelVersion);
        int at = NAMES + stringSize(name) + stringSize(version);
        byte[] b = new byte[at + (targets == null ? 0 : f.channels * Integer.BYTES) + (intervals ? 3 : 1) * values * Float.BYTES];
        LONG.set(b, ISSUED_AT, f.issuedAt);
        LONG.set(b, STEP_MILLIS, f.stepMillis);
        LONG.set(b, PRODUCED_AT, f.producedAt);
        INT.set(b, HORIZON, f.horizon);
        INT.set(b, CHANNELS, f.channels);
        FLOAT.set(b, COVERAGE, f.coverage);
        b[FLAGS] = (byte) ((intervals ? INTERVALS : 0) | (targets != null ? TARGET_INDEX : 0));
        putString(b, NAMES, name);
        putString(b, NAMES + stringSize(name), version);
        if (targets != null) {
            for (int k = 0; k < targets.length; k++, at += Integer.BYTES) INT.set(b, at, targets[k]);
        }
        at = putFloats(b, at, f.values);
        if (intervals) putFloats(b, putFloats(b, at, f.lower), f.upper);
        return b;
    }

    static long issuedAt(byte[] w) {
        return (long) LONG.get(w, ISSUED_AT);
    }

    static int horizon(byte[] w) {
        return (int) INT.get(w, HORIZON);
    }

    /**
     * Scores the forecast against its H actual steps: per step, the error of the model and of Repeat
     * (the input window's last step), averaged over the forecast's channels, absolute and squared, in
     * raw units and divided by the train-split std of the channel (the normalised scale of
     * {@code ./streamcast evaluate}), and the fraction of channels inside the forecast's interval.
     *
     * @param steps      the sensor's steps, {@code width} input channels each
     * @param lastOff    where the input window's last step (Repeat's forecast for every step) starts
     * @param actualsOff where the first actual step starts; the H actual steps follow it
     * @param inverseStd 1/std per input channel
     */
    static EvaluatedForecast score(byte[] w, String sensorId, float[] steps, int lastOff, int actualsOff, int width,
                                   double[] inverseStd, long lastActualAt) {
        int h = horizon(w);
        int c = (int) INT.get(w, CHANNELS);
        boolean intervals = (w[FLAGS] & INTERVALS) != 0;
        boolean targets = (w[FLAGS] & TARGET_INDEX) != 0;
        EvaluatedForecast e = new EvaluatedForecast();
        e.sensorId = sensorId;
        e.issuedAt = issuedAt(w);
        e.stepMillis = (long) LONG.get(w, STEP_MILLIS);
        e.horizon = h;
        e.channels = c;
        e.lastActualAt = lastActualAt;
        int at = NAMES;
        e.modelName = getString(w, at);
        at += storedStringSize(w, at);
        e.modelVersion = getString(w, at);
        at += storedStringSize(w, at);
        int targetsAt = at;
        int valuesAt = targetsAt + (targets ? c * Integer.BYTES : 0);
        long expected = (long) valuesAt + (intervals ? 3L : 1L) * h * c * Float.BYTES;
        if (h < 0 || c < 0 || expected != w.length) {
            throw new IllegalStateException("corrupt waiting forecast: " + w.length + " bytes for H=" + h + " C=" + c);
        }
        if (!targets && c > width) throw new IllegalStateException("a forecast of " + c + " channels for steps of " + width);
        int lowerAt = valuesAt + h * c * Float.BYTES;
        int upperAt = lowerAt + h * c * Float.BYTES;
        e.modelAbs = new float[h];
        e.modelSq = new float[h];
        e.modelAbsNorm = new float[h];
        e.modelSqNorm = new float[h];
        e.repeatAbs = new float[h];
        e.repeatSq = new float[h];
        e.repeatAbsNorm = new float[h];
        e.repeatSqNorm = new float[h];
        e.inInterval = intervals ? new float[h] : new float[0];
        e.coverage = intervals ? (float) FLOAT.get(w, COVERAGE) : 0f;
        for (int s = 0; s < h; s++) {
            int actual = actualsOff + s * width;
            int inside = 0;
            double ma = 0, ms = 0, mza = 0, mzs = 0, ra = 0, rs = 0, rza = 0, rzs = 0;
            for (int k = 0; k < c; k++) {
                int ch = targets ? (int) INT.get(w, targetsAt + k * Integer.BYTES) : k;
                // within the step, or it would read a neighbouring step's channel
                if (ch < 0 || ch >= width) throw new IllegalStateException("target channel " + ch + " of steps of " + width);
                int v = (s * c + k) * Float.BYTES;
                double a = steps[actual + ch];
                double em = (double) (float) FLOAT.get(w, valuesAt + v) - a;
                double er = (double) steps[lastOff + ch] - a;
                double zm = em * inverseStd[ch];
                double zr = er * inverseStd[ch];
                if (intervals && a >= (float) FLOAT.get(w, lowerAt + v) && a <= (float) FLOAT.get(w, upperAt + v)) inside++;
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

    /** 1/std per channel: multiplications in the scoring loop, not 2 divisions per value. */
    static double[] inverse(float[] std) {
        double[] inv = new double[std.length];
        for (int ch = 0; ch < std.length; ch++) inv[ch] = 1.0 / std[ch];
        return inv;
    }

    private static boolean isIdentity(int[] index) {
        if (index == null) return true;
        for (int k = 0; k < index.length; k++) {
            if (index[k] != k) return false;
        }
        return true;
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static int stringSize(byte[] s) {
        return Integer.BYTES + (s == null ? 0 : s.length);
    }

    private static void putString(byte[] b, int at, byte[] s) {
        INT.set(b, at, s == null ? -1 : s.length);
        if (s != null) System.arraycopy(s, 0, b, at + Integer.BYTES, s.length);
    }

    /** Bytes of the string stored at {@code at}, its length field included. */
    private static int storedStringSize(byte[] w, int at) {
        return Integer.BYTES + Math.max(0, (int) INT.get(w, at));
    }

    private static String getString(byte[] w, int at) {
        int n = (int) INT.get(w, at);
        if (n < -1 || n > w.length - at - Integer.BYTES) {
            throw new IllegalStateException("corrupt waiting forecast: string of " + n + " bytes");
        }
        return n < 0 ? null : new String(w, at + Integer.BYTES, n, StandardCharsets.UTF_8);
    }

    private static int putFloats(byte[] b, int at, float[] v) {
        for (float x : v) {
            FLOAT.set(b, at, x);
            at += Float.BYTES;
        }
        return at;
    }
}

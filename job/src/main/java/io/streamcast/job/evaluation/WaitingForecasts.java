package io.streamcast.job.evaluation;

import io.streamcast.job.records.WindowForecast;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A forecast waiting for its actuals, as the evaluator keeps it in state: one byte array with what
 * scoring reads (no sensor id, head or target names). Bytes, not a POJO of float arrays, because a
 * checkpoint writes a byte array in one copy but a float array one float at a time, and the heap
 * backend's copy-on-write copies it without reflection: with ~10 waiting forecasts of H x C_out
 * values per sensor these are most of the job's state.
 *
 * <p>Little-endian: issuedAt, stepMillis, producedAt (8 bytes each), horizon, channels (4), coverage
 * (float), flags (1 byte: 1 intervals, 2 target indices), model name and version (length, -1 for
 * null, then UTF-8), the target indices (channels ints; none when target k is input channel k),
 * values, and with intervals lower and upper (horizon x channels floats each).
 */
final class WaitingForecasts {
    private static final int INTERVALS = 1;
    private static final int TARGET_INDEX = 2;
    private static final int FIXED = 3 * Long.BYTES + 3 * Integer.BYTES + 1;

    private WaitingForecasts() {
    }

    static byte[] encode(WindowForecast f) {
        boolean intervals = f.lower != null && f.upper != null;
        byte[] name = utf8(f.modelName);
        byte[] version = utf8(f.modelVersion);
        int[] targets = isIdentity(f.targetIndex) ? null : f.targetIndex; // target k is input channel k: nothing to keep
        int values = f.values.length;
        int size = FIXED + stringSize(name) + stringSize(version)
                + (targets == null ? 0 : targets.length * Integer.BYTES)
                + (intervals ? 3 : 1) * values * Float.BYTES;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(f.issuedAt).putLong(f.stepMillis).putLong(f.producedAt);
        b.putInt(f.horizon).putInt(f.channels).putFloat(f.coverage);
        b.put((byte) ((intervals ? INTERVALS : 0) | (targets != null ? TARGET_INDEX : 0)));
        putString(b, name);
        putString(b, version);
        if (targets != null) {
            if (targets.length != f.channels) throw new IllegalArgumentException("targetIndex length " + targets.length + " != channels " + f.channels);
            b.asIntBuffer().put(targets);
            b.position(b.position() + targets.length * Integer.BYTES);
        }
        putFloats(b, f.values);
        if (intervals) {
            if (f.lower.length != values || f.upper.length != values) throw new IllegalArgumentException("interval bounds not laid out like values");
            putFloats(b, f.lower);
            putFloats(b, f.upper);
        }
        return b.array();
    }

    static WindowForecast decode(byte[] bytes, String sensorId) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        WindowForecast f = new WindowForecast();
        f.sensorId = sensorId;
        f.issuedAt = b.getLong();
        f.stepMillis = b.getLong();
        f.producedAt = b.getLong();
        f.horizon = b.getInt();
        f.channels = b.getInt();
        f.coverage = b.getFloat();
        int flags = b.get();
        f.modelName = getString(b);
        f.modelVersion = getString(b);
        if (f.horizon < 0 || f.channels < 0) throw new IllegalStateException("corrupt waiting forecast: H=" + f.horizon + " C=" + f.channels);
        long values = (long) f.horizon * f.channels;
        long expected = ((flags & TARGET_INDEX) != 0 ? f.channels : 0) * (long) Integer.BYTES
                + ((flags & INTERVALS) != 0 ? 3 : 1) * values * Float.BYTES;
        if (expected != b.remaining()) throw new IllegalStateException("corrupt waiting forecast: " + b.remaining() + " bytes for " + expected);
        if ((flags & TARGET_INDEX) != 0) {
            f.targetIndex = new int[f.channels];
            b.asIntBuffer().get(f.targetIndex);
            b.position(b.position() + f.channels * Integer.BYTES);
        }
        f.values = getFloats(b, (int) values);
        if ((flags & INTERVALS) != 0) {
            f.lower = getFloats(b, (int) values);
            f.upper = getFloats(b, (int) values);
        }
        return f;
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

    private static void putString(ByteBuffer b, byte[] s) {
        b.putInt(s == null ? -1 : s.length);
        if (s != null) b.put(s);
    }

    private static String getString(ByteBuffer b) {
        int n = b.getInt();
        if (n < -1 || n > b.remaining()) throw new IllegalStateException("corrupt waiting forecast: string of " + n + " bytes");
        if (n < 0) return null;
        String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        return s;
    }

    /** One bulk copy (the view buffer's put), not a store per float. */
    private static void putFloats(ByteBuffer b, float[] v) {
        b.asFloatBuffer().put(v);
        b.position(b.position() + v.length * Float.BYTES);
    }

    private static float[] getFloats(ByteBuffer b, int n) {
        float[] v = new float[n];
        b.asFloatBuffer().get(v);
        b.position(b.position() + n * Float.BYTES);
        return v;
    }
}

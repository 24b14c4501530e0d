package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.testing.Forecasts;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A waiting forecast's bytes and its scoring straight from them. */
class WaitingForecastsTest {
    @Test
    void targetsAreScoredAgainstTheirInputChannelAndIntervalHitsCounted() {
        WindowForecast f = Forecasts.oneTargetWithIntervals();
        // steps: the input window's last [0, 0, 10], then the actuals [5, 5, 10.5] and [5, 5, 13]
        float[] steps = {0f, 0f, 10f, 5f, 5f, 10.5f, 5f, 5f, 13f};
        EvaluatedForecast e = WaitingForecasts.score(WaitingForecasts.encode(f), "t1", steps, 0, 3, 3,
                WaitingForecasts.inverse(new float[] {1f, 1f, 2f}), 3_000);
        assertEquals("t1", e.sensorId);
        assertEquals(1_000, e.issuedAt);
        assertEquals("m", e.modelName);
        assertEquals("3", e.modelVersion);
        assertEquals(60_000, e.stepMillis);
        assertEquals(3_000, e.lastActualAt);
        assertArrayEquals(new float[] {0.5f, 2f}, e.modelAbs, 1e-6f);
        assertArrayEquals(new float[] {0.25f, 4f}, e.modelSq, 1e-6f);
        assertArrayEquals(new float[] {0.5f, 3f}, e.repeatAbs, 1e-6f);
        assertArrayEquals(new float[] {0.25f, 1f}, e.modelAbsNorm, 1e-6f);
        assertArrayEquals(new float[] {0.0625f, 2.25f}, e.repeatSqNorm, 1e-6f);
        assertArrayEquals(new float[] {1f, 0f}, e.inInterval, 0f, "10.5 in [9, 11]; 13 not in [9.5, 12.5]");
        assertEquals(0.9f, e.coverage);
    }

    /**
     * Random forecasts (every channel, the first ones in order, or any targets; with and without
     * intervals; NaN payloads, -0, null names) scored from their bytes match a direct computation.
     */
    @Test
    void scoringFromTheBytesMatchesTheDirectComputation() {
        Random rnd = new Random(3);
        for (int n = 0; n < 300; n++) {
            int inputs = 1 + rnd.nextInt(12);
            WindowForecast f = new WindowForecast();
            f.sensorId = "s";
            f.issuedAt = rnd.nextLong();
            f.stepMillis = rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(1_000_000);
            f.modelName = n % 7 == 0 ? null : "mödel-" + "x".repeat(rnd.nextInt(40));
            f.modelVersion = n % 5 == 0 ? null : Integer.toString(n);
            f.head = "flat";
            f.horizon = 1 + rnd.nextInt(24);
            f.channels = 1 + rnd.nextInt(inputs);
            f.targetIndex = switch (rnd.nextInt(3)) {
                case 0 -> rnd.ints(f.channels, 0, inputs).toArray();
                case 1 -> IntStream.range(0, f.channels).toArray(); // the first channels, in order
                default -> null;
            };
            if (f.targetIndex == null) f.channels = inputs;
            f.targets = new String[f.channels];
            f.values = floats(rnd, f.horizon * f.channels);
            boolean intervals = rnd.nextBoolean();
            if (intervals) {
                f.lower = floats(rnd, f.values.length);
                f.upper = new float[f.values.length];
                for (int i = 0; i < f.upper.length; i++) f.upper[i] = f.lower[i] + rnd.nextFloat() * 20;
                f.coverage = rnd.nextFloat();
            }
            float[] std = new float[inputs];
            for (int i = 0; i < inputs; i++) std[i] = 0.1f + rnd.nextFloat() * 3;
            int offset = rnd.nextInt(3) * inputs; // the steps need not start the array
            float[] steps = floats(rnd, offset + (f.horizon + 1) * inputs);
            EvaluatedForecast e = WaitingForecasts.score(WaitingForecasts.encode(f), "s", steps, offset, offset + inputs,
                    inputs, WaitingForecasts.inverse(std), 77);
            assertEquals(f.issuedAt, e.issuedAt);
            assertEquals(f.stepMillis, e.stepMillis);
            assertEquals(f.modelName, e.modelName);
            assertEquals(f.modelVersion, e.modelVersion);
            assertEquals(f.horizon, e.horizon);
            assertEquals(f.channels, e.channels);
            assertEquals(intervals ? f.coverage : 0f, e.coverage);
            for (int s = 0; s < f.horizon; s++) {
                double ma = 0, ms = 0, rza = 0, mzs = 0, inside = 0;
                for (int k = 0; k < f.channels; k++) {
                    int ch = f.targetIndex == null ? k : f.targetIndex[k];
                    double a = steps[offset + (s + 1) * inputs + ch];
                    double em = f.values[s * f.channels + k] - a;
                    ma += Math.abs(em);
                    ms += em * em;
                    mzs += (em / std[ch]) * (em / std[ch]);
                    rza += Math.abs((steps[offset + ch] - a) / std[ch]);
                    if (intervals && a >= f.lower[s * f.channels + k] && a <= f.upper[s * f.channels + k]) inside++;
                }
                int c = f.channels;
                assertClose(ma / c, e.modelAbs[s], "model |e|, step " + s);
                assertClose(ms / c, e.modelSq[s], "model e^2, step " + s);
                assertClose(mzs / c, e.modelSqNorm[s], "model z^2, step " + s);
                assertClose(rza / c, e.repeatAbsNorm[s], "Repeat |z|, step " + s);
                if (intervals) assertEquals(inside / c, e.inInterval[s], 1e-6, "in interval, step " + s);
            }
            if (!intervals) assertEquals(0, e.inInterval.length);
        }
    }

    @Test
    void bytesThatDoNotAddUpAreRejectedNotMisread() {
        WindowForecast f = new WindowForecast();
        f.modelName = "m";
        f.horizon = 2;
        f.channels = 3;
        f.values = new float[6];
        byte[] b = WaitingForecasts.encode(f);
        float[] steps = new float[9];
        double[] inv = {1, 1, 1};
        for (byte[] bad : new byte[][] {Arrays.copyOf(b, b.length - 4), Arrays.copyOf(b, b.length + 4)}) {
            assertThrows(IllegalStateException.class, () -> WaitingForecasts.score(bad, "s", steps, 0, 3, 3, inv, 0));
        }
        byte[] hugeName = b.clone();
        hugeName[37 + 3] = 0x7f; // the model name's length, high byte
        assertThrows(IllegalStateException.class, () -> WaitingForecasts.score(hugeName, "s", steps, 0, 3, 3, inv, 0));
    }

    @Test
    void aTargetOutsideTheSensorsStepIsAnErrorNotANeighboursValue() {
        WindowForecast f = new WindowForecast();
        f.horizon = 2;
        f.channels = 1;
        f.targetIndex = new int[] {3};
        f.values = new float[2];
        float[] steps = new float[9]; // 3 steps of 3 channels: channel 3 would be the next step's first
        assertThrows(IllegalStateException.class, () -> WaitingForecasts.score(WaitingForecasts.encode(f), "s", steps, 0, 3, 3,
                new double[] {1, 1, 1, 1}, 0));
        f.targetIndex = null;
        f.channels = 4;
        f.values = new float[8];
        assertThrows(IllegalStateException.class, () -> WaitingForecasts.score(WaitingForecasts.encode(f), "s", steps, 0, 3, 3,
                new double[] {1, 1, 1, 1}, 0));
    }

    private static void assertClose(double expected, float actual, String what) {
        if (Double.isNaN(expected)) {
            assertEquals(Float.NaN, actual, what);
        } else {
            assertEquals(expected, actual, 1e-4 * (1 + Math.abs(expected)), what);
        }
    }

    private static float[] floats(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (rnd.nextInt(10)) {
                case 0 -> Float.intBitsToFloat(0x7fc00000 | rnd.nextInt(0x3fffff)); // NaN with a payload
                case 1 -> -0f;
                default -> (float) rnd.nextGaussian() * 10;
            };
        }
        return v;
    }
}

package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamcast.job.records.WindowForecast;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the evaluator keeps of a waiting forecast: everything scoring reads, without the names. */
class WaitingForecastsTest {
    @Test
    void keepsEveryFieldScoringReadsAndDropsTheNames() {
        Random rnd = new Random(5);
        for (int i = 0; i < 300; i++) {
            WindowForecast f = randomForecast(rnd);
            WindowForecast back = WaitingForecasts.decode(WaitingForecasts.encode(f), f.sensorId);
            f.targets = null;
            f.head = null;
            if (identity(f.targetIndex)) f.targetIndex = null; // target k is input channel k: kept as no index
            assertEquals(f, back, "forecast " + i);
            // equals treats NaN payloads as equal; the bits must survive too
            assertEquals(Arrays.toString(bits(f.values)), Arrays.toString(bits(back.values)));
        }
    }

    @Test
    void bytesThatDoNotAddUpAreRejectedNotMisread() {
        byte[] b = WaitingForecasts.encode(randomForecast(new Random(1)));
        assertThrows(IllegalStateException.class, () -> WaitingForecasts.decode(Arrays.copyOf(b, b.length - 4), "s"));
        assertThrows(IllegalStateException.class, () -> WaitingForecasts.decode(Arrays.copyOf(b, b.length + 4), "s"));
        byte[] hugeName = b.clone();
        hugeName[3 * 8 + 3 * 4 + 1 + 3] = 0x7f; // the model name's length, high byte
        assertThrows(IllegalStateException.class, () -> WaitingForecasts.decode(hugeName, "s"));
    }

    private static WindowForecast randomForecast(Random rnd) {
        WindowForecast f = new WindowForecast();
        f.sensorId = "sensor-" + rnd.nextInt(100);
        f.issuedAt = rnd.nextLong();
        f.modelName = rnd.nextInt(10) == 0 ? null : "mödel-" + "x".repeat(rnd.nextInt(40));
        f.modelVersion = rnd.nextInt(10) == 0 ? null : Integer.toString(rnd.nextInt(1000));
        f.head = "flat";
        f.stepMillis = rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(1_000_000);
        f.horizon = rnd.nextInt(25);
        f.channels = rnd.nextInt(40);
        f.targets = new String[f.channels];
        f.targetIndex = switch (rnd.nextInt(4)) {
            case 0 -> null;
            case 1 -> IntStream.range(0, f.channels).toArray();
            default -> rnd.ints(f.channels, 0, 1000).toArray();
        };
        f.values = floats(rnd, f.horizon * f.channels);
        if (rnd.nextBoolean()) {
            f.lower = floats(rnd, f.values.length);
            f.upper = floats(rnd, f.values.length);
            f.coverage = rnd.nextFloat();
        }
        f.producedAt = rnd.nextLong();
        return f;
    }

    private static float[] floats(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (rnd.nextInt(8)) {
                case 0 -> Float.intBitsToFloat(0x7fc00000 | rnd.nextInt(0x3fffff)); // NaN with a payload
                case 1 -> -0f;
                case 2 -> Float.MAX_VALUE;
                default -> (float) rnd.nextGaussian() * 100;
            };
        }
        return v;
    }

    private static boolean identity(int[] index) {
        return index != null && Arrays.equals(index, IntStream.range(0, index.length).toArray());
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}

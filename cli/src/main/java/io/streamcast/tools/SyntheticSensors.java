package io.streamcast.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * N sensors with the 7 channels of the ETT transformer data (same names, similar levels), each a
 * smooth daily-like cycle plus a slower one, a random walk and a little noise: forecastable, never
 * identical between sensors, reproducible for a given seed.
 */
final class SyntheticSensors implements SensorFeed {
    static final List<String> CHANNELS = List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT");
    private static final float[] LEVEL = {7.4f, 2.2f, 4.6f, 0.9f, 3.0f, 0.9f, 17.1f};
    private static final float[] AMPLITUDE = {3.0f, 1.0f, 2.5f, 0.6f, 1.0f, 0.4f, 4.0f};
    private static final double PERIOD = 24.0;

    private final List<String> ids = new ArrayList<>();
    private final double[][] phase;
    private final double[][] walk;
    private final long[] step;
    private final SplittableRandom random;

    SyntheticSensors(int sensors, long seed) {
        if (sensors < 1) {
            throw new IllegalArgumentException("--synthetic needs at least 1 sensor, got " + sensors);
        }
        random = new SplittableRandom(seed);
        phase = new double[sensors][CHANNELS.size()];
        walk = new double[sensors][CHANNELS.size()];
        step = new long[sensors];
        for (int s = 0; s < sensors; s++) {
            ids.add(String.format("sim-%03d", s));
            double sensorPhase = random.nextDouble(2 * Math.PI);
            for (int c = 0; c < CHANNELS.size(); c++) {
                // channels of one sensor move together (one load curve), with small lags
                phase[s][c] = sensorPhase + 0.2 * c;
            }
        }
    }

    @Override
    public List<String> sensorIds() {
        return ids;
    }

    @Override
    public List<String> channels() {
        return CHANNELS;
    }

    @Override
    public float[] next(int index) {
        double t = step[index]++;
        float[] values = new float[CHANNELS.size()];
        for (int c = 0; c < values.length; c++) {
            walk[index][c] = 0.98 * walk[index][c] + 0.05 * AMPLITUDE[c] * random.nextGaussian();
            double cycle = Math.sin(2 * Math.PI * t / PERIOD + phase[index][c])
                    + 0.3 * Math.sin(2 * Math.PI * t / (7 * PERIOD) + phase[index][c]);
            double noise = 0.02 * AMPLITUDE[c] * random.nextGaussian();
            values[c] = (float) (LEVEL[c] + AMPLITUDE[c] * cycle + walk[index][c] + noise);
        }
        return values;
    }
}

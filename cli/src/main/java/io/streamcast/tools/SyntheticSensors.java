package io.streamcast.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * N transformers with the 7 channels of the ETT data (same names, similar levels). Each sensor has its own
 * size (loads scaled 0.6-1.5x, so levels differ between sensors as between real transformers), a daily load
 * curve with a weekly swing whose shape drifts (random walks on level and amplitude), rare step changes of
 * the load (a feeder switched), measurement noise, and an oil temperature that follows the total load through
 * a first-order thermal lag (hours) plus its own slow ambient cycle. Forecastable but not trivially: the
 * level moves, the cycle is not a fixed sine, and sensors never coincide. Reproducible for a given seed.
 */
final class SyntheticSensors implements SensorFeed {
    static final List<String> CHANNELS = List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT");
    private static final int LOADS = 6;
    private static final int OT = 6;
    private static final float[] LEVEL = {7.4f, 2.2f, 4.6f, 0.9f, 3.0f, 0.9f, 17.1f};
    private static final float[] AMPLITUDE = {3.0f, 1.0f, 2.5f, 0.6f, 1.0f, 0.4f, 4.0f};
    private static final double PERIOD = 24.0;
    /** Per step: chance of a load step change, and the oil temperature's response (1 - e^(-1/tau), tau ~ 6 steps). */
    private static final double STEP_CHANCE = 0.003;
    private static final double THERMAL = 0.15;

    private final List<String> ids = new ArrayList<>();
    private final double[] size;
    private final double[] phase;
    private final double[][] walk;
    private final double[] amplitudeDrift;
    private final double[] stepLevel;
    private final double[] oil;
    private final long[] step;
    private final SplittableRandom random;

    SyntheticSensors(int sensors, long seed) {
        if (sensors < 1) {
            throw new IllegalArgumentException("--synthetic needs at least 1 sensor, got " + sensors);
        }
        random = new SplittableRandom(seed);
        size = new double[sensors];
        phase = new double[sensors];
        walk = new double[sensors][CHANNELS.size()];
        amplitudeDrift = new double[sensors];
        stepLevel = new double[sensors];
        oil = new double[sensors];
        step = new long[sensors];
        for (int s = 0; s < sensors; s++) {
            ids.add(String.format("sim-%03d", s));
            size[s] = 0.6 + 0.9 * random.nextDouble();
            phase[s] = random.nextDouble(2 * Math.PI);
            oil[s] = Double.NaN;
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
        amplitudeDrift[index] = 0.995 * amplitudeDrift[index] + 0.02 * random.nextGaussian();
        if (random.nextDouble() < STEP_CHANCE) stepLevel[index] += 0.15 * random.nextGaussian();
        double daily = Math.sin(2 * Math.PI * t / PERIOD + phase[index]);
        // a second harmonic makes the day's curve asymmetric (morning and evening peaks)
        double shape = daily + 0.35 * Math.sin(4 * Math.PI * t / PERIOD + 1.3 * phase[index]);
        double weekly = 0.3 * Math.sin(2 * Math.PI * t / (7 * PERIOD) + phase[index]);
        double load = 0;
        for (int c = 0; c < LOADS; c++) {
            walk[index][c] = 0.98 * walk[index][c] + 0.05 * AMPLITUDE[c] * random.nextGaussian();
            double amplitude = AMPLITUDE[c] * (1 + amplitudeDrift[index]);
            double lag = 0.2 * c; // channels of one transformer move together, with small lags
            double cycle = shape * Math.cos(lag) + daily * Math.sin(lag) * 0.2 + weekly;
            double level = LEVEL[c] * (1 + stepLevel[index]);
            double noise = 0.03 * AMPLITUDE[c] * random.nextGaussian();
            values[c] = (float) (size[index] * (level + amplitude * cycle + walk[index][c]) + noise);
            load += (values[c] - size[index] * LEVEL[c]) / (size[index] * AMPLITUDE[c]);
        }
        // oil temperature: relaxes towards a load-driven equilibrium (thermal inertia), plus a slow ambient swing
        double ambient = 1.5 * Math.sin(2 * Math.PI * t / PERIOD - 2.0 + phase[index]);
        double equilibrium = LEVEL[OT] + AMPLITUDE[OT] * load / LOADS + ambient;
        oil[index] = Double.isNaN(oil[index]) ? equilibrium : oil[index] + THERMAL * (equilibrium - oil[index]);
        walk[index][OT] = 0.99 * walk[index][OT] + 0.03 * AMPLITUDE[OT] * random.nextGaussian();
        values[OT] = (float) (oil[index] + walk[index][OT] + 0.02 * AMPLITUDE[OT] * random.nextGaussian());
        return values;
    }
}

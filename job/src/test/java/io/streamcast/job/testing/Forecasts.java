package io.streamcast.job.testing;

import io.streamcast.job.records.WindowForecast;

/** Forecasts the tests of several packages share. */
public final class Forecasts {
    private Forecasts() {
    }

    /** H=2 of one target, "OT" = input channel 2, values [10, 11], intervals [9, 11] and [9.5, 12.5] at 0.9, issued at 1,000 by model m version 3. */
    public static WindowForecast oneTargetWithIntervals() {
        WindowForecast f = new WindowForecast();
        f.sensorId = "t1";
        f.issuedAt = 1_000;
        f.modelName = "m";
        f.modelVersion = "3";
        f.head = "flat";
        f.stepMillis = 60_000;
        f.horizon = 2;
        f.channels = 1;
        f.targets = new String[] {"OT"};
        f.targetIndex = new int[] {2};
        f.values = new float[] {10f, 11f};
        f.lower = new float[] {9f, 9.5f};
        f.upper = new float[] {11f, 12.5f};
        f.coverage = 0.9f;
        f.producedAt = 2_000;
        return f;
    }
}

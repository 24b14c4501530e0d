package io.streamcast.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.models.ForecastModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The bundled demo model against Repeat on the sensors the demo simulates (its synthetic sensors with the
 * demo's seed, and ETTh1 replays from the demo's offsets), with the demo's score: MAE over every channel of
 * the last 50 forecasts, after as many readings as a 180 s demo produces.
 */
class DemoModelTest {
    static final int READINGS = 1200;
    static final int SCORED = 50;

    @Test
    void theBundledModelBeatsRepeatOnEveryDemoSensor() throws Exception {
        try (ForecastModel model = ForecastModel.load(Path.of("..", "models", "bundled", "etth1-demo"))) {
            List<String> losing = new ArrayList<>();
            SyntheticSensors synthetic = new SyntheticSensors(4, 42);
            for (int s = 0; s < 4; s++) score(model, synthetic, s, losing);
            CsvReplay replay = new CsvReplay(Path.of("..", "data", "ett", "ETTh1.csv"), 2);
            for (int s = 0; s < 2; s++) score(model, replay, s, losing);
            assertTrue(losing.isEmpty(), "Repeat wins on " + losing);
        }
    }

    private static void score(ForecastModel model, SensorFeed feed, int sensor, List<String> losing) {
        int t = model.spec().window();
        int h = model.spec().horizon();
        int c = feed.channels().size();
        float[][] rows = new float[READINGS][];
        for (int i = 0; i < READINGS; i++) rows[i] = feed.next(sensor);
        double modelAbs = 0;
        double repeatAbs = 0;
        // the last SCORED windows whose H actual steps have arrived
        for (int end = READINGS - h - SCORED; end < READINGS - h; end++) {
            float[] window = new float[t * c];
            for (int k = 0; k < t; k++) System.arraycopy(rows[end - t + k], 0, window, k * c, c);
            float[] f = model.predict(new float[][] {window})[0];
            for (int step = 0; step < h; step++) {
                for (int ch = 0; ch < c; ch++) {
                    float actual = rows[end + step][ch];
                    modelAbs += Math.abs(f[step * c + ch] - actual);
                    repeatAbs += Math.abs(rows[end - 1][ch] - actual);
                }
            }
        }
        String id = feed.sensorIds().get(sensor);
        System.out.printf(Locale.ROOT, "demo sensor %-10s MAE model %.3f  Repeat %.3f%n", id,
                modelAbs / (SCORED * h * c), repeatAbs / (SCORED * h * c));
        if (modelAbs >= repeatAbs) losing.add(id);
    }
}

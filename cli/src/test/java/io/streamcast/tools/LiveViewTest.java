package io.streamcast.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.avro.Forecast;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.avro.SensorReading;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveViewTest {
    @Test
    void scoresComeFromTheEvaluationTopicNotFromReadings() {
        LiveView view = new LiveView();
        view.reading(reading("s", 1000, 10f));
        view.forecast(forecast("s", 1000, 11.5f, 12.5f));
        view.reading(reading("s", 2000, 11f));
        view.reading(reading("s", 3000, 12f));
        // the readings complete the forecast's horizon, but only the job's evaluation scores it
        assertEquals("s 3 1 11.50 .. 12.50 (H=2, v1) - - - 0", row(draw(view), "s"));

        view.evaluation(evaluation("s", 1000, new float[] {0.5f, 0.7f}, new float[] {1f, 2f}, new float[] {1f, 0.5f}));
        // MAE = mean over steps of the per-step errors (already averaged over channels); coverage = mean of inInterval
        assertEquals("s 3 1 11.50 .. 12.50 (H=2, v1) 0.600 1.500 75.0% of 90 1", row(draw(view), "s"));
    }

    @Test
    void keepsTheLastFiftyScoresPerSensorAndNoCoverageWithoutIntervals() {
        LiveView view = new LiveView();
        for (int i = 0; i < LiveView.ROLLING; i++) {
            view.evaluation(evaluation("a", i, new float[] {100f}, new float[] {1f}, new float[] {0f}));
        }
        for (int i = 0; i < LiveView.ROLLING; i++) {
            view.evaluation(evaluation("a", 1000 + i, new float[] {2f}, new float[] {4f}, new float[] {1f}));
        }
        view.evaluation(evaluation("b", 0, new float[] {1f}, new float[] {1f}, new float[0]));
        String table = draw(view);
        assertEquals("a 0 0 (waiting for a full window) 2.000 4.000 100.0% of 90 50", row(table, "a"));
        assertEquals("b 0 0 (waiting for a full window) 1.000 1.000 - 1", row(table, "b"));
        assertTrue(table.lines().skip(1).findFirst().orElseThrow().contains("coverage"), table);
    }

    /** A sensor's line with its columns separated by single spaces. */
    private static String row(String table, String sensor) {
        return table.lines().filter(l -> l.startsWith(sensor + " ")).findFirst().orElseThrow().trim().replaceAll("\\s+", " ");
    }

    private static String draw(LiveView view) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        view.draw(new PrintStream(out, true, StandardCharsets.UTF_8), "header");
        return out.toString(StandardCharsets.UTF_8);
    }

    private static SensorReading reading(String id, long t, float v) {
        return SensorReading.newBuilder().setSensorId(id).setTimestamp(Instant.ofEpochMilli(t)).setValues(List.of(v)).build();
    }

    private static Forecast forecast(String id, long issued, float... values) {
        return Forecast.newBuilder().setSensorId(id).setIssuedAt(Instant.ofEpochMilli(issued)).setModelName("m")
                .setModelVersion("v1").setHead("flat").setStepMillis(0).setHorizon(values.length).setChannels(1)
                .setValues(list(values)).setProducedAt(Instant.ofEpochMilli(issued + 5)).build();
    }

    private static ForecastEvaluation evaluation(String id, long issued, float[] modelAbs, float[] repeatAbs, float[] inInterval) {
        List<Float> zeros = list(new float[modelAbs.length]);
        return ForecastEvaluation.newBuilder().setSensorId(id).setIssuedAt(Instant.ofEpochMilli(issued)).setModelName("m")
                .setModelVersion("v1").setHorizon(modelAbs.length).setChannels(1).setStepMillis(0)
                .setLastActualAt(Instant.ofEpochMilli(issued + modelAbs.length)).setModelAbsError(list(modelAbs))
                .setModelSquaredError(zeros).setModelAbsErrorNormalized(zeros).setModelSquaredErrorNormalized(zeros)
                .setRepeatAbsError(list(repeatAbs)).setRepeatSquaredError(zeros).setRepeatAbsErrorNormalized(zeros)
                .setRepeatSquaredErrorNormalized(zeros).setInInterval(list(inInterval))
                .setCoverage(inInterval.length == 0 ? 0f : 0.9f).build();
    }

    private static List<Float> list(float[] values) {
        return java.util.stream.IntStream.range(0, values.length).mapToObj(i -> values[i]).toList();
    }
}

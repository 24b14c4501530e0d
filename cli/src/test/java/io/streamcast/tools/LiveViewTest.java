package io.streamcast.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.avro.Forecast;
import io.streamcast.avro.SensorReading;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveViewTest {
    @Test
    void scoresAForecastOnceItsHorizonArrivedAgainstRepeat() {
        LiveView view = new LiveView();
        // one channel; readings 10 at t=1000, then 11, 12 at t=2000, 3000
        view.reading(reading("s", 1000, 10f));
        view.forecast(forecast("s", 1000, 11.5f, 12.5f)); // |11.5-11| + |12.5-12| -> MAE 0.5
        assertTrue(draw(view).contains("s                 1         1"), draw(view));
        assertTrue(draw(view).lines().anyMatch(l -> l.startsWith("s ") && l.trim().endsWith("0")), "not scored yet");
        view.reading(reading("s", 2000, 11f));
        view.reading(reading("s", 3000, 12f));
        // Repeat holds 10: |10-11| + |10-12| -> MAE 1.5
        String table = draw(view);
        assertTrue(table.contains("0.500     1.500     1"), table);
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
                .setValues(java.util.stream.IntStream.range(0, values.length).mapToObj(i -> values[i]).toList())
                .setProducedAt(Instant.ofEpochMilli(issued + 5)).build();
    }
}

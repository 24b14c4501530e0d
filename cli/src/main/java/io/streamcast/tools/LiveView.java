package io.streamcast.tools;

import io.streamcast.avro.Forecast;
import io.streamcast.avro.SensorReading;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The demo's per-sensor picture: the latest forecast, and how good forecasts have been once the
 * readings they forecast arrived, against Repeat (the last input step held for every future step).
 * Errors are mean absolute errors in raw units over all channels and steps, averaged over the last
 * {@value #ROLLING} evaluated forecasts of the sensor. Not thread-safe: one thread feeds and draws.
 */
public final class LiveView {
    static final int ROLLING = 50;
    private static final int KEEP_READINGS = 2_000;
    private final Map<String, SensorStats> sensors = new TreeMap<>();
    private long forecasts;
    private long firstForecastAt;

    /** Per sensor: recent readings by event time, forecasts waiting for their actuals, rolling errors. */
    private static final class SensorStats {
        final NavigableMap<Long, float[]> readings = new TreeMap<>();
        final Deque<Forecast> waiting = new ArrayDeque<>();
        final Deque<double[]> errors = new ArrayDeque<>(); // {model, repeat}
        long readingCount;
        long forecastCount;
        Forecast latest;
    }

    public void reading(SensorReading r) {
        SensorStats s = sensors.computeIfAbsent(r.getSensorId(), k -> new SensorStats());
        List<Float> values = r.getValues();
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        s.readings.put(r.getTimestamp().toEpochMilli(), v);
        s.readingCount++;
        while (s.readings.size() > KEEP_READINGS) {
            s.readings.pollFirstEntry();
        }
        evaluate(s);
    }

    public void forecast(Forecast f) {
        SensorStats s = sensors.computeIfAbsent(f.getSensorId(), k -> new SensorStats());
        s.latest = f;
        s.forecastCount++;
        s.waiting.addLast(f);
        while (s.waiting.size() > KEEP_READINGS) {
            s.waiting.pollFirst();
        }
        if (forecasts++ == 0) {
            firstForecastAt = System.currentTimeMillis();
        }
        evaluate(s);
    }

    public long forecasts() {
        return forecasts;
    }

    public long firstForecastAt() {
        return firstForecastAt;
    }

    /** Scores every waiting forecast whose H future readings (the next H after its last input) have arrived. */
    private static void evaluate(SensorStats s) {
        while (!s.waiting.isEmpty()) {
            Forecast f = s.waiting.peekFirst();
            long issued = f.getIssuedAt().toEpochMilli();
            float[] last = s.readings.get(issued);
            NavigableMap<Long, float[]> after = s.readings.tailMap(issued, false);
            if (last == null) {
                s.waiting.pollFirst(); // its input is older than what we kept: cannot score
                continue;
            }
            if (after.size() < f.getHorizon()) {
                return;
            }
            s.waiting.pollFirst();
            int c = f.getChannels();
            double model = 0;
            double repeat = 0;
            int h = 0;
            for (float[] actual : after.values()) {
                if (h == f.getHorizon()) {
                    break;
                }
                for (int j = 0; j < c && j < actual.length; j++) {
                    model += Math.abs(f.getValues().get(h * c + j) - actual[j]);
                    repeat += Math.abs(last[j] - actual[j]);
                }
                h++;
            }
            int n = f.getHorizon() * c;
            s.errors.addLast(new double[] {model / n, repeat / n});
            while (s.errors.size() > ROLLING) {
                s.errors.pollFirst();
            }
        }
    }

    /** One table, one line per sensor. */
    public void draw(PrintStream out, String header) {
        StringBuilder b = new StringBuilder();
        b.append(header).append('\n');
        b.append(String.format(Locale.ROOT, "%-10s %8s %9s  %-34s %9s %9s %5s%n", "sensor", "readings", "forecasts",
                "latest forecast: OT next .. last", "MAE model", "MAE Repeat", "n"));
        for (Map.Entry<String, SensorStats> e : sensors.entrySet()) {
            SensorStats s = e.getValue();
            String latest = "(waiting for a full window)";
            if (s.latest != null) {
                int c = s.latest.getChannels();
                int h = s.latest.getHorizon();
                List<Float> v = s.latest.getValues();
                latest = String.format(Locale.ROOT, "%.2f .. %.2f (H=%d, %s)", v.get(c - 1), v.get(h * c - 1), h,
                        s.latest.getModelVersion());
            }
            double model = s.errors.stream().mapToDouble(x -> x[0]).average().orElse(Double.NaN);
            double repeat = s.errors.stream().mapToDouble(x -> x[1]).average().orElse(Double.NaN);
            b.append(String.format(Locale.ROOT, "%-10s %8d %9d  %-34s %9s %9s %5d%n", e.getKey(), s.readingCount,
                    s.forecastCount, latest, num(model), num(repeat), s.errors.size()));
        }
        out.print(b);
        out.flush();
    }

    private static String num(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.3f", x);
    }
}

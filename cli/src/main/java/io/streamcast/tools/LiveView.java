package io.streamcast.tools;

import io.streamcast.avro.Forecast;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.avro.SensorReading;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's per-sensor picture: the latest forecast, and how good forecasts have been, as the job's
 * online evaluator scored them on the evaluation topic (the one source of truth for scores; this view
 * recomputes nothing). MAE is the raw-unit mean absolute error over all steps and channels of the
 * model and of Repeat (the last input step held for every future step), averaged over the sensor's
 * last {@value #ROLLING} scored forecasts; coverage is the fraction of actual values inside the
 * forecasts' intervals over the same forecasts (those that had one). Not thread-safe: one thread
 * feeds and draws.
 */
public final class LiveView {
    public static final int ROLLING = 50;
    private final Map<String, SensorStats> sensors = new TreeMap<>();
    private long forecasts;
    private long firstForecastAt;

    /** Per sensor: counts, the latest forecast and its last {@link #ROLLING} scores. */
    private static final class SensorStats {
        /** {model MAE, Repeat MAE, fraction inside the interval (NaN: none)} per scored forecast. */
        final Deque<double[]> scores = new ArrayDeque<>();
        long readingCount;
        long forecastCount;
        float nominalCoverage;
        Forecast latest;
    }

    public void reading(SensorReading r) {
        sensors.computeIfAbsent(r.getSensorId(), k -> new SensorStats()).readingCount++;
    }

    public void forecast(Forecast f) {
        SensorStats s = sensors.computeIfAbsent(f.getSensorId(), k -> new SensorStats());
        s.latest = f;
        s.forecastCount++;
        if (forecasts++ == 0) {
            firstForecastAt = System.currentTimeMillis();
        }
    }

    /** One forecast as the job scored it: per step, errors averaged over the forecast's channels. */
    public void evaluation(ForecastEvaluation e) {
        SensorStats s = sensors.computeIfAbsent(e.getSensorId(), k -> new SensorStats());
        List<Float> inside = e.getInInterval();
        s.scores.addLast(new double[] {mean(e.getModelAbsError()), mean(e.getRepeatAbsError()),
            inside.isEmpty() ? Double.NaN : mean(inside)});
        if (!inside.isEmpty()) {
            s.nominalCoverage = e.getCoverage();
        }
        while (s.scores.size() > ROLLING) {
            s.scores.pollFirst();
        }
    }

    private static double mean(List<Float> values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return values.isEmpty() ? Double.NaN : sum / values.size();
    }

    public long forecasts() {
        return forecasts;
    }

    public long firstForecastAt() {
        return firstForecastAt;
    }

    /** One table, one line per sensor. */
    public void draw(PrintStream out, String header) {
        StringBuilder b = new StringBuilder();
        b.append(header).append('\n');
        b.append(String.format(Locale.ROOT, "%-10s %8s %9s  %-34s %9s %10s %13s %5s%n", "sensor", "readings", "forecasts",
                "latest forecast: OT next .. last", "MAE model", "MAE Repeat", "coverage", "n"));
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
            double model = s.scores.stream().mapToDouble(x -> x[0]).average().orElse(Double.NaN);
            double repeat = s.scores.stream().mapToDouble(x -> x[1]).average().orElse(Double.NaN);
            double covered = s.scores.stream().mapToDouble(x -> x[2]).filter(x -> !Double.isNaN(x)).average().orElse(Double.NaN);
            String coverage = Double.isNaN(covered) ? "-"
                    : String.format(Locale.ROOT, "%.1f%% of %.0f", 100 * covered, 100 * s.nominalCoverage);
            b.append(String.format(Locale.ROOT, "%-10s %8d %9d  %-34s %9s %10s %13s %5d%n", e.getKey(), s.readingCount,
                    s.forecastCount, latest, num(model), num(repeat), coverage, s.scores.size()));
        }
        out.print(b);
        out.flush();
    }

    private static String num(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.3f", x);
    }
}

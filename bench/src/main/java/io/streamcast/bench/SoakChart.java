package io.streamcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The soak's four series over time, 2x2: state, checkpoint duration, TaskManager memory, throughput. */
final class SoakChart {
    private SoakChart() {
    }

    static void write(Path png, String title, List<Map<String, Object>> samples, double steadyFromSeconds, double processMiB) throws IOException {
        if (samples.isEmpty()) return;
        double[] x = samples.stream().mapToDouble(s -> SoakBenchCommand.num(s, "seconds") / 60).toArray();
        double mib = 1024.0 * 1024.0;
        double top = x[x.length - 1];
        XYChart state = chart(title + " - checkpointed state", "MiB");
        add(state, "whole job", x, col(samples, "stateBytes", mib));
        add(state, "evaluate-forecasts", x, col(samples, "evaluatorBytes", mib));
        add(state, "assemble-windows", x, col(samples, "assemblerBytes", mib));
        XYChart checkpoints = chart("checkpoint duration", "seconds");
        add(checkpoints, "latest completed", x, col(samples, "checkpointMs", 1000));
        add(checkpoints, "slowest in interval", x, col(samples, "slowestCheckpointMs", 1000));
        add(checkpoints, "goal 2 s", new double[] {0, top}, new double[] {2, 2});
        XYChart memory = chart("TaskManager memory", "MiB");
        add(memory, "RSS", x, col(samples, "rssMiB", 1));
        add(memory, "heap used", x, col(samples, "heapUsedMiB", 1));
        add(memory, "process size", new double[] {0, top}, new double[] {processMiB, processMiB});
        XYChart rate = chart("throughput (per sampling interval)", "per second");
        add(rate, "readings produced", x, col(samples, "readingsPerSec", 1));
        add(rate, "forecasts read_committed", x, col(samples, "forecastsPerSec", 1));
        for (XYChart c : List.of(state, checkpoints, memory, rate)) {
            double[] ys = c.getSeriesMap().values().stream().flatMapToDouble(s -> java.util.Arrays.stream(s.getYData())).filter(v -> !Double.isNaN(v)).toArray();
            double ymax = java.util.Arrays.stream(ys).max().orElse(1);
            add(c, "warm-up ends", new double[] {steadyFromSeconds / 60, steadyFromSeconds / 60}, new double[] {0, ymax});
        }
        if (png.toAbsolutePath().getParent() != null) Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(List.of(state, checkpoints, memory, rate), 2, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(800).height(420).title(title).xAxisTitle("minutes under load").yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
        c.getStyler().setYAxisMin(0.0);
        return c;
    }

    private static void add(XYChart c, String name, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
    }

    /** A sampled value divided by {@code unit}; NaN where there is none (xchart leaves a gap). */
    private static double[] col(List<Map<String, Object>> samples, String key, double unit) {
        return samples.stream().mapToDouble(s -> {
            double v = SoakBenchCommand.num(s, key);
            return Double.isNaN(v) ? Double.NaN : v / unit;
        }).toArray();
    }
}

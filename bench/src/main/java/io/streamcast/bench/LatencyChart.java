package io.streamcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Latency over time (p50/p99/max per second) and forecasts/s, one PNG per run. */
final class LatencyChart {
    private LatencyChart() {
    }

    /** @param series rows {second, count, p50, p99, max} from {@link ForecastCollector#series()} */
    static void write(Path png, String title, List<long[]> series, double windowStartSecond, double windowEndSecond) throws IOException {
        if (series.isEmpty()) return;
        double[] x = new double[series.size()];
        double[][] y = new double[4][series.size()];
        for (int i = 0; i < series.size(); i++) {
            long[] r = series.get(i);
            x[i] = r[0];
            y[0][i] = Math.max(1, r[2]);
            y[1][i] = Math.max(1, r[3]);
            y[2][i] = Math.max(1, r[4]);
            y[3][i] = r[1];
        }
        XYChart chart = new XYChartBuilder().width(1000).height(500).title(title)
                .xAxisTitle("seconds since the job was started").yAxisTitle("latency, ms (log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        String[] names = {"p50", "p99", "max"};
        for (int k = 0; k < 3; k++) {
            XYSeries s = chart.addSeries(names[k], x, y[k]);
            s.setMarker(SeriesMarkers.NONE);
        }
        XYSeries rate = chart.addSeries("forecasts/s", x, y[3]);
        rate.setMarker(SeriesMarkers.NONE);
        rate.setYAxisGroup(1);
        chart.setYAxisGroupTitle(1, "forecasts/s");
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        if (windowEndSecond > windowStartSecond) {
            double top = 0;
            for (double v : y[2]) top = Math.max(top, v);
            XYSeries w = chart.addSeries("measured", new double[] {windowStartSecond, windowStartSecond, windowEndSecond, windowEndSecond},
                    new double[] {1, top, top, 1});
            w.setMarker(SeriesMarkers.NONE);
        }
        if (png.toAbsolutePath().getParent() != null) Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}

package io.streamcast.models.train;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts of a training run (XChart, rendered headless). */
public final class Plots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /** Training loss and validation loss per epoch. */
    public static void loss(Path png, double[] trainLoss, double[] valLoss, double repeatVal, int bestEpoch)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Loss per epoch (best: epoch " + bestEpoch + ")")
                .xAxisTitle("epoch").yAxisTitle("MSE (normalised)").build();
        double[] x = new double[trainLoss.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        chart.addSeries("training loss", x, trainLoss).setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("validation MSE (H-step forecast)", x, valLoss).setMarker(SeriesMarkers.DIAMOND);
        if (Double.isFinite(repeatVal)) {
            double[] r = new double[x.length];
            java.util.Arrays.fill(r, repeatVal);
            XYSeries s = chart.addSeries("validation MSE of Repeat", x, r);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(Color.GRAY);
        }
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * One channel of one test window: the input tail, the actual next H values, the forecast and Repeat.
     *
     * @param tail     the last input values of the channel (ending at step 0)
     * @param actual   the H actual values (steps 1..H)
     * @param forecast the H forecast values
     */
    public static void forecast(Path png, String title, String channel, float[] tail, float[] actual, float[] forecast)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(450).title(title)
                .xAxisTitle("step (0 = last input row)").yAxisTitle(channel).build();
        double[] xt = new double[tail.length];
        double[] yt = new double[tail.length];
        for (int i = 0; i < tail.length; i++) {
            xt[i] = i - tail.length + 1;
            yt[i] = tail[i];
        }
        double[] xf = new double[actual.length];
        double[] ya = new double[actual.length];
        double[] yf = new double[actual.length];
        double[] yr = new double[actual.length];
        for (int i = 0; i < actual.length; i++) {
            xf[i] = i + 1;
            ya[i] = actual[i];
            yf[i] = forecast[i];
            yr[i] = tail[tail.length - 1];
        }
        chart.addSeries("input", xt, yt).setMarker(SeriesMarkers.NONE);
        chart.addSeries("actual", xf, ya).setMarker(SeriesMarkers.NONE);
        chart.addSeries("forecast", xf, yf).setMarker(SeriesMarkers.CIRCLE);
        XYSeries r = chart.addSeries("Repeat", xf, yr);
        r.setMarker(SeriesMarkers.NONE);
        r.setLineColor(Color.GRAY);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}

package io.streamcast.models;

import io.streamcast.models.eval.Calibration;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.models.data.CsvTimeSeries;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.data.WindowSet;
import io.streamcast.models.train.TrainConfig;
import io.streamcast.models.train.TrainListener;
import io.streamcast.models.train.TrainResult;
import io.streamcast.models.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntervalsTest {
    @TempDir
    Path tmp;

    @Test
    void halfWidthIsTheConformalRankOfTheCalibrationErrors() {
        // one channel, T=1, H=1: window i has target row i+1 = i+1; the forecaster says 0, so the errors are 1..9
        float[][] rows = new float[10][];
        for (int i = 0; i < rows.length; i++) rows[i] = new float[] {i};
        WindowSet w = new WindowSet(rows, new Split.Range(0, 10), 1, 1);
        assertEquals(9, w.size());
        Intervals iv = Calibration.intervals(windows -> new float[windows.length][1], w, "rows 0..10");
        assertArrayEquals(new float[] {5f}, iv.halfWidths(0.5), "rank ceil(10 * 0.5) = 5");
        assertArrayEquals(new float[] {9f}, iv.halfWidths(0.9), "rank ceil(10 * 0.9) = 9");
        assertArrayEquals(new float[] {9f}, iv.halfWidths(0.99), "beyond n: the largest error");
        assertThrows(IllegalArgumentException.class, () -> iv.halfWidths(0.42));
        assertEquals(iv, Intervals.fromJson(iv.toJson()));
        assertArrayEquals(new double[] {5 / 9.0}, Calibration.empiricalCoverage(iv, windows -> new float[windows.length][1], w, 0.5), 1e-12);
    }

    @Test
    void calibratedOnValidationTheyCoverHeldBackTestWindows() throws Exception {
        TimeSeries series = CsvTimeSeries.read(TestData.sineCsv(tmp.resolve("sine.csv"), 1000, 5), null);
        Split split = Split.standard(series.source(), series.length(), 12, null);
        ModelSpec spec = new ModelSpec(12, series.channels(), 4, Head.FLAT, null, 8, 1, "tanh", series.stepMillis(),
                List.of("a"));
        TrainResult r = Trainer.train(series, split, spec, WindowNorm.LAST, new TrainConfig(2, 32, 0.01, 0, 3),
                TrainListener.NONE);
        ForecastModel m = ForecastModel.of(Manifest.of("t", spec, r.normalizer()), r.network());
        Intervals iv = Calibration.intervals(m::predict, WindowSet.of(series.rows(), split.validation(), spec), "validation");
        assertEquals(4, iv.halfWidths(0.9).length, "H x C_out");
        WindowSet test = WindowSet.of(series.rows(), split.test(), spec);
        for (double nominal : new double[] {0.8, 0.9}) {
            double[] byStep = Calibration.empiricalCoverage(iv, m::predict, test, nominal);
            for (int h = 0; h < byStep.length; h++) {
                // ~190 overlapping test windows of a periodic series: several points of sampling error
                assertTrue(Math.abs(byStep[h] - nominal) < 0.1, nominal + " at step " + (h + 1) + ": " + byStep[h]);
            }
        }
        // in the manifest and back
        Path dir = tmp.resolve("bundle");
        ModelBundle.write(dir, Manifest.of("t", spec, r.normalizer()).withIntervals(iv), r.network());
        try (ForecastModel loaded = ForecastModel.load(dir)) {
            assertEquals(iv, loaded.intervals());
        }
        // calibrating a bundle on data rewrites only its manifest, with the same numbers (the loaded bundle's fused
        // forward pass rounds differently in the last bits)
        Path again = tmp.resolve("again");
        ModelBundle.write(again, Manifest.of("t", spec, r.normalizer()), r.network());
        Manifest calibrated = Calibration.bundle(again, series, split);
        assertArrayEquals(iv.halfWidths(0.9), calibrated.intervals().halfWidths(0.9), 1e-4f);
        try (ForecastModel loaded = ForecastModel.load(again)) {
            assertEquals(calibrated.intervals(), loaded.intervals());
        }
    }
}

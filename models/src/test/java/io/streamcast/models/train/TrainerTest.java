package io.streamcast.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import io.streamcast.models.TestData;
import io.streamcast.models.WindowNorm;
import io.streamcast.models.data.CsvTimeSeries;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.data.WindowSet;
import io.streamcast.models.eval.Evaluation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class TrainerTest {
    static TimeSeries series;
    static Split split;

    @BeforeAll
    static void data(@TempDir Path tmp) throws Exception {
        series = CsvTimeSeries.read(TestData.sineCsv(tmp.resolve("sine.csv"), 500, 1), null);
        split = Split.standard(series.source(), series.length(), 12, null);
    }

    static ModelSpec spec(Head head, PerStepTarget target, int horizon) {
        return new ModelSpec(12, series.channels(), horizon, head, target, 8, 1, "tanh", series.stepMillis());
    }

    @Test
    void sameSeedSameModelOtherSeedOtherModel() {
        TrainConfig cfg = new TrainConfig(2, 16, 0.01, 0, 7);
        ModelSpec spec = spec(Head.PER_STEP, PerStepTarget.NEXT, 4);
        TrainResult a = Trainer.train(series, split, spec, WindowNorm.NONE, cfg, TrainListener.NONE);
        TrainResult b = Trainer.train(series, split, spec, WindowNorm.NONE, cfg, TrainListener.NONE);
        TrainResult c = Trainer.train(series, split, spec, WindowNorm.NONE, new TrainConfig(2, 16, 0.01, 0, 8),
                TrainListener.NONE);
        assertEquals(a.network().params(), b.network().params());
        assertEquals(a.valLoss()[1], b.valLoss()[1]);
        assertNotEquals(a.network().params(), c.network().params());
    }

    @Test
    void bestEpochIsRestoredAndBeatsRepeat() {
        for (Head head : Head.values()) {
            ModelSpec spec = spec(head, PerStepTarget.NEXT, 4);
            TrainResult r = Trainer.train(series, split, spec, WindowNorm.NONE, new TrainConfig(6, 16, 0.01, 2, 3),
                    TrainListener.NONE);
            Normalizer n = r.normalizer();
            ForecastModel m = ForecastModel.of(Manifest.of("t", spec, n), r.network());
            WindowSet val = new WindowSet(series.rows(), split.validation(), 12, 4);
            Evaluation e = Evaluation.evaluate(m::predict, n, val, 64, null);
            // The returned parameters are the best epoch's: re-scoring them gives its validation loss.
            assertEquals(r.valLoss()[r.bestEpoch() - 1], e.model().mse(), 1e-6, head.cliName());
            double min = java.util.Arrays.stream(r.valLoss()).min().orElseThrow();
            assertEquals(min, r.valLoss()[r.bestEpoch() - 1], 0, head.cliName());
            // Loss is per output value for both heads (z-scored targets: about 1 before training).
            assertTrue(r.trainLoss()[0] < 1.5 && r.trainLoss()[r.trainLoss().length - 1] < r.trainLoss()[0],
                    head + " " + java.util.Arrays.toString(r.trainLoss()));
            // Sines are easy for an LSTM and hard for Repeat.
            assertTrue(e.model().mse() < e.repeat().mse() / 2, head + ": model " + e.model().mse() + " vs Repeat " + e.repeat().mse());
        }
    }

    @Test
    void normaliserComesFromTheTrainingRowsOnly() {
        ModelSpec spec = spec(Head.FLAT, PerStepTarget.NEXT, 4);
        TrainResult r = Trainer.train(series, split, spec, WindowNorm.NONE, new TrainConfig(1, 64, 0.01, 0, 1),
                TrainListener.NONE);
        assertEquals(Normalizer.fit(series.rows(0, split.train().end()), WindowNorm.NONE), r.normalizer());
        assertNotEquals(Normalizer.fit(series.rows(), WindowNorm.NONE), r.normalizer());
    }

    @Test
    void targetsPerHead() {
        float[][] z = new float[40][2];
        for (int i = 0; i < z.length; i++) z[i] = new float[] {i, 100 + i};
        int[] starts = {0, 5};
        Normalizer id = Normalizer.identity(2);

        DataSet flat = Trainer.batch(z, starts, 0, 2, spec(Head.FLAT, null, 3), id);
        assertEquals(List.of(2L, 2L, 12L), List.of(flat.getFeatures().shape()[0], flat.getFeatures().shape()[1],
                flat.getFeatures().shape()[2]));
        INDArray fl = flat.getLabels();
        assertEquals(6, fl.size(1));
        assertEquals(12f, fl.getFloat(0, 0)); // window 0, step 1 (row 12), channel 0
        assertEquals(112f, fl.getFloat(0, 1)); // channel 1 (100 + row 12)
        assertEquals(19f, fl.getFloat(1, 4)); // window 1, step 3 (row 5+12+2), channel 0

        INDArray next = Trainer.batch(z, starts, 0, 2, spec(Head.PER_STEP, PerStepTarget.NEXT, 3), id).getLabels();
        INDArray aligned = Trainer.batch(z, starts, 0, 2, spec(Head.PER_STEP, PerStepTarget.ALIGNED, 12), id).getLabels();
        for (int t = 0; t < 12; t++) {
            assertEquals(5 + t + 1, next.getFloat(1, 0, t), "next: label t = row t+1");
            assertEquals(5 + 12 + t, aligned.getFloat(1, 0, t), "aligned: label t = row T+t");
            assertEquals(105 + 12 + t, aligned.getFloat(1, 1, t));
        }

        // Per-window offset: the window's last row is subtracted from inputs and labels.
        DataSet last = Trainer.batch(z, starts, 0, 1, spec(Head.FLAT, null, 3), id.withWindowNorm(WindowNorm.LAST));
        assertEquals(0f, last.getFeatures().getFloat(0, 0, 11));
        assertEquals(-11f, last.getFeatures().getFloat(0, 1, 0));
        assertEquals(1f, last.getLabels().getFloat(0, 0));
    }

    @Test
    void targetLabelsAreTheTargetChannelsOnly() {
        float[][] z = new float[40][2];
        for (int i = 0; i < z.length; i++) z[i] = new float[] {i, 100 + i};
        int[] starts = {0, 5};
        Normalizer id = Normalizer.identity(2);
        ModelSpec flatB = new ModelSpec(12, series.channels(), 3, Head.FLAT, null, 8, 1, "tanh", 0, List.of("b"));
        DataSet flat = Trainer.batch(z, starts, 0, 2, flatB, id);
        assertEquals(2, flat.getFeatures().size(1), "every channel is an input");
        assertEquals(3, flat.getLabels().size(1), "H x 1 target");
        assertEquals(112f, flat.getLabels().getFloat(0, 0)); // window 0, step 1 (row 12), channel b
        assertEquals(119f, flat.getLabels().getFloat(1, 2)); // window 1, step 3 (row 19), channel b

        ModelSpec alignedB = new ModelSpec(12, series.channels(), 12, Head.PER_STEP, PerStepTarget.ALIGNED, 8, 1, "tanh",
                0, List.of("b"));
        INDArray aligned = Trainer.batch(z, starts, 0, 2, alignedB, id).getLabels();
        assertEquals(List.of(2L, 1L, 12L), List.of(aligned.size(0), aligned.size(1), aligned.size(2)));
        assertEquals(105 + 12 + 4, aligned.getFloat(1, 0, 4));

        // With a per-window offset, the target's own offset is subtracted (channel b's last input value).
        DataSet last = Trainer.batch(z, starts, 0, 1, flatB, id.withWindowNorm(WindowNorm.LAST));
        assertEquals(1f, last.getLabels().getFloat(0, 0));
    }

    @Test
    void oneTargetFromTwoInputsTrainsAndScoresPerTarget() {
        ModelSpec spec = new ModelSpec(12, series.channels(), 4, Head.FLAT, null, 8, 1, "tanh", series.stepMillis(),
                List.of("b"));
        TrainResult r = Trainer.train(series, split, spec, WindowNorm.LAST, new TrainConfig(4, 16, 0.01, 0, 3),
                TrainListener.NONE);
        ForecastModel m = ForecastModel.of(Manifest.of("t", spec, r.normalizer()), r.network());
        WindowSet val = WindowSet.of(series.rows(), split.validation(), spec);
        float[] f = m.predict(new float[][] {val.input(0)})[0];
        assertEquals(4, f.length, "H x C_out");
        Evaluation e = Evaluation.evaluate(m::predict, r.normalizer(), val, 64, null);
        assertEquals(r.valLoss()[r.bestEpoch() - 1], e.model().mse(), 1e-6);
        // Repeat per target: channel b's last value, scored against b alone with b's std.
        float[] in = val.input(0);
        float[] actual = val.target(0);
        double se = 0;
        for (int h = 0; h < 4; h++) {
            double z = (in[11 * 2 + 1] - actual[h]) / r.normalizer().std()[1];
            se += z * z;
            assertEquals(series.rows()[val.start(0) + 12 + h][1], actual[h], "target = channel b");
        }
        Evaluation first = Evaluation.evaluate(m::predict, r.normalizer(),
                new WindowSet(series.rows(), new Split.Range(val.start(0), val.start(0) + 16), 12, 4, new int[] {1}), 8, null);
        assertEquals(1, first.windows());
        assertEquals(se / 4, first.repeat().mse(), 1e-5);
        assertTrue(e.model().mse() < e.repeat().mse() / 2, "model " + e.model().mse() + " vs Repeat " + e.repeat().mse());
    }

    @Test
    void channelIndependentSamplesAreOneChannelOfOneWindow() {
        float[][] z = new float[40][2];
        for (int i = 0; i < z.length; i++) z[i] = new float[] {i, 100 + i};
        ModelSpec ci = new ModelSpec(12, series.channels(), 3, Head.FLAT, null, 8, 1, "tanh", 0, null, true);
        // samples: window 5 channel b, window 0 channel a (sample = window * C_out + channel), windows from row 2
        int[] samples = {5 * 2 + 1, 0};
        DataSet d = Trainer.channelBatch(z, samples, 0, 2, 2, ci, Normalizer.identity(2));
        assertEquals(List.of(2L, 1L, 12L), List.of(d.getFeatures().size(0), d.getFeatures().size(1), d.getFeatures().size(2)));
        assertEquals(List.of(2L, 3L), List.of(d.getLabels().size(0), d.getLabels().size(1)));
        assertEquals(107f, d.getFeatures().getFloat(0, 0, 0)); // row 7, channel b
        assertEquals(118f, d.getFeatures().getFloat(0, 0, 11));
        assertEquals(119f, d.getLabels().getFloat(0, 0)); // row 7 + 12
        assertEquals(2f, d.getFeatures().getFloat(1, 0, 0)); // row 2, channel a
        assertEquals(16f, d.getLabels().getFloat(1, 2)); // row 2 + 12 + 2

        DataSet last = Trainer.channelBatch(z, samples, 0, 2, 2, ci, Normalizer.identity(2).withWindowNorm(WindowNorm.LAST));
        assertEquals(-11f, last.getFeatures().getFloat(0, 0, 0));
        assertEquals(0f, last.getFeatures().getFloat(0, 0, 11));
        assertEquals(3f, last.getLabels().getFloat(1, 2));
    }

    @Test
    void channelIndependentModelTrainsScoresAsServedAndBeatsRepeat() {
        ModelSpec spec = new ModelSpec(12, series.channels(), 4, Head.FLAT, null, 8, 1, "tanh", series.stepMillis(), null,
                true);
        TrainResult r = Trainer.train(series, split, spec, WindowNorm.LAST, new TrainConfig(4, 16, 0.01, 0, 3, 0.7),
                TrainListener.NONE);
        assertEquals(1, r.network().getLayer(0).getParam("W").size(0), "input width 1");
        ForecastModel m = ForecastModel.of(Manifest.of("t", spec, r.normalizer()), r.network());
        WindowSet val = WindowSet.of(series.rows(), split.validation(), spec);
        Evaluation e = Evaluation.evaluate(m::predict, r.normalizer(), val, 64, null);
        assertEquals(r.valLoss()[r.bestEpoch() - 1], e.model().mse(), 1e-6, "validation scored the served forecast");
        assertTrue(r.trainLoss()[r.trainLoss().length - 1] < r.trainLoss()[0], java.util.Arrays.toString(r.trainLoss()));
        assertTrue(e.model().mse() < e.repeat().mse() / 2, "model " + e.model().mse() + " vs Repeat " + e.repeat().mse());
    }

    @Test
    void linearChannelIndependentModelTrainsAndBeatsRepeat() {
        ModelSpec spec = new ModelSpec(12, series.channels(), 4, Head.FLAT, null, 1, 0, "tanh", series.stepMillis(), null,
                true);
        TrainResult r = Trainer.train(series, split, spec, WindowNorm.LAST, new TrainConfig(5, 16, 0.01, 0, 3),
                TrainListener.NONE);
        assertEquals(1, r.network().getnLayers(), "no LSTM");
        ForecastModel m = ForecastModel.of(Manifest.of("t", spec, r.normalizer()), r.network());
        Evaluation e = Evaluation.evaluate(m::predict, r.normalizer(), WindowSet.of(series.rows(), split.validation(), spec),
                64, null);
        assertEquals(r.valLoss()[r.bestEpoch() - 1], e.model().mse(), 1e-6);
        assertTrue(e.model().mse() < e.repeat().mse() / 2, "model " + e.model().mse() + " vs Repeat " + e.repeat().mse());
    }

    @Test
    void learningRateDecaysPerEpoch() {
        ModelSpec spec = spec(Head.FLAT, null, 4);
        TrainResult constant = Trainer.train(series, split, spec, WindowNorm.NONE, new TrainConfig(3, 64, 0.01, 0, 1),
                TrainListener.NONE);
        TrainResult decayed = Trainer.train(series, split, spec, WindowNorm.NONE, new TrainConfig(3, 64, 0.01, 0, 1, 0.5),
                TrainListener.NONE);
        assertEquals(0.01 * 0.25, decayed.network().getLearningRate(1), 1e-12);
        assertEquals(0.01, constant.network().getLearningRate(1), 1e-12);
        assertEquals(constant.trainLoss()[0], decayed.trainLoss()[0], 0, "epoch 1 runs at --lr");
        assertNotEquals(constant.trainLoss()[1], decayed.trainLoss()[1]);
        assertThrows(() -> new TrainConfig(3, 64, 0.01, 0, 1, 0), "lr decay");
        assertThrows(() -> new TrainConfig(3, 64, 0.01, 0, 1, 1.5), "lr decay");
    }

    @Test
    void perStepNextNeedsEveryChannelAsTarget() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec(12, series.channels(), 4, Head.PER_STEP, PerStepTarget.NEXT, 8, 1, "tanh", 0,
                        List.of("b")));
        assertTrue(e.getMessage().contains("aligned"), e.getMessage());
        assertThrows(() -> new ModelSpec(12, series.channels(), 4, Head.FLAT, null, 8, 1, "tanh", 0, List.of("x")), "not an input");
        assertThrows(() -> new ModelSpec(12, series.channels(), 4, Head.FLAT, null, 8, 1, "tanh", 0, List.of("a", "a")), "twice");
    }

    private static void assertThrows(org.junit.jupiter.api.function.Executable x, String message) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, x);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}

package io.streamcast.models.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.streamcast.models.Normalizer;
import io.streamcast.models.TestData;
import io.streamcast.models.WindowNorm;
import io.streamcast.models.data.CsvTimeSeries;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.data.WindowSet;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    /** Published (DLinear paper, Table 2): Repeat on ETTh1, multivariate, L=336, H=96: MSE 1.295, MAE 0.713. */
    @Test
    void repeatReproducesThePublishedEtth1Numbers() {
        TimeSeries s = CsvTimeSeries.read(TestData.etth1(), null);
        Split split = Split.standard(s.source(), s.length(), 336, null);
        Normalizer n = Normalizer.fit(s.rows(0, 8640), WindowNorm.NONE);
        WindowSet test = new WindowSet(s.rows(), split.test(), 336, 96);
        Evaluation e = Evaluation.evaluate(null, n, test, 512, null);
        assertEquals(2785, e.windows());
        assertEquals(2784, e.publishedWindows());
        assertEquals(1.295, e.repeatPublished().mse(), 0.0005);
        assertEquals(0.713, e.repeatPublished().mae(), 0.0005);
        // Every window (one more): still 1.294, so the protocol barely matters here.
        assertEquals(1.2944, e.repeat().mse(), 0.0001);
        assertNull(e.model());
        // Step 1 is far easier than step 96 for Repeat.
        assertEquals(true, e.repeat().mseByStep()[0] < e.repeat().mseByStep()[95] / 3);
    }

    @Test
    void scoresPerStepNormalisedAndRaw() {
        // 1 channel, T=2, H=2; rows 0,1 | 3,5: Repeat forecasts 1,1 -> errors -2, -4.
        float[][] rows = {{0}, {1}, {3}, {5}};
        Normalizer n = new Normalizer(new float[] {0}, new float[] {2}, WindowNorm.NONE);
        WindowSet w = new WindowSet(rows, new Split.Range(0, 4), 2, 2);
        Forecaster perfectFirstStep = windows -> new float[][] {{3, 4}};
        Evaluation e = Evaluation.evaluate(perfectFirstStep, n, w, 8, null);
        assertArrayEquals(new double[] {4, 16}, e.repeat().rawMseByStep(), 1e-9);
        assertArrayEquals(new double[] {1, 4}, e.repeat().mseByStep(), 1e-9);
        assertEquals(3, e.repeat().rawMae(), 1e-9);
        assertEquals(1.5, e.repeat().mae(), 1e-9); // |-2|/2, |-4|/2
        assertArrayEquals(new double[] {0, 1}, e.model().rawMseByStep(), 1e-9);
        assertEquals(0.125, e.model().mse(), 1e-9);
        assertEquals(0, e.publishedWindows(), "fewer than 32 windows: the published protocol drops them all");
        assertEquals(0.125, e.toJson().get("model").get("mse").asDouble(), 1e-9);
        assertEquals(2.5, e.toJson().get("repeat").get("mse").asDouble(), 1e-9);
    }
}

package io.streamcast.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Both heads against a plain-Java LSTM forward pass, and the per-step roll-out against re-running windows. */
class NetworksTest {
    static final int T = 5;
    static final int C = 3;
    static final float TOL = 2e-5f;

    static ModelSpec spec(Head head, PerStepTarget target, int horizon, String activation, int layers) {
        return new ModelSpec(T, List.of("a", "b", "c"), horizon, head, target, 4, layers, activation, 1000);
    }

    static float[][] randomWindows(int batch, int length, long seed) {
        Random r = new Random(seed);
        float[][] w = new float[batch][length];
        for (float[] row : w) {
            for (int i = 0; i < row.length; i++) row[i] = (float) r.nextGaussian();
        }
        return w;
    }

    static ForecastModel model(ModelSpec spec, Normalizer n, long seed) {
        MultiLayerNetwork net = Networks.build(spec, seed);
        return ForecastModel.of(Manifest.of("t", spec, n), net);
    }

    @Test
    void flatHeadMatchesReferenceForwardPass() {
        for (String act : List.of("tanh", "relu")) {
            ModelSpec spec = spec(Head.FLAT, PerStepTarget.NEXT, 2, act, 2);
            ForecastModel m = model(spec, Normalizer.identity(C), 11);
            float[][] x = randomWindows(4, T * C, 1);
            float[][] y = m.predictRaw(x);
            assertEquals(4, y.length);
            assertEquals(2 * C, y[0].length);
            ReferenceLstm ref = new ReferenceLstm(spec, m.network());
            for (int b = 0; b < x.length; b++) {
                ref.reset();
                double[] hidden = null;
                for (int t = 0; t < T; t++) hidden = ref.step(row(x[b], t));
                assertClose(ref.dense(hidden), y[b], act + " window " + b);
            }
            // predict() with the identity normaliser is the same numbers.
            float[][] p = m.predict(x);
            for (int b = 0; b < x.length; b++) assertArrayEquals(y[b], p[b], 1e-6f);
        }
    }

    @Test
    void perStepHeadMatchesReferenceAtEveryStep() {
        ModelSpec spec = spec(Head.PER_STEP, PerStepTarget.NEXT, 3, "tanh", 2);
        ForecastModel m = model(spec, Normalizer.identity(C), 12);
        float[][] x = randomWindows(3, T * C, 2);
        float[][] y = m.predictRaw(x);
        assertEquals(T * C, y[0].length, "sequence output in Keras layout [T*C]");
        ReferenceLstm ref = new ReferenceLstm(spec, m.network());
        for (int b = 0; b < x.length; b++) {
            ref.reset();
            for (int t = 0; t < T; t++) {
                double[] out = ref.dense(ref.step(row(x[b], t)));
                float[] got = new float[C];
                System.arraycopy(y[b], t * C, got, 0, C);
                assertClose(out, got, "window " + b + " step " + t);
            }
        }
    }

    @Test
    void perStepNextRollOutFeedsPredictionsBack() {
        ModelSpec spec = spec(Head.PER_STEP, PerStepTarget.NEXT, 4, "tanh", 1);
        ForecastModel m = model(spec, Normalizer.identity(C), 13);
        float[][] x = randomWindows(3, T * C, 3);
        float[][] f = m.predict(x);
        assertEquals(4 * C, f[0].length);
        ReferenceLstm ref = new ReferenceLstm(spec, m.network());
        for (int b = 0; b < x.length; b++) {
            ref.reset();
            double[] out = null;
            for (int t = 0; t < T; t++) out = ref.dense(ref.step(row(x[b], t)));
            for (int h = 0; h < 4; h++) {
                float[] got = new float[C];
                System.arraycopy(f[b], h * C, got, 0, C);
                assertClose(out, got, "window " + b + " horizon step " + h);
                out = ref.dense(ref.step(out));
            }
        }
    }

    @Test
    void rollOutEqualsRerunningTheGrowingWindow() {
        ModelSpec spec = spec(Head.PER_STEP, PerStepTarget.NEXT, 6, "tanh", 2);
        ForecastModel m = model(spec, Normalizer.identity(C), 14);
        float[][] x = randomWindows(2, T * C, 4);
        float[][] f = m.predict(x);
        MultiLayerNetwork net = m.network();
        for (int b = 0; b < x.length; b++) {
            // growing[t] = window then forecasts so far; the last output of output(growing) is the next step.
            float[] growing = x[b].clone();
            for (int h = 0; h < 6; h++) {
                int len = growing.length / C;
                INDArray in = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, C, len);
                for (int t = 0; t < len; t++) {
                    for (int c = 0; c < C; c++) in.putScalar(new long[] {0, c, t}, growing[t * C + c]);
                }
                INDArray y = net.output(in, false);
                float[] next = new float[C];
                for (int c = 0; c < C; c++) next[c] = y.getFloat(0, c, len - 1);
                for (int c = 0; c < C; c++) {
                    assertEquals(next[c], f[b][h * C + c], 1e-5f, "window " + b + " step " + h + " channel " + c);
                }
                float[] longer = java.util.Arrays.copyOf(growing, growing.length + C);
                System.arraycopy(next, 0, longer, growing.length, C);
                growing = longer;
            }
        }
    }

    @Test
    void alignedPerStepOutputsAreStepsTPlusT() {
        ModelSpec spec = spec(Head.PER_STEP, PerStepTarget.ALIGNED, T, "tanh", 1);
        ForecastModel m = model(spec, Normalizer.identity(C), 15);
        float[][] x = randomWindows(2, T * C, 5);
        float[][] f = m.predict(x);
        float[][] raw = m.predictRaw(x);
        for (int b = 0; b < x.length; b++) assertArrayEquals(raw[b], f[b], 1e-6f, "one pass, output t = step T+t");
        assertThrows(IllegalArgumentException.class, () -> spec(Head.PER_STEP, PerStepTarget.ALIGNED, T + 1, "tanh", 1));
    }

    @Test
    void predictAppliesNormaliserWindowOffsetAndInverse() {
        for (WindowNorm mode : WindowNorm.values()) {
            ModelSpec spec = spec(Head.FLAT, PerStepTarget.NEXT, 2, "tanh", 1);
            Normalizer n = new Normalizer(new float[] {10, -5, 100}, new float[] {2, 0.5f, 20}, mode);
            ForecastModel m = model(spec, n, 16);
            float[][] raw = randomWindows(3, T * C, 6);
            for (float[] w : raw) {
                for (int i = 0; i < w.length; i++) w[i] = w[i] * n.std()[i % C] + n.mean()[i % C];
            }
            float[][] f = m.predict(raw);
            for (int b = 0; b < raw.length; b++) {
                float[] z = new float[T * C];
                n.normalizeWindow(raw[b], z);
                float[] off = new float[C];
                n.windowOffset(z, T, off);
                for (int i = 0; i < z.length; i++) z[i] -= off[i % C];
                float[] y = m.predictRaw(new float[][] {z})[0];
                for (int i = 0; i < y.length; i++) {
                    int c = i % C;
                    float want = (y[i] + off[c]) * n.std()[c] + n.mean()[c];
                    assertEquals(want, f[b][i], 1e-3f, mode + " window " + b + " output " + i);
                }
            }
        }
    }

    @Test
    void wrongWindowLengthIsRejected() {
        ForecastModel m = model(spec(Head.FLAT, PerStepTarget.NEXT, 2, "tanh", 1), Normalizer.identity(C), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.predict(new float[][] {new float[T * C - 1]}));
        assertTrue(e.getMessage().contains("expected 5x3"), e.getMessage());
    }

    static double[] row(float[] window, int t) {
        double[] r = new double[C];
        for (int c = 0; c < C; c++) r[c] = window[t * C + c];
        return r;
    }

    static void assertClose(double[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], TOL, what + " output " + i);
    }
}

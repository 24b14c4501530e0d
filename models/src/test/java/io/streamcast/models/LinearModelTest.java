package io.streamcast.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Zero LSTM layers: one Dense layer from the normalised window to the forecast, served like any bundle. */
class LinearModelTest {
    static final List<String> CHANNELS = List.of("x", "y");
    static final Normalizer NORM = new Normalizer(new float[] {5f, -1f}, new float[] {2f, 0.25f}, WindowNorm.LAST);

    @TempDir
    Path tmp;

    static float[][] windows(int n, int t, long seed) {
        Random r = new Random(seed);
        float[][] w = new float[n][t * 2];
        for (float[] row : w) {
            for (int i = 0; i < row.length; i++) row[i] = NORM.mean()[i % 2] + NORM.std()[i % 2] * (float) r.nextGaussian();
        }
        return w;
    }

    /** y = W^T x + b by hand, x = the z-scored window minus its last value, channel-major (channel, then step). */
    static float[] byHand(MultiLayerNetwork net, int[] inputChannels, float[] window, int t, int h, int cOut) {
        INDArray w = net.getLayer(0).getParam("W");
        INDArray b = net.getLayer(0).getParam("b");
        float[] x = new float[inputChannels.length * t];
        for (int k = 0; k < inputChannels.length; k++) {
            int c = inputChannels[k];
            float last = NORM.normalize(c, window[(t - 1) * 2 + c]);
            for (int i = 0; i < t; i++) x[k * t + i] = NORM.normalize(c, window[i * 2 + c]) - last;
        }
        float[] y = new float[(int) w.size(1)];
        for (int o = 0; o < y.length; o++) {
            double s = b.getDouble(0, o);
            for (int i = 0; i < x.length; i++) s += x[i] * w.getDouble(i, o);
            y[o] = (float) s;
        }
        return y;
    }

    @Test
    void multivariateLinearBundleForecastsTheDenseMapOfTheWindow() throws Exception {
        ModelSpec spec = new ModelSpec(5, CHANNELS, 3, Head.FLAT, null, 1, 0, "tanh", 0);
        MultiLayerNetwork net = Networks.build(spec, 4);
        assertEquals(1, net.getnLayers(), "no LSTM");
        assertEquals(List.of(10L, 6L), List.of(net.getLayer(0).getParam("W").size(0), net.getLayer(0).getParam("W").size(1)));
        Path dir = tmp.resolve("lin");
        ModelBundle.write(dir, Manifest.of("lin", spec, NORM), net);
        float[][] w = windows(4, 5, 1);
        try (ForecastModel m = ForecastModel.load(dir)) {
            assertFalse(m.fusedForward(), "the fused pass is for LSTMs");
            float[][] f = m.predict(w);
            for (int b = 0; b < w.length; b++) {
                float[] y = byHand(net, new int[] {0, 1}, w[b], 5, 3, 2);
                for (int i = 0; i < y.length; i++) {
                    int c = i % 2; // step-major: step, then channel
                    float last = NORM.normalize(c, w[b][4 * 2 + c]);
                    float expected = NORM.denormalize(c, y[i] + last);
                    assertEquals(expected, f[b][i], 1e-4f * Math.max(1f, Math.abs(expected)), "window " + b + " output " + i);
                }
            }
        }
    }

    @Test
    void channelIndependentLinearBundleIsOneMapForEveryChannel() throws Exception {
        ModelSpec spec = new ModelSpec(5, CHANNELS, 3, Head.FLAT, null, 1, 0, "tanh", 0, null, true);
        MultiLayerNetwork net = Networks.build(spec, 9);
        assertEquals(List.of(5L, 3L), List.of(net.getLayer(0).getParam("W").size(0), net.getLayer(0).getParam("W").size(1)));
        Path dir = tmp.resolve("ci");
        ModelBundle.write(dir, Manifest.of("ci", spec, NORM), net);
        float[][] w = windows(3, 5, 2);
        try (ForecastModel m = ForecastModel.load(dir)) {
            float[][] f = m.predict(w);
            for (int b = 0; b < w.length; b++) {
                for (int c = 0; c < 2; c++) {
                    float[] y = byHand(net, new int[] {c}, w[b], 5, 3, 1);
                    float last = NORM.normalize(c, w[b][4 * 2 + c]);
                    for (int h = 0; h < 3; h++) {
                        float expected = NORM.denormalize(c, y[h] + last);
                        assertEquals(expected, f[b][h * 2 + c], 1e-4f * Math.max(1f, Math.abs(expected)));
                    }
                }
            }
        }
    }

    @Test
    void onlyTheFlatHeadHasNoLstm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec(5, CHANNELS, 5, Head.PER_STEP, PerStepTarget.ALIGNED, 4, 0, "tanh", 0));
        assertTrue(e.getMessage().contains("flat"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec(5, CHANNELS, 3, Head.FLAT, null, 4, -1, "tanh", 0));
    }

    @Test
    void anLstmNetworkDoesNotLoadAsALinearSpec() {
        ModelSpec lstm = new ModelSpec(5, CHANNELS, 3, Head.FLAT, null, 5, 1, "tanh", 0);
        ModelSpec linear = new ModelSpec(5, CHANNELS, 3, Head.FLAT, null, 5, 0, "tanh", 0);
        assertThrows(IllegalArgumentException.class,
                () -> ModelBundle.write(tmp.resolve("x"), Manifest.of("x", linear, NORM), Networks.build(lstm, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> ModelBundle.write(tmp.resolve("y"), Manifest.of("y", lstm, NORM), Networks.build(linear, 1)));
    }
}

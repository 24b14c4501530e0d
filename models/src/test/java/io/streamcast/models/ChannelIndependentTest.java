package io.streamcast.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A channel-independent bundle: one univariate network, every target channel through it. */
class ChannelIndependentTest {
    static final List<String> CHANNELS = List.of("x", "y", "z");
    static final Normalizer NORM = new Normalizer(new float[] {1f, -20f, 300f}, new float[] {2f, 0.5f, 40f}, WindowNorm.LAST);

    @TempDir
    Path tmp;

    static ModelSpec spec(List<String> targets) {
        return new ModelSpec(6, CHANNELS, 4, Head.FLAT, null, 5, 1, "tanh", 60_000, targets, true);
    }

    static float[][] windows(int n, long seed) {
        Random r = new Random(seed);
        float[][] w = new float[n][6 * 3];
        for (float[] row : w) {
            for (int i = 0; i < row.length; i++) {
                int c = i % 3;
                row[i] = NORM.mean()[c] + NORM.std()[c] * (float) r.nextGaussian();
            }
        }
        return w;
    }

    /** What the model should do, by hand: each target channel alone through the [1, 1, T] network. */
    static float[] perChannel(MultiLayerNetwork net, ModelSpec spec, float[] window) {
        int t = spec.window();
        int c = spec.channelCount();
        int[] targets = spec.targetIndices();
        float[] out = new float[spec.outputLength()];
        for (int k = 0; k < targets.length; k++) {
            int ch = targets[k];
            float last = NORM.normalize(ch, window[(t - 1) * c + ch]);
            float[] series = new float[t];
            for (int i = 0; i < t; i++) series[i] = NORM.normalize(ch, window[i * c + ch]) - last;
            INDArray x = Nd4j.create(series, new long[] {1, 1, t}, 'c');
            float[] y = net.output(x, false).toFloatVector();
            assertEquals(spec.horizon(), y.length);
            for (int h = 0; h < y.length; h++) out[h * targets.length + k] = NORM.denormalize(ch, y[h] + last);
        }
        return out;
    }

    @Test
    void networkIsUnivariateAndTheBundleRoundTrips() throws Exception {
        ModelSpec spec = spec(null);
        MultiLayerNetwork net = Networks.build(spec, 11);
        assertEquals(1, net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof
                org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep l
                ? ((org.deeplearning4j.nn.conf.layers.LSTM) l.getUnderlying()).getNIn() : -1, "input width 1");
        assertEquals(4, net.output(Nd4j.zeros(1, 1, 6)).size(1), "Dense(H), not H*C");

        Path dir = tmp.resolve("ci");
        ModelBundle.write(dir, Manifest.of("ci", spec, NORM), net);
        ObjectNode json = (ObjectNode) ModelBundle.JSON.readTree(dir.resolve(ModelBundle.MANIFEST_FILE).toFile());
        assertTrue(json.get("spec").get("channelIndependent").booleanValue());

        float[][] w = windows(9, 3);
        try (ForecastModel loaded = ForecastModel.load(dir)) {
            assertTrue(loaded.spec().channelIndependent());
            assertTrue(loaded.fusedForward(), "the fused pass covers the univariate network too");
            float[][] f = loaded.predict(w);
            float[][] dl4j = ForecastModel.of(Manifest.of("ci", spec, NORM), net).predict(w);
            for (int b = 0; b < w.length; b++) {
                float[] expected = perChannel(net, spec, w[b]);
                assertEquals(spec.horizon() * 3, f[b].length);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], f[b][i], 1e-3f * Math.max(1f, Math.abs(expected[i])), "fused, window " + b + " output " + i);
                    assertEquals(expected[i], dl4j[b][i], 1e-3f * Math.max(1f, Math.abs(expected[i])), "DL4J, window " + b + " output " + i);
                }
            }
            // one window alone gives what it gives in a batch: rows of different windows do not mix
            float[] single = loaded.predict(new float[][] {w[4]})[0];
            for (int i = 0; i < single.length; i++) assertEquals(f[4][i], single[i], 1e-4f * Math.max(1f, Math.abs(single[i])));
        }
    }

    @Test
    void targetsAreForecastInTheirOrderFromTheirOwnPast() throws Exception {
        ModelSpec spec = spec(List.of("z", "x"));
        MultiLayerNetwork net = Networks.build(spec, 5);
        Path dir = tmp.resolve("zx");
        ModelBundle.write(dir, Manifest.of("zx", spec, NORM), net);
        float[][] w = windows(3, 8);
        try (ForecastModel m = ForecastModel.load(dir)) {
            float[][] f = m.predict(w);
            for (int b = 0; b < w.length; b++) {
                float[] expected = perChannel(net, spec, w[b]);
                assertEquals(8, f[b].length, "H x 2 targets");
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], f[b][i], 1e-3f * Math.max(1f, Math.abs(expected[i])));
                }
            }
            // channel y is no target and no input of either forecast: changing it changes nothing
            float[] changed = w[0].clone();
            for (int t = 0; t < 6; t++) changed[t * 3 + 1] += 7f;
            float[] again = m.predict(new float[][] {changed})[0];
            for (int i = 0; i < again.length; i++) assertEquals(f[0][i], again[i], 1e-4f * Math.max(1f, Math.abs(again[i])));
            // and the same values in another channel forecast the same, on that channel's scale
            float[][] predictedRaw = m.predictRaw(new float[][] {new float[18]});
            assertEquals(8, predictedRaw[0].length);
            for (int h = 0; h < 4; h++) assertEquals(predictedRaw[0][h * 2], predictedRaw[0][h * 2 + 1], 1e-6f);
        }
    }

    @Test
    void specJsonWithoutTheFieldIsAMultivariateModel() {
        ModelSpec old = new ModelSpec(6, CHANNELS, 4, Head.FLAT, null, 5, 1, "tanh", 0);
        ObjectNode json = ModelSpecs.toJson(old);
        assertFalse(json.has("channelIndependent"), "old readers see the same JSON");
        assertFalse(ModelSpecs.fromJson(json).channelIndependent());
        assertEquals(spec(null), ModelSpecs.fromJson(ModelSpecs.toJson(spec(null))));
        json.put("channelIndependent", "yes");
        assertThrows(IllegalArgumentException.class, () -> ModelSpecs.fromJson(json));
    }

    @Test
    void onlyTheFlatHeadIsChannelIndependent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec(6, CHANNELS, 6, Head.PER_STEP, PerStepTarget.ALIGNED, 5, 1, "tanh", 0, null, true));
        assertTrue(e.getMessage().contains("flat"), e.getMessage());
    }

    @Test
    void aMultivariateNetworkDoesNotLoadAsChannelIndependent() throws Exception {
        Path dir = tmp.resolve("mv");
        ModelSpec multivariate = new ModelSpec(6, CHANNELS, 4, Head.FLAT, null, 5, 1, "tanh", 0);
        assertThrows(IllegalArgumentException.class,
                () -> ModelBundle.write(dir, Manifest.of("m", spec(null), NORM), Networks.build(multivariate, 1)));
    }
}

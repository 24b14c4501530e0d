package io.streamcast.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import io.streamcast.models.FusedLstmForward.Kernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused forward passes (one libnd4j lstmBlock or lstmLayer op per layer) give DL4J's outputs, and are used only where they can. */
class FusedLstmForwardTest {
    @TempDir
    Path tmp;

    private static ModelSpec spec(int layers, String activation, Head head) {
        return new ModelSpec(6, List.of("a", "b", "c"), head == Head.FLAT ? 4 : 6, head, PerStepTarget.NEXT, 12, layers, activation, 0);
    }

    private static void assertSameAsDl4j(ModelSpec spec, long seed, Kernel kernel) {
        MultiLayerNetwork net = Networks.build(spec, seed);
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, spec.channelCount(), spec.window()).subi(0.5).muli(4);
        float[][] expected = net.output(x, false).toFloatMatrix();
        float[][] actual = new FusedLstmForward(spec, net, kernel).output(x).toFloatMatrix();
        for (int b = 0; b < expected.length; b++) {
            assertArrayEquals(expected[b], actual[b], 1e-5f, "window " + b + " of " + spec + " on " + kernel);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = "JAVA", mode = EnumSource.Mode.EXCLUDE)
    void oneLayerTanhEqualsDl4j(Kernel kernel) {
        assertSameAsDl4j(spec(1, "tanh", Head.FLAT), 1, kernel);
    }

    @ParameterizedTest
    @EnumSource(value = Kernel.class, names = "JAVA", mode = EnumSource.Mode.EXCLUDE)
    void stackedLayersEqualDl4j(Kernel kernel) {
        assertSameAsDl4j(spec(3, "tanh", Head.FLAT), 2, kernel);
    }

    @Test
    void reluEqualsDl4jOnLstmLayer() {
        assertSameAsDl4j(spec(2, "relu", Head.FLAT), 3, Kernel.LAYER);
    }

    @Test
    void theJavaPassIsNotANativeKernel() {
        ModelSpec spec = spec(1, "tanh", Head.FLAT);
        assertThrows(IllegalArgumentException.class, () -> new FusedLstmForward(spec, Networks.build(spec, 1), Kernel.JAVA));
    }

    @Test
    void lstmBlockRefusesReluWhoseCellActivationItCannotChange() {
        ModelSpec relu = spec(1, "relu", Head.FLAT);
        MultiLayerNetwork net = Networks.build(relu, 1);
        assertFalse(FusedLstmForward.supports(relu, net, Kernel.BLOCK));
        assertThrows(IllegalArgumentException.class, () -> new FusedLstmForward(relu, net, Kernel.BLOCK));
    }

    @Test
    void theKernelComesFromTheSystemProperty() throws Exception {
        Path tanh = tmp.resolve("tanh");
        ModelBundle.createRandom(tanh, "t", spec(1, "tanh", Head.FLAT), Normalizer.identity(3), 5);
        Path relu = tmp.resolve("relu");
        ModelBundle.createRandom(relu, "r", spec(1, "relu", Head.FLAT), Normalizer.identity(3), 5);
        try (ForecastModel t = ForecastModel.load(tanh); ForecastModel r = ForecastModel.load(relu)) {
            assertEquals(Kernel.JAVA, t.fusedKernel(), "the heap pass is the default");
            assertEquals(Kernel.JAVA, r.fusedKernel(), "for relu LSTMs too");
        }
        try {
            System.setProperty(ForecastModel.FUSED_PROPERTY, "block");
            try (ForecastModel t = ForecastModel.load(tanh); ForecastModel r = ForecastModel.load(relu)) {
                assertEquals(Kernel.BLOCK, t.fusedKernel());
                assertNull(r.fusedKernel(), "lstmBlock cannot run relu: DL4J's own pass");
            }
            System.setProperty(ForecastModel.FUSED_PROPERTY, "layer");
            try (ForecastModel r = ForecastModel.load(relu)) {
                assertEquals(Kernel.LAYER, r.fusedKernel());
            }
            System.setProperty(ForecastModel.FUSED_PROPERTY, "fast");
            var e = assertThrows(IllegalArgumentException.class, () -> ForecastModel.load(tanh));
            assertTrue(e.getMessage().contains("java (default), block, layer or false"), e.getMessage());
        } finally {
            System.clearProperty(ForecastModel.FUSED_PROPERTY);
        }
    }

    @Test
    void loadedFlatBundlesUseItAndForecastLikeDl4j() throws Exception {
        ModelSpec spec = spec(1, "tanh", Head.FLAT);
        Path dir = tmp.resolve("flat");
        ModelBundle.createRandom(dir, "flat", spec, Normalizer.identity(3), 5);
        float[][] windows = new float[11][spec.inputLength()];
        Random r = new Random(9);
        for (float[] w : windows) for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        float[][] fused;
        try (ForecastModel m = ForecastModel.load(dir)) {
            assertTrue(m.fusedForward());
            fused = m.predict(windows);
        }
        System.setProperty(ForecastModel.FUSED_PROPERTY, "false");
        try (ForecastModel m = ForecastModel.load(dir)) {
            assertFalse(m.fusedForward());
            float[][] dl4j = m.predict(windows);
            for (int b = 0; b < windows.length; b++) assertArrayEquals(dl4j[b], fused[b], 1e-5f);
        } finally {
            System.clearProperty(ForecastModel.FUSED_PROPERTY);
        }
    }

    @Test
    void perStepHeadsAndWrappedNetworksStayOnDl4j() throws Exception {
        ModelSpec perStep = spec(1, "tanh", Head.PER_STEP);
        Path dir = tmp.resolve("per-step");
        ModelBundle.createRandom(dir, "ps", perStep, Normalizer.identity(3), 5);
        try (ForecastModel m = ForecastModel.load(dir)) {
            assertFalse(m.fusedForward());
        }
        assertFalse(FusedLstmForward.supports(perStep, Networks.build(perStep, 1)));
        ModelSpec flat = spec(1, "tanh", Head.FLAT);
        Path flatDir = tmp.resolve("flat2");
        ModelBundle.createRandom(flatDir, "f", flat, Normalizer.identity(3), 5);
        // a wrapped network may still be training: its weights are not copied
        ForecastModel wrapped = ForecastModel.of(ModelBundle.readManifest(flatDir), Networks.build(flat, 1));
        assertFalse(wrapped.fusedForward());
    }
}

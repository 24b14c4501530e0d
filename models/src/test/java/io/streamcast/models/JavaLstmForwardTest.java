package io.streamcast.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The heap forward pass gives DL4J's outputs for the networks it covers, and refuses the others. */
class JavaLstmForwardTest {
    private static ModelSpec spec(int layers, String activation, Head head, int units) {
        return new ModelSpec(6, List.of("a", "b", "c"), head == Head.FLAT ? 4 : 6, head, PerStepTarget.NEXT, units, layers, activation, 0);
    }

    @ParameterizedTest(name = "{0} layer(s), {1}, {2} units, batch {3}")
    @CsvSource({"1, tanh, 12, 5", "3, tanh, 12, 4", "2, relu, 12, 3", "1, tanh, 37, 1", "2, tanh, 64, 9", "1, tanh, 20, 17", "1, tanh, 100, 8"})
    void equalsDl4j(int layers, String activation, int units, int batch) {
        ModelSpec spec = spec(layers, activation, Head.FLAT, units);
        MultiLayerNetwork net = Networks.build(spec, layers * 31L + units);
        Nd4j.getRandom().setSeed(units);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, spec.channelCount(), spec.window()).subi(0.5).muli(4);
        float[][] expected = net.output(x, false).toFloatMatrix();
        JavaLstmForward forward = new JavaLstmForward(spec, net);
        float[] packed = x.dup('c').data().asFloat();
        // twice: the scratch arrays a call reuses must not carry anything into the next
        for (int round = 0; round < 2; round++) {
            float[][] actual = forward.output(packed, batch, spec.window());
            assertEquals(batch, actual.length);
            for (int b = 0; b < batch; b++) {
                assertArrayEquals(expected[b], actual[b], 1e-5f, "window " + b + ", round " + round + " of " + spec);
            }
        }
        float[][] first = forward.output(packed, 1, spec.window());
        assertArrayEquals(expected[0], first[0], 1e-5f, "a smaller batch after a larger one");
    }

    @Test
    void refusesWhatItDoesNotCompute() {
        ModelSpec perStep = spec(1, "tanh", Head.PER_STEP, 12);
        assertThrows(IllegalArgumentException.class, () -> new JavaLstmForward(perStep, Networks.build(perStep, 1)));
    }

    @Test
    void refusesAnInputShorterThanItsWindows() {
        ModelSpec spec = spec(1, "tanh", Head.FLAT, 12);
        JavaLstmForward forward = new JavaLstmForward(spec, Networks.build(spec, 1));
        assertThrows(IllegalArgumentException.class, () -> forward.output(new float[10], 1, spec.window()));
    }

    /** The activations' rational approximation against the exact functions, across the float range. */
    @Test
    void activationsAreWithin4e7OfTheExactFunctions() {
        double worstTanh = 0;
        double worstSigmoid = 0;
        for (double v = -40; v <= 40; v += 1.0 / 4096) {
            float x = (float) v;
            worstTanh = Math.max(worstTanh, Math.abs(JavaLstmForward.tanh(x) - Math.tanh(x)));
            worstSigmoid = Math.max(worstSigmoid, Math.abs(JavaLstmForward.sigmoid(x) - 1 / (1 + Math.exp(-x))));
            assertEquals(-JavaLstmForward.tanh(x), JavaLstmForward.tanh(-x), "odd");
        }
        assertTrue(worstTanh <= 4e-7, "tanh off by " + worstTanh);
        assertTrue(worstSigmoid <= 4e-7, "sigmoid off by " + worstSigmoid);
        for (float tiny : new float[] {1e-30f, 1e-7f, 3e-4f}) {
            assertEquals(tiny, JavaLstmForward.tanh(tiny), tiny * 2e-7, "tanh(x) ~ x near 0");
        }
        assertEquals(1f, JavaLstmForward.tanh(Float.MAX_VALUE), 4e-7);
        assertEquals(-1f, JavaLstmForward.tanh(Float.NEGATIVE_INFINITY), 4e-7);
        assertEquals(0f, JavaLstmForward.sigmoid(-1e6f), 1e-7);
        assertTrue(Float.isNaN(JavaLstmForward.tanh(Float.NaN)), "NaN stays NaN");
    }
}

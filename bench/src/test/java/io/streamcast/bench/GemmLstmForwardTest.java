package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.streamcast.models.Networks;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The GEMM experiment computes what DL4J computes (so its speed can be compared honestly). */
class GemmLstmForwardTest {
    @Test
    void equalsDl4jOnTheReferenceModel() {
        MultiLayerNetwork net = Networks.build(ReferenceModel.spec(), 3);
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 7, 30, 10).subi(0.5).muli(4);
        float[][] expected = net.output(x, false).toFloatMatrix();
        float[][] actual = new GemmLstmForward(ReferenceModel.spec(), net).output(x).toFloatMatrix();
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], actual[i], 1e-5f, "window " + i);
    }
}

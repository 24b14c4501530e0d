package io.streamcast.bench;

import io.streamcast.models.FusedLstmForward;
import io.streamcast.models.ModelSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Experiment (benchmarked, not shipped): a single-layer flat-head forward pass built from ND4J
 * primitives as the issue suggests: ONE GEMM for all time steps' input projections
 * ([T·B, C] x [C, 4U]), then per step one recurrent GEMM accumulated in place, ONE sigmoid over the
 * whole contiguous [B, 4U] gate block (the cell candidate's columns are pre-scaled by 2, since
 * tanh(x) = 2·sigmoid(2x) − 1), and a handful of element-wise ops on views.
 */
public final class GemmLstmForward {
    private final int units;
    private final INDArray w;   // [C, 4U], gate blocks [i, f, o, 2g]
    private final INDArray rw;  // [U, 4U]
    private final INDArray b;   // [1, 4U]
    private final INDArray denseW;
    private final INDArray denseB;

    /** DL4J's blocks are [g, f, o, i]: take i, f, o, g in that order. */
    private static final int[] FROM_DL4J = {3, 1, 2, 0};

    public GemmLstmForward(ModelSpec spec, MultiLayerNetwork net) {
        if (!FusedLstmForward.supports(spec, net) || spec.layers() != 1 || !spec.activation().equals("tanh")) {
            throw new IllegalArgumentException("the GEMM experiment covers one tanh LSTM layer with a flat head");
        }
        units = spec.units();
        Layer lstm = net.getLayer(0);
        w = reorder(lstm.getParam("W"));
        rw = reorder(lstm.getParam("RW"));
        b = reorder(lstm.getParam("b"));
        Layer out = net.getLayer(1);
        denseW = out.getParam("W").dup();
        denseB = out.getParam("b").dup();
    }

    private INDArray reorder(INDArray p) {
        INDArray[] blocks = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            blocks[k] = p.get(NDArrayIndex.all(), NDArrayIndex.interval((long) FROM_DL4J[k] * units, (long) (FROM_DL4J[k] + 1) * units));
        }
        INDArray r = Nd4j.hstack(blocks).dup('c');
        r.get(NDArrayIndex.all(), NDArrayIndex.interval(3L * units, 4L * units)).muli(2); // tanh via sigmoid
        return r;
    }

    /** x: [batch, channels, time] -> [batch, H*C]. */
    public INDArray output(INDArray x) {
        long batch = x.size(0);
        long channels = x.size(1);
        long steps = x.size(2);
        long u = units;
        // [B, C, T] -> [T, B, C] -> [T*B, C]: every step's inputs in one GEMM
        INDArray xs = x.permute(2, 0, 1).dup('c').reshape('c', steps * batch, channels);
        INDArray z = xs.mmul(w).addiRowVector(b);
        INDArray c = null;
        INDArray h = null;
        for (long t = 0; t < steps; t++) {
            INDArray zt = z.get(NDArrayIndex.interval(t * batch, (t + 1) * batch), NDArrayIndex.all());
            if (h != null) Nd4j.gemm(h, rw, zt, false, false, 1.0, 1.0);
            Transforms.sigmoid(zt, false);
            INDArray i = zt.get(NDArrayIndex.all(), NDArrayIndex.interval(0, u));
            INDArray f = zt.get(NDArrayIndex.all(), NDArrayIndex.interval(u, 2 * u));
            INDArray o = zt.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * u, 3 * u));
            INDArray g = zt.get(NDArrayIndex.all(), NDArrayIndex.interval(3 * u, 4 * u));
            g.muli(2).subi(1);                 // sigmoid(2x)*2 - 1 = tanh(x)
            i.muli(g);
            if (c == null) {
                c = i.dup('c');
            } else {
                c.muli(f).addi(i);
            }
            h = Transforms.tanh(c, true).muli(o);
        }
        return h.mmul(denseW).addiRowVector(denseB);
    }
}

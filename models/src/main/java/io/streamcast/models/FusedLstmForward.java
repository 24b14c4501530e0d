package io.streamcast.models;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.LSTMLayer;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMLayerConfig;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The forward pass of a flat-head network (stacked LSTMs, last step, Dense) for inference: each LSTM
 * layer is ONE native libnd4j op over the whole sequence (time loop, GEMMs and gate activations in
 * C++), where DL4J's {@code LSTMHelpers} issues a dozen small ops per time step from Java; then one
 * GEMM + bias for the Dense layer. Same weights (copied once, gate blocks reordered from DL4J's order
 * to the op's), same outputs up to float rounding (FusedLstmForwardTest).
 *
 * <p>Two native ops, see {@link Kernel}: {@code lstmBlock} (the default) and {@code lstmLayer}, which is
 * faster but leaks native memory on every call in libnd4j 1.0.0-M2.1 (BENCHMARKS.md, soak), so a job
 * that runs for days would grow without bound on it.
 */
public final class FusedLstmForward {
    /** Which forward pass runs a flat head: one of two libnd4j ops per LSTM layer, or {@link JavaLstmForward}. */
    public enum Kernel {
        /**
         * {@code lstmBlock}: no leak; tanh LSTMs only (its cell activation is fixed); writes all seven
         * gate/state sequences, so about 1.1-2x slower than {@code lstmLayer}.
         */
        BLOCK,
        /** {@code lstmLayer}: tanh or relu; leaks ~95 bytes per time step per call (native). */
        LAYER,
        /** {@link JavaLstmForward}: plain Java on the heap, no native call; tanh or relu. */
        JAVA;

        /** From {@link ForecastModel#FUSED_PROPERTY}: java (default), block, layer, or false (null: DL4J's own pass). */
        static Kernel fromProperty(String value) {
            if (value == null || value.isBlank() || value.equalsIgnoreCase("true") || value.equalsIgnoreCase("java")) return JAVA;
            if (value.equalsIgnoreCase("block")) return BLOCK;
            if (value.equalsIgnoreCase("layer")) return LAYER;
            if (value.equalsIgnoreCase("false")) return null;
            throw new IllegalArgumentException(ForecastModel.FUSED_PROPERTY + "=" + value
                    + " is not valid; fix: use java (default), block, layer or false");
        }
    }

    /**
     * DL4J's LSTM parameter blocks are [block input (g), forget (f), output (o), input gate (i)];
     * libnd4j's lstmLayer expects [i, f, g, o]. Entry k: the DL4J block that goes to libnd4j block k.
     */
    static final int[] DL4J_BLOCK_FOR_LIBND4J = {3, 1, 0, 2};
    /** libnd4j's lstmBlock expects [i, g (its "z"), f, o]. */
    static final int[] DL4J_BLOCK_FOR_LSTM_BLOCK = {3, 0, 1, 2};
    /** lstmBlock's outputs: i, c, f, o, z, h, y; y (the layer's output sequence) is the last. */
    private static final int LSTM_BLOCK_OUTPUTS = 7;
    /** lstmBlock's data format argument: 1 = NST, [batch, channels, time], DL4J's NCW. */
    private static final int LSTM_BLOCK_NST = 1;

    private final Kernel kernel;
    private final LSTMLayerWeights[] lstm;
    private final LSTMLayerConfig[] configs;
    /** lstmBlock: per layer [Wx; Wr] stacked, [nIn + units, 4 units]. */
    private final INDArray[] blockW;
    private final INDArray[] blockB;
    /** lstmBlock's peephole weights (unused, peephole off, but the op takes them): zeros [units]. */
    private final INDArray zeroPeephole;
    private final INDArray denseW;
    private final INDArray denseB;
    private final int units;

    /**
     * Whether this forward pass computes exactly what {@code net} does: flat head, LSTM layers with
     * sigmoid gates and tanh/relu activation, then a Dense/Output layer with identity activation.
     * Anything else (per-step heads, imported networks with other gate functions) stays on DL4J.
     */
    public static boolean supports(ModelSpec spec, MultiLayerNetwork net) {
        return supports(spec, net, Kernel.LAYER);
    }

    /** As {@link #supports(ModelSpec, MultiLayerNetwork)}, for one kernel (lstmBlock: tanh only). */
    public static boolean supports(ModelSpec spec, MultiLayerNetwork net, Kernel kernel) {
        if (spec.head() != Head.FLAT || spec.layers() < 1) return false;
        if (kernel == Kernel.BLOCK && !spec.activation().equals("tanh")) return false;
        var confs = net.getLayerWiseConfigurations();
        if (confs.getConfs().size() != spec.layers() + 1) return false;
        for (int l = 0; l < spec.layers(); l++) {
            var layer = confs.getConf(l).getLayer();
            if (layer instanceof org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep w) layer = w.getUnderlying();
            if (!(layer instanceof org.deeplearning4j.nn.conf.layers.LSTM lstm)) return false;
            if (!(lstm.getGateActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationSigmoid)) return false;
            var act = lstm.getActivationFn();
            boolean tanh = act instanceof org.nd4j.linalg.activations.impl.ActivationTanH;
            boolean relu = act instanceof org.nd4j.linalg.activations.impl.ActivationReLU;
            if (!(tanh && spec.activation().equals("tanh") || relu && spec.activation().equals("relu"))) return false;
            if (lstm.getNOut() != spec.units()) return false;
        }
        var out = confs.getConf(spec.layers()).getLayer();
        return out instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer ff
                && ff.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationIdentity
                && (out instanceof org.deeplearning4j.nn.conf.layers.OutputLayer || out instanceof org.deeplearning4j.nn.conf.layers.DenseLayer);
    }

    public FusedLstmForward(ModelSpec spec, MultiLayerNetwork net) {
        this(spec, net, Kernel.BLOCK);
    }

    public FusedLstmForward(ModelSpec spec, MultiLayerNetwork net, Kernel kernel) {
        this(spec, net, kernel, kernel == Kernel.BLOCK ? DL4J_BLOCK_FOR_LSTM_BLOCK : DL4J_BLOCK_FOR_LIBND4J);
    }

    FusedLstmForward(ModelSpec spec, MultiLayerNetwork net, Kernel kernel, int[] blockOrder) {
        if (kernel == Kernel.JAVA) throw new IllegalArgumentException("JAVA is JavaLstmForward, not a libnd4j op");
        if (!supports(spec, net, kernel)) {
            throw new IllegalArgumentException("the fused forward pass (" + kernel + ") does not cover this network: " + spec);
        }
        this.kernel = kernel;
        int layers = spec.layers();
        int u = spec.units();
        this.units = u;
        LSTMActivations act = spec.activation().equals("relu") ? LSTMActivations.RELU : LSTMActivations.TANH;
        lstm = new LSTMLayerWeights[layers];
        configs = new LSTMLayerConfig[layers];
        blockW = new INDArray[layers];
        blockB = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            Layer layer = net.getLayer(l);
            INDArray w = reorder(layer.getParam("W"), u, blockOrder);
            INDArray rw = reorder(layer.getParam("RW"), u, blockOrder);
            INDArray b = reorder(layer.getParam("b"), u, blockOrder).reshape(4L * u);
            if (kernel == Kernel.BLOCK) {
                blockW[l] = Nd4j.vstack(w, rw).dup('c');
                blockB[l] = b;
                continue;
            }
            lstm[l] = LSTMLayerWeights.builder().iWeights(w).irWeights(rw).iBias(b).build();
            boolean last = l == layers - 1;
            configs[l] = LSTMLayerConfig.builder()
                    .lstmdataformat(LSTMDataFormat.NST)          // [batch, channels, time]: DL4J's NCW
                    .directionMode(LSTMDirectionMode.FWD)
                    .gateAct(LSTMActivations.SIGMOID)
                    .cellAct(act)
                    .outAct(act)
                    .retFullSequence(!last)
                    .retLastH(last)
                    .retLastC(false)
                    .build();
        }
        zeroPeephole = Nd4j.zeros(net.getLayer(0).getParam("b").dataType(), u);
        Layer out = net.getLayer(layers);
        denseW = out.getParam("W").dup();
        denseB = out.getParam("b").dup();
    }

    public Kernel kernel() {
        return kernel;
    }

    private static INDArray reorder(INDArray p, int u, int[] blockOrder) {
        INDArray[] blocks = new INDArray[4];
        for (int k = 0; k < 4; k++) {
            int from = blockOrder[k];
            blocks[k] = p.get(NDArrayIndex.all(), NDArrayIndex.interval((long) from * u, (long) (from + 1) * u));
        }
        return Nd4j.hstack(blocks).dup('c');
    }

    /**
     * x: [batch, channels, time] (network space) -> [batch, H*C]. The caller owns (and closes) x and the
     * result; the layers' outputs in between are closed here.
     */
    public INDArray output(INDArray x) {
        return kernel == Kernel.BLOCK ? outputBlock(x) : outputLayer(x);
    }

    private INDArray outputBlock(INDArray x) {
        INDArray h = x;
        long batch = x.size(0);
        long steps = x.size(2);
        INDArray maxLength = Nd4j.scalar(steps);
        try {
            for (int l = 0; l < blockW.length; l++) {
                INDArray c0 = Nd4j.zeros(x.dataType(), batch, units);
                INDArray h0 = Nd4j.zeros(x.dataType(), batch, units);
                INDArray[] outs = new INDArray[LSTM_BLOCK_OUTPUTS];
                for (int k = 0; k < outs.length; k++) outs[k] = Nd4j.createUninitialized(x.dataType(), batch, units, steps);
                DynamicCustomOp op = new DynamicCustomOp("lstmBlock",
                        new INDArray[] {maxLength, h, c0, h0, blockW[l], zeroPeephole, zeroPeephole, zeroPeephole, blockB[l]},
                        outs);
                op.addIArgument(0, LSTM_BLOCK_NST);   // no peepholes; data format
                op.addTArgument(0.0, 0.0);             // forget bias added by the op: none (DL4J's is in b); no cell clipping
                try {
                    Nd4j.exec(op);
                } catch (RuntimeException e) {
                    for (INDArray o : outs) ForecastModel.free(o);
                    throw e;
                } finally {
                    ForecastModel.free(c0);
                    ForecastModel.free(h0);
                }
                for (int k = 0; k < outs.length - 1; k++) ForecastModel.free(outs[k]);
                if (h != x) ForecastModel.free(h);
                h = outs[outs.length - 1];
            }
            INDArray last = h.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(steps - 1));
            return last.mmul(denseW).addiRowVector(denseB);
        } finally {
            if (h != x) ForecastModel.free(h);
            ForecastModel.free(maxLength);
        }
    }

    private INDArray outputLayer(INDArray x) {
        INDArray h = x;
        long batch = x.size(0);
        try {
            for (int l = 0; l < lstm.length; l++) {
                LSTMLayerConfig c = configs[l];
                // libnd4j's inputs: x, Wx, Wr, b; the flags say: biases yes, no sequence lengths, no initial
                // h/c, no peepholes; then which outputs. (M2.1's INDArray constructor of LSTMLayer passes
                // the inputs in the wrong order, so the op is assembled here with the class's own i/t args.)
                LSTMLayer proto = new LSTMLayer(x, null, null, null, lstm[l], c);
                INDArray out = c.isRetLastH() ? Nd4j.createUninitialized(x.dataType(), batch, units)
                        : Nd4j.createUninitialized(x.dataType(), batch, units, x.size(2));
                DynamicCustomOp op = new DynamicCustomOp("lstmLayer",
                        new INDArray[] {h, lstm[l].getIWeights(), lstm[l].getIrWeights(), lstm[l].getIBias()},
                        new INDArray[] {out});
                op.addIArgument(proto.iArgs());
                op.addTArgument(proto.tArgs());
                op.addBArgument(true, false, false, false, false, c.isRetFullSequence(), c.isRetLastH(), false);
                try {
                    Nd4j.exec(op);
                } catch (RuntimeException e) {
                    ForecastModel.free(out);
                    throw e;
                }
                if (h != x) ForecastModel.free(h);
                h = out;
            }
            return h.mmul(denseW).addiRowVector(denseB);
        } finally {
            if (h != x) ForecastModel.free(h); // the last layer's output, once the Dense layer has read it
        }
    }
}

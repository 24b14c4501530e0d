package io.streamcast.models;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The flat head's forward pass (stacked LSTMs, last step, Dense) on the Java heap: the weights are
 * copied once into float arrays, and each call runs in plain loops the JIT vectorises, with no
 * native call, no native buffer and no op setup per batch. At the small batches a streaming job
 * cuts (a few windows per call at moderate rates) it is 2-8x libnd4j's lstmBlock op (BENCHMARKS.md,
 * "The flat head's forward pass"); and no native allocation means nothing to leak.
 *
 * <p>The same network as {@link FusedLstmForward#supports}: LSTM layers with sigmoid gates and a tanh or
 * relu activation, then an identity Dense/Output layer. DL4J's parameter layout is kept: W [nIn, 4n],
 * RW [n, 4n], b [4n], gate blocks [block input (activation), forget, output, input gate];
 * c = f*c' + i*a, h = o*act(c). tanh and the sigmoid are a rational approximation within 4e-7 of the
 * exact functions; outputs stay within 1e-5 of DL4J's (JavaLstmForwardTest).
 *
 * <p>Not thread-safe: each instance reuses its scratch arrays (one per operator instance, as the model is).
 */
public final class JavaLstmForward {
    private final int units;
    private final int nIn;
    private final int nOut;
    private final boolean relu;
    /**
     * Per layer, one array per row: w[l][k][j]. Rows as separate arrays, not offsets into one: C2 vectorises
     * {@code y[j] += a * row[j]} but not {@code y[j] += a * m[from + j]}, where it cannot rule out that y
     * and m are one array (measured ~6x on JDK 17).
     */
    private final float[][][] w;
    private final float[][][] rw;
    private final float[][] b;
    /** [n][nOut]. */
    private final float[][] denseW;
    private final float[] denseB;

    /** Windows run together: each weight row is read once per group, from L1, instead of once per window. */
    static final int GROUP = 8;

    // Scratch per window of a group, reused between calls (sequences grown to the longest seen).
    private final float[][] z = new float[GROUP][];
    private final float[][] h = new float[GROUP][];
    private final float[][] c = new float[GROUP][];
    private final float[][] seqIn = new float[GROUP][0];
    private final float[][] seqOut = new float[GROUP][0];

    public JavaLstmForward(ModelSpec spec, MultiLayerNetwork net) {
        if (!FusedLstmForward.supports(spec, net, FusedLstmForward.Kernel.JAVA)) {
            throw new IllegalArgumentException("the Java forward pass does not cover this network: " + spec);
        }
        int layers = spec.layers();
        units = spec.units();
        nIn = spec.networkInputs();
        relu = spec.activation().equals("relu");
        w = new float[layers][][];
        rw = new float[layers][][];
        b = new float[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = net.getLayer(l).getParam("W").toFloatMatrix();
            rw[l] = net.getLayer(l).getParam("RW").toFloatMatrix();
            b[l] = rowMajor(net.getLayer(l).getParam("b"));
        }
        INDArray outW = net.getLayer(layers).getParam("W");
        nOut = (int) outW.size(1);
        denseW = outW.toFloatMatrix();
        denseB = rowMajor(net.getLayer(layers).getParam("b"));
        for (int g = 0; g < GROUP; g++) {
            z[g] = new float[4 * units];
            h[g] = new float[units];
            c[g] = new float[units];
        }
    }

    private static float[] rowMajor(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    /**
     * @param x     {@code rows} windows as [rows, nIn, steps] (DL4J's NCW, row-major), in network space
     * @param rows  how many windows of x to run
     * @param steps time steps per window
     * @return rows x the Dense layer's outputs (H*C_out for a forecast network)
     */
    public float[][] output(float[] x, int rows, int steps) {
        if (x.length < rows * nIn * steps) {
            throw new IllegalArgumentException("input holds " + x.length + " values, " + rows + " windows of "
                    + nIn + "x" + steps + " need " + rows * nIn * steps);
        }
        int widest = Math.max(nIn, units) * steps;
        if (seqIn[0].length < widest) {
            for (int g = 0; g < GROUP; g++) {
                seqIn[g] = new float[widest];
                seqOut[g] = new float[widest];
            }
        }
        float[][] out = new float[rows][];
        for (int first = 0; first < rows; first += GROUP) group(x, first, Math.min(GROUP, rows - first), steps, out);
        return out;
    }

    /** Windows first..first+count-1 through every layer; each last hidden state through the Dense layer. */
    private void group(float[] x, int first, int count, int steps, float[][] out) {
        float[][] in = seqIn;
        float[][] spare = seqOut;
        for (int g = 0; g < count; g++) {
            // time-major copy of the input: each step's inputs contiguous
            int offset = (first + g) * nIn * steps;
            for (int k = 0; k < nIn; k++) {
                for (int t = 0; t < steps; t++) in[g][t * nIn + k] = x[offset + k * steps + t];
            }
        }
        int width = nIn;
        for (int l = 0; l < w.length; l++) {
            boolean last = l == w.length - 1;
            layer(l, in, width, steps, count, last ? null : spare);
            if (!last) {
                float[][] t = in;
                in = spare;
                spare = t;
                width = units;
            }
        }
        for (int g = 0; g < count; g++) out[first + g] = denseB.clone();
        multiplyAdd(out, first, denseW, h, 0, units, nOut, count);
    }

    /** One LSTM layer over time-major sequences; the hidden states to {@code seq} (null: only the last, in h). */
    private void layer(int l, float[][] in, int width, int steps, int count, float[][] seq) {
        int n = units;
        int gates = 4 * n;
        float[][] wl = w[l];
        float[][] rwl = rw[l];
        for (int g = 0; g < count; g++) {
            java.util.Arrays.fill(h[g], 0f);
            java.util.Arrays.fill(c[g], 0f);
        }
        for (int t = 0; t < steps; t++) {
            for (int g = 0; g < count; g++) System.arraycopy(b[l], 0, z[g], 0, gates);
            int base = t * width;
            multiplyAdd(z, 0, wl, in, base, width, gates, count);
            if (t > 0) multiplyAdd(z, 0, rwl, h, 0, n, gates, count); // h is 0 at t = 0: nothing to add
            for (int g = 0; g < count; g++) {
                gates(z[g], c[g], h[g]);
                if (seq != null) System.arraycopy(h[g], 0, seq[g], t * n, n);
            }
        }
    }

    /**
     * The gate activations of one window's step, c = f*c' + i*act(a) and h = o*act(c), in place in z
     * (gate blocks [a, f, o, i]). Copying f, o and i out to arrays of their own first, so that every
     * loop reads one index only, measured no faster.
     */
    private void gates(float[] zg, float[] cg, float[] hg) {
        int n = units;
        for (int k = n; k < 4 * n; k++) zg[k] = sigmoid(zg[k]);
        if (relu) {
            for (int k = 0; k < n; k++) {
                float cell = zg[n + k] * cg[k] + zg[3 * n + k] * Math.max(0f, zg[k]);
                cg[k] = cell;
                hg[k] = zg[2 * n + k] * Math.max(0f, cell);
            }
        } else {
            for (int k = 0; k < n; k++) zg[k] = tanh(zg[k]);
            for (int k = 0; k < n; k++) {
                float cell = zg[n + k] * cg[k] + zg[3 * n + k] * zg[k];
                cg[k] = cell;
                hg[k] = zg[2 * n + k] * tanh(cell);
            }
        }
    }

    /**
     * For each window g &lt; windows: ys[at + g][0..len) += sum over k &lt; count of xs[g][from + k] * rows[k][0..len).
     * Four rows per pass over y: a pass loads and stores y once for four multiply-adds per element, where
     * one row per pass is bound by moving y through L1 (a load and a store per multiply-add). The four
     * rows serve every window of the group while they are in L1.
     */
    private static void multiplyAdd(float[][] ys, int at, float[][] rows, float[][] xs, int from, int count, int len, int windows) {
        int k = 0;
        for (; k + 4 <= count; k += 4) {
            float[] r0 = rows[k];
            float[] r1 = rows[k + 1];
            float[] r2 = rows[k + 2];
            float[] r3 = rows[k + 3];
            for (int g = 0; g < windows; g++) {
                float[] x = xs[g];
                axpy4(ys[at + g], r0, r1, r2, r3, x[from + k], x[from + k + 1], x[from + k + 2], x[from + k + 3], len);
            }
        }
        for (; k < count; k++) {
            for (int g = 0; g < windows; g++) axpy(ys[at + g], rows[k], xs[g][from + k], len);
        }
    }

    /** The loop shapes C2 turns into vector instructions: one index over arrays of their own. */
    private static void axpy4(float[] y, float[] r0, float[] r1, float[] r2, float[] r3,
                              float a0, float a1, float a2, float a3, int len) {
        for (int j = 0; j < len; j++) y[j] += a0 * r0[j] + a1 * r1[j] + a2 * r2[j] + a3 * r3[j];
    }

    private static void axpy(float[] y, float[] row, float a, int len) {
        for (int j = 0; j < len; j++) y[j] += a * row[j];
    }

    static float sigmoid(float v) {
        return 0.5f + 0.5f * tanh(0.5f * v);
    }

    // tanh(x) ~ x * P(x^2) / Q(x^2) on [-9, 9] (tools/activations/fit_tanh.py 9 5 5); beyond, tanh is
    // 1 to float precision. Within 4e-7 of tanh over all floats, evaluated in float as below.
    private static final float P0 = 0.9999998807907104f;
    private static final float P1 = 0.1337321549654007f;
    private static final float P2 = 0.0034866032656282187f;
    private static final float P3 = 2.0472178221098147e-05f;
    private static final float P4 = 1.3184701330715143e-08f;
    private static final float Q1 = 0.46706512570381165f;
    private static final float Q2 = 0.025842061266303062f;
    private static final float Q3 = 0.0003271420137025416f;
    private static final float Q4 = 7.702859647906735e-07f;
    private static final float CLAMP = 9f;

    /**
     * tanh from multiplies, adds, one divide, min and max, all of which C2 vectorises; Math.exp and
     * Math.tanh it does not (JDK 17), and through them the gate activations took a third of the pass.
     */
    static float tanh(float v) {
        float x = Math.max(-CLAMP, Math.min(CLAMP, v));
        float s = x * x;
        float p = (((P4 * s + P3) * s + P2) * s + P1) * s + P0;
        float q = (((Q4 * s + Q3) * s + Q2) * s + Q1) * s + 1f;
        return x * p / q;
    }
}

package io.streamcast.models;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A plain-Java forward pass of the networks {@link Networks} builds, written from DL4J's LSTM source
 * (LSTMHelpers.activateHelper): params W [nIn, 4n], RW [n, 4n], b [1, 4n]; gate blocks in the order
 * block input (layer activation), forget, output, input gate (sigmoid); no peepholes;
 * c = f*c' + i*a, h = o*act(c). Computed in double, independent of ND4J's kernels.
 */
final class ReferenceLstm {
    private final ModelSpec spec;
    private final double[][][] w;   // [layer][nIn][4n]
    private final double[][][] rw;  // [layer][n][4n]
    private final double[][] b;     // [layer][4n]
    private final double[][] outW;  // [units][nOut]
    private final double[] outB;
    // Running state for step-by-step use.
    private double[][] h;
    private double[][] c;

    ReferenceLstm(ModelSpec spec, MultiLayerNetwork net) {
        this.spec = spec;
        int layers = spec.layers();
        w = new double[layers][][];
        rw = new double[layers][][];
        b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = matrix(net.getParam(l + "_W"));
            rw[l] = matrix(net.getParam(l + "_RW"));
            b[l] = matrix(net.getParam(l + "_b"))[0];
        }
        outW = matrix(net.getParam(layers + "_W"));
        outB = matrix(net.getParam(layers + "_b"))[0];
        reset();
    }

    private static double[][] matrix(INDArray a) {
        if (a.rank() == 1) a = a.reshape(1, a.length()); // biases are vectors in DL4J M2
        double[][] m = new double[(int) a.size(0)][(int) a.size(1)];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) m[i][j] = a.getDouble(i, j);
        }
        return m;
    }

    void reset() {
        h = new double[spec.layers()][spec.units()];
        c = new double[spec.layers()][spec.units()];
    }

    /** One time step through all LSTM layers (state kept); returns the top layer's hidden state. */
    double[] step(double[] x) {
        int n = spec.units();
        double[] in = x;
        for (int l = 0; l < spec.layers(); l++) {
            double[] z = b[l].clone();
            for (int j = 0; j < 4 * n; j++) {
                for (int i = 0; i < in.length; i++) z[j] += in[i] * w[l][i][j];
                for (int i = 0; i < n; i++) z[j] += h[l][i] * rw[l][i][j];
            }
            double[] hn = new double[n];
            for (int k = 0; k < n; k++) {
                double a = act(z[k]);
                double f = sigmoid(z[n + k]);
                double o = sigmoid(z[2 * n + k]);
                double ig = sigmoid(z[3 * n + k]);
                c[l][k] = f * c[l][k] + ig * a;
                hn[k] = o * act(c[l][k]);
            }
            h[l] = hn;
            in = hn;
        }
        return in;
    }

    /** The dense output layer on a hidden state. */
    double[] dense(double[] hidden) {
        double[] y = outB.clone();
        for (int j = 0; j < y.length; j++) {
            for (int i = 0; i < hidden.length; i++) y[j] += hidden[i] * outW[i][j];
        }
        return y;
    }

    private double act(double v) {
        return spec.activation().equals("relu") ? Math.max(0, v) : Math.tanh(v);
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}

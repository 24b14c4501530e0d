package io.streamcast.models;

import java.nio.file.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A loaded model bundle ready to forecast: raw windows in, raw forecasts out.
 *
 * <p>Windows are {@code float[T*C]} time-major (step, then input channel); forecasts {@code float[H*C_out]}
 * step-major (step, then target channel). Inside, windows are z-scored with the bundle's {@link Normalizer},
 * optionally shifted by the window's own level, packed as DL4J's {@code [batch, channels, time]}, and the
 * network's output is shifted back and de-normalised with its target channel's statistics. A network whose
 * output layer is not linear (an imported sigmoid/softmax head) gives probabilities or scores: those are
 * passed through as they are.
 *
 * <p>A channel-independent model ({@link ModelSpec#channelIndependent()}) runs each target channel of each window
 * as its own row through the network ({@code [B*C_out, 1, T]} in, {@code [B*C_out, H]} out) and regroups the rows
 * into the same step-major forecasts, so callers see no difference.
 *
 * <p>Not thread-safe: one instance per thread (a DL4J network keeps per-call state, the per-step roll-out
 * keeps LSTM state between steps, and the input buffers are reused between calls).
 */
public final class ForecastModel implements AutoCloseable {
    private final Manifest manifest;
    private final ModelSpec spec;
    private final Normalizer normalizer;
    private final MultiLayerNetwork network;
    private final int steps;
    private final int channels;
    private final int horizon;
    /** Network input rows per window: C_out for a channel-independent model, else 1. */
    private final int rowsPerWindow;
    /** For each output channel, its input channel (its normaliser statistics and window offset). */
    private final int[] targets;
    /** Sigmoid/softmax output layer (imported classifier): the network's values are the forecast, unscaled. */
    private final boolean passThrough;
    /**
     * Flat head with -Dstreamcast.inference.fused=block or =layer: one native op per LSTM layer instead of
     * DL4J's per-step ops (identical outputs); lstmLayer leaks native memory per call. =false keeps DL4J's own pass.
     */
    private final FusedLstmForward fused;
    /** Flat head on the Java heap (the default): no native call per batch. */
    private final JavaLstmForward heap;

    // Reused between calls (grown when a bigger batch arrives).
    private float[] packed = new float[0];
    private float[] zWindow;
    private float[][] offsets = new float[0][];

    private ForecastModel(Manifest manifest, MultiLayerNetwork network, boolean mayFuse) {
        this.manifest = manifest;
        this.spec = manifest.spec();
        this.normalizer = manifest.normalizer();
        this.network = network;
        this.steps = spec.window();
        this.channels = spec.channelCount();
        this.horizon = spec.horizon();
        this.targets = spec.targetIndices();
        this.rowsPerWindow = spec.channelIndependent() ? targets.length : 1;
        this.passThrough = classifierOutput(network);
        this.zWindow = new float[steps * channels];
        // only for loaded bundles: the fused pass copies the weights, a wrapped network may still be training
        FusedLstmForward.Kernel kernel = FusedLstmForward.Kernel.fromProperty(System.getProperty(FUSED_PROPERTY));
        boolean fuse = mayFuse && kernel != null && FusedLstmForward.supports(spec, network, kernel);
        this.heap = fuse && kernel == FusedLstmForward.Kernel.JAVA ? new JavaLstmForward(spec, network) : null;
        this.fused = fuse && heap == null ? new FusedLstmForward(spec, network, kernel) : null;
    }

    /** A sigmoid or softmax output layer gives probabilities, which no channel's statistics scale. */
    private static boolean classifierOutput(MultiLayerNetwork network) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        Layer out = conf.getConf(conf.getConfs().size() - 1).getLayer();
        return out instanceof BaseLayer b
                && (b.getActivationFn() instanceof ActivationSigmoid || b.getActivationFn() instanceof ActivationSoftmax);
    }

    /** Whether outputs are passed through without de-normalisation (a sigmoid/softmax head). */
    public boolean passThrough() {
        return passThrough;
    }

    /**
     * System property choosing the flat head's forward pass: {@code java} (default, {@link JavaLstmForward}),
     * {@code block} (libnd4j lstmBlock, tanh LSTMs), {@code layer} (libnd4j lstmLayer: leaks native memory
     * per call in 1.0.0-M2.1, so not for long-running jobs) or {@code false} (DL4J's own pass).
     */
    public static final String FUSED_PROPERTY = "streamcast.inference.fused";

    /** Loads and verifies a bundle directory (checksum, spec, shapes, finite output on a probe window). */
    public static ForecastModel load(Path bundleDir) throws BundleException {
        ModelBundle bundle = ModelBundle.read(bundleDir);
        ForecastModel model = new ForecastModel(bundle.manifest(), bundle.network(), true);
        model.probe(bundleDir);
        return model;
    }

    /**
     * Wraps a network that is not (yet) a bundle, e.g. during training. The network must match the spec
     * (see {@link ModelBundle}); it is used, not copied.
     */
    public static ForecastModel of(Manifest manifest, MultiLayerNetwork network) {
        ModelBundle.checkShapes(manifest, network.getLayerWiseConfigurations());
        return new ForecastModel(manifest, network, false);
    }

    /** A window at the training means must give a finite forecast; NaN/Inf weights would not. */
    private void probe(Path dir) throws BundleException {
        float[] window = new float[spec.inputLength()];
        float[] mean = normalizer.mean();
        for (int i = 0; i < window.length; i++) window[i] = mean[i % channels];
        float[] f = predict(new float[][] {window})[0];
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) {
                throw new BundleException(dir.resolve(ModelBundle.NETWORK_FILE)
                        + ": the network gives a non-finite forecast (" + f[i] + " at output " + i + ") on a probe window");
            }
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    public Normalizer normalizer() {
        return normalizer;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The bundle's calibrated prediction intervals, or null. */
    public Intervals intervals() {
        return manifest.intervals();
    }

    /** The model's name from its manifest. */
    public String name() {
        return manifest.name();
    }

    /** The store version the bundle was published as ("dev" when it was never published). */
    public String version() {
        return manifest.version();
    }

    /** Whether flat-head forecasts use {@link JavaLstmForward} or {@link FusedLstmForward} (else DL4J's own forward pass). */
    public boolean fusedForward() {
        return fused != null || heap != null;
    }

    /** The flat head's forward pass, or null on DL4J's own pass. */
    public FusedLstmForward.Kernel fusedKernel() {
        return heap != null ? FusedLstmForward.Kernel.JAVA : fused == null ? null : fused.kernel();
    }

    /** The underlying DL4J network (for tests and importers; not thread-safe). */
    public MultiLayerNetwork network() {
        return network;
    }

    /**
     * Forecasts a batch of windows.
     *
     * @param windows B windows, each T*C raw values, time-major (step, then channel)
     * @return B forecasts, each H*C_out raw values, step-major (step, then target channel)
     */
    public float[][] predict(float[][] windows) {
        int batch = windows.length;
        if (batch == 0) return new float[0][];
        ensureCapacity(batch);
        for (int b = 0; b < batch; b++) {
            float[] w = windows[b];
            checkLength(w, b);
            normalizer.normalizeWindow(w, zWindow);
            normalizer.windowOffset(zWindow, steps, offsets[b]);
            pack(b, zWindow, offsets[b]);
        }
        float[][] out = forecastNetworkSpace(batch);
        if (passThrough) return out;
        int cOut = targets.length;
        for (int b = 0; b < batch; b++) {
            float[] o = out[b];
            float[] off = offsets[b];
            for (int i = 0; i < o.length; i++) {
                int c = targets[i % cOut];
                o[i] = normalizer.denormalize(c, o[i] + off[c]);
            }
        }
        return out;
    }

    /**
     * The network's own output for already-normalised inputs, in Keras layout (no normaliser, no per-window
     * offset, no roll-out, no de-normalisation): flat head {@code [B][H*C_out]}; per-step head {@code [B][T*C_out]} time-major
     * (output t is the step-t output of the RnnOutputLayer).
     *
     * @param windows B windows, each T*C normalised values, time-major
     */
    public float[][] predictRaw(float[][] windows) {
        int batch = windows.length;
        if (batch == 0) return new float[0][];
        ensureCapacity(batch);
        for (int b = 0; b < batch; b++) {
            float[] w = windows[b];
            checkLength(w, b);
            pack(b, w, null);
        }
        INDArray x = input(batch);
        INDArray y = null;
        try {
            y = network.output(x, false);
            return spec.head() == Head.FLAT ? perWindow(y.toFloatMatrix(), batch) : sequenceTimeMajor(y, batch, steps);
        } finally {
            free(y);
            free(x);
        }
    }

    /**
     * Writes window b (time-major, minus the per-channel offset if any) into the [B, C, T] buffer, or, channel
     * independent, its target channels into rows b*C_out..b*C_out+C_out-1 of the [B*C_out, 1, T] buffer.
     */
    private void pack(int b, float[] timeMajor, float[] offset) {
        if (spec.channelIndependent()) {
            for (int k = 0; k < targets.length; k++) {
                int c = targets[k];
                int base = (b * targets.length + k) * steps;
                float off = offset == null ? 0f : offset[c];
                for (int t = 0; t < steps; t++) packed[base + t] = timeMajor[t * channels + c] - off;
            }
            return;
        }
        int base = b * channels * steps;
        for (int t = 0; t < steps; t++) {
            for (int c = 0; c < channels; c++) {
                packed[base + c * steps + t] = timeMajor[t * channels + c] - (offset == null ? 0f : offset[c]);
            }
        }
    }

    /**
     * Packs the first {@code batch} windows of the buffer as [B, C, T] (channel-independent: [B*C_out, 1, T]); for a
     * linear model (0 layers) the same values as [B, C*T].
     */
    private INDArray input(int batch) {
        int rows = batch * rowsPerWindow;
        int width = spec.networkInputs();
        int length = rows * width * steps;
        float[] data = packed.length == length ? packed : java.util.Arrays.copyOf(packed, length);
        return Nd4j.create(data, spec.layers() == 0 ? new long[] {rows, (long) width * steps} : new long[] {rows, width, steps}, 'c');
    }

    /** Channel-independent: rows [B*C_out][H] -> forecasts [B][H*C_out], step-major; else the rows as they are. */
    private float[][] perWindow(float[][] rows, int batch) {
        if (!spec.channelIndependent()) return rows;
        int cOut = targets.length;
        float[][] out = new float[batch][horizon * cOut];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < cOut; k++) {
                float[] r = rows[b * cOut + k];
                for (int h = 0; h < horizon; h++) out[b][h * cOut + k] = r[h];
            }
        }
        return out;
    }

    /** Forecast in the network's (normalised, offset) space, step-major [B][H*C_out]. */
    private float[][] forecastNetworkSpace(int batch) {
        if (heap != null) return perWindow(heap.output(packed, batch * rowsPerWindow, steps), batch);
        INDArray x = input(batch);
        try {
            return forecastNetworkSpace(x, batch);
        } finally {
            free(x);
        }
    }

    private float[][] forecastNetworkSpace(INDArray x, int batch) {
        if (spec.head() == Head.FLAT) {
            INDArray y = fused != null ? fused.output(x) : network.output(x, false);
            try {
                return perWindow(fused != null ? rows(y) : y.toFloatMatrix(), batch);
            } finally {
                free(y);
            }
        }
        if (spec.perStepTarget() == PerStepTarget.ALIGNED) {
            // Output t of one pass is trained to be step T+t (H == T).
            INDArray y = network.output(x, false);
            try {
                return sequenceTimeMajor(y, batch, horizon);
            } finally {
                free(y);
            }
        }
        // NEXT (targets = all inputs, in order): output t predicts step t+1. Run the window once keeping the LSTM state; the last output is
        // step T+1. Then feed each prediction back, one step at a time (no re-run of the whole window).
        float[][] out = new float[batch][horizon * channels];
        try {
            network.rnnClearPreviousState();
            float[] last = lastStepFreed(network.rnnTimeStep(x), batch);
            for (int h = 0; ; h++) {
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(last, b * channels, out[b], h * channels, channels);
                }
                if (h == horizon - 1) break;
                INDArray next = Nd4j.create(last, new long[] {batch, channels, 1}, 'c');
                try {
                    last = lastStepFreed(network.rnnTimeStep(next), batch);
                } finally {
                    free(next);
                }
            }
        } finally {
            network.rnnClearPreviousState();
        }
        return out;
    }

    /**
     * [B, W] -> B rows with one bulk copy out of native memory: {@code toFloatMatrix()} took ~18% of a
     * batch of 256 on the reference model (measured with bench inference --jfr).
     */
    private static float[][] rows(INDArray y) {
        int batch = (int) y.size(0);
        int width = (int) y.size(1);
        INDArray c = y.ordering() == 'c' && !y.isView() ? y : y.dup('c');
        float[] all;
        try {
            all = c.data().asFloat();
        } finally {
            if (c != y) free(c);
        }
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) out[b] = java.util.Arrays.copyOfRange(all, b * width, (b + 1) * width);
        return out;
    }

    /** {@link #lastStep} of an array this call owns, which it frees. */
    private float[] lastStepFreed(INDArray y, int batch) {
        try {
            return lastStep(y, batch);
        } finally {
            free(y);
        }
    }

    /**
     * Frees an array's native buffer now. ND4J frees it otherwise only when the Java object is collected;
     * per-batch arrays left to the collector grew the TaskManager's native memory (malloc arenas) by
     * ~0.6-0.9 GiB per million forecasts (BENCHMARKS.md, soak). Arrays in a workspace or views are
     * not closeable and are left alone.
     */
    static void free(INDArray a) {
        if (a != null && a.closeable()) a.close();
    }

    /** [B, C, time] -> the last time step as [B*C] (batch, then channel). */
    private float[] lastStep(INDArray y, int batch) {
        long t = y.size(2) - 1;
        float[] out = new float[batch * channels];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) out[b * channels + c] = y.getFloat(b, c, t);
        }
        return out;
    }

    /** [B, C, time] -> [B][time*C] time-major, first {@code n} steps. */
    private float[][] sequenceTimeMajor(INDArray y, int batch, int n) {
        int nOut = (int) y.size(1);
        INDArray copy = y.dup('c');
        float[] flat;
        try {
            flat = copy.data().asFloat();
        } finally {
            free(copy);
        }
        int time = (int) y.size(2);
        float[][] out = new float[batch][n * nOut];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < nOut; c++) out[b][t * nOut + c] = flat[(b * nOut + c) * time + t];
            }
        }
        return out;
    }

    private void checkLength(float[] w, int b) {
        if (w == null || w.length != steps * channels) {
            throw new IllegalArgumentException("window " + b + ": expected " + steps + "x" + channels + " = "
                    + (steps * channels) + " values, got " + (w == null ? "null" : w.length));
        }
    }

    private void ensureCapacity(int batch) {
        if (packed.length < batch * channels * steps) packed = new float[batch * channels * steps];
        if (offsets.length < batch) {
            float[][] grown = new float[batch][];
            for (int b = 0; b < batch; b++) grown[b] = b < offsets.length ? offsets[b] : new float[channels];
            offsets = grown;
        }
    }

    @Override
    public void close() {
        network.close();
    }
}

package io.streamcast.models.keras;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.models.Head;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import io.streamcast.models.keras.KerasLayers.Dense;
import io.streamcast.models.keras.KerasLayers.Dropout;
import io.streamcast.models.keras.KerasLayers.Input;
import io.streamcast.models.keras.KerasLayers.Layer;
import io.streamcast.models.keras.KerasLayers.Lstm;
import io.streamcast.models.keras.KerasLayers.Reshape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Imports a Keras 2 or Keras 3 LSTM model ({@code .h5} or {@code .keras}) as the DL4J network of one of
 * streamcast's two heads, with Keras's weights:
 *
 * <ul>
 *   <li>flat: {@code LSTM... -> LSTM(return_sequences=False) -> Dense(H*C) [-> Reshape((H, C))]} becomes
 *       LSTM... -> LastTimeStep(LSTM) -> OutputLayer(H*C). The Dense output is already step-major (step, then
 *       channel), which is what the Reshape to (H, C) means.
 *   <li>per-step: {@code LSTM...(return_sequences=True) -> TimeDistributed(Dense(C))} (or a Dense on the
 *       sequence, which Keras also applies per step) becomes LSTM... -> RnnOutputLayer(C).
 * </ul>
 *
 * <p>Weights: a Keras LSTM keeps {@code kernel [nIn, 4u]}, {@code recurrent_kernel [u, 4u]} and
 * {@code bias [4u]} with the four gate blocks in the order input, forget, cell (block input), output; DL4J's
 * LSTM has the same matrices ({@code W}, {@code RW}, {@code b}) with the blocks in the order cell, forget,
 * output, input, so the blocks are moved, nothing is transposed. Dense kernels are {@code [nIn, nOut]} on both
 * sides. A missing bias (use_bias=False) becomes zeros. Axes: Keras feeds {@code [batch, time, channels]},
 * DL4J's recurrent layers {@code [batch, channels, time]} (NCW); {@link io.streamcast.models.ForecastModel}
 * does that transposition for every model.
 */
public final class KerasImporter {
    private KerasImporter() {
    }

    /**
     * What the Keras file does not say.
     *
     * @param horizon       H; for flat heads it must agree with the Dense size (null: derived); for per-step
     *                      heads with target next, the roll-out length (null: 1); aligned needs H = T
     * @param perStepTarget what a per-step model was trained to predict (null: next)
     * @param window        T when the Keras input accepts any number of steps (null: from the file)
     * @param channels      channel names (null: c0, c1, ...)
     * @param stepMillis    step interval in milliseconds (0: unknown / count based)
     * @param targets       the input channels the output forecasts, in output order (null: every channel when the
     *                      output has C per step; a one-series output defaults to the first channel, allowed only
     *                      without a normaliser, whose statistics would de-normalise it)
     */
    public record Options(Integer horizon, PerStepTarget perStepTarget, Integer window, List<String> channels,
            long stepMillis, List<String> targets) {
        public Options(Integer horizon, PerStepTarget perStepTarget, Integer window, List<String> channels,
                long stepMillis) {
            this(horizon, perStepTarget, window, channels, stepMillis, null);
        }

        public static Options defaults() {
            return new Options(null, null, null, null, 0L, null);
        }
    }

    /** The imported network, its spec, and the manifest's {@code source} object (what was imported from where). */
    public record Imported(ModelSpec spec, MultiLayerNetwork network, ObjectNode source) {
    }

    /** Reads a Keras file and builds the equivalent DL4J network with Keras's weights. */
    public static Imported read(Path file, Options options) {
        try (KerasFile k = KerasFile.open(file)) {
            KerasLayers.Model model = KerasLayers.parse(k);
            if (k.format() == KerasFile.Format.KERAS3_ZIP) {
                KerasLayers.storeNames(model).forEach(k::storeName);
            }
            return build(k, model, options == null ? Options.defaults() : options);
        } catch (KerasImportException e) {
            throw e;
        } catch (RuntimeException e) {
            if (fromHdfReader(e)) {
                throw new KerasImportException(file + ": cannot read the HDF5 data (corrupt or truncated file?): "
                        + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** A failure inside the HDF5 reader means a bad file; anything else is a bug to report as such. */
    private static boolean fromHdfReader(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (StackTraceElement f : t.getStackTrace()) {
                if (f.getClassName().startsWith("io.jhdf.")) return true;
            }
        }
        return false;
    }

    /**
     * Imports a Keras file into a new bundle directory.
     *
     * @return the manifest as written
     */
    public static Manifest importToBundle(Path file, Path outDir, String name, Normalizer normalizer, Options options)
            throws IOException {
        Imported imp = read(file, options);
        Normalizer norm = normalizer == null ? Normalizer.identity(imp.spec().channelCount()) : normalizer;
        if (norm.channels() != imp.spec().channelCount()) {
            throw new KerasImportException("the normaliser has " + norm.channels() + " channels, the Keras model's input has "
                    + imp.spec().channelCount() + "; give statistics of the data the model was trained on");
        }
        ObjectNode source = imp.source();
        if (normalizer != null && source.path("targetAssumed").asBoolean() && !source.path("passThrough").asBoolean()) {
            throw new KerasImportException(source.path("file").asText() + ": the model forecasts one series and its "
                    + "channel's statistics de-normalise it: name the target with --targets (one of "
                    + imp.spec().channels() + ")");
        }
        source.put("normalization", normalizer == null ? "none (the model sees raw values)" : "given");
        Manifest manifest = Manifest.of(name, imp.spec(), norm).withSource(source);
        return ModelBundle.write(outDir, manifest, imp.network());
    }

    private static Imported build(KerasFile k, KerasLayers.Model model, Options o) {
        String where = k.path().getFileName().toString();
        Input input = model.input();
        List<Lstm> lstms = new ArrayList<>();
        Dense dense = null;
        Reshape reshape = null;
        for (Layer l : model.chain().subList(1, model.chain().size())) {
            String what = where + ": layer '" + l.name() + "' (" + l.className() + ")";
            if (l instanceof Dropout) continue;
            if (l instanceof Lstm lstm) {
                if (dense != null) throw new KerasImportException(what + " after the Dense output layer is not supported");
                if (!lstms.isEmpty() && !lstms.get(lstms.size() - 1).returnSequences()) {
                    throw new KerasImportException(what + ": the LSTM before it does not return sequences");
                }
                lstms.add(lstm);
            } else if (l instanceof Dense d) {
                if (lstms.isEmpty()) {
                    throw new KerasImportException(what + ": streamcast needs LSTM layers before the Dense output layer");
                }
                if (dense != null) {
                    throw new KerasImportException(what + ": a second Dense after '" + dense.name() + "'; streamcast's "
                            + "heads have exactly one Dense output layer after the LSTMs (hidden Dense layers are not supported)");
                }
                dense = d;
            } else if (l instanceof Reshape r) {
                if (dense == null || reshape != null) {
                    throw new KerasImportException(what + ": Reshape is supported only once, right after the Dense output layer");
                }
                reshape = r;
            } else {
                throw new KerasImportException(what + " is not supported here; streamcast imports " + KerasLayers.SUPPORTED);
            }
        }
        if (lstms.isEmpty()) {
            throw new KerasImportException(where + ": no LSTM layer; streamcast imports LSTM models (" + KerasLayers.SUPPORTED + ")");
        }
        Lstm last = lstms.get(lstms.size() - 1);
        if (dense == null) {
            throw new KerasImportException(where + ": the model ends with LSTM '" + last.name()
                    + "'; streamcast needs a Dense output layer after the LSTMs");
        }

        int c = input.channels();
        int window = window(where, input, o);
        Head head = last.returnSequences() ? Head.PER_STEP : Head.FLAT;
        List<String> channels = channelNames(c, o.channels());
        String what = where + ": layer '" + dense.name() + "' (" + dense.className() + ")";
        int units = dense.units();
        List<String> targets;
        boolean targetAssumed = false;
        int horizon;
        PerStepTarget target;
        if (head == Head.FLAT) {
            // Dense(H*C) forecasts every channel; Dense(H*C_out) the named targets; any other size is the classic
            // LSTM -> Dense(n_timesteps): H steps of one series.
            int cOut;
            if (o.targets() != null && !o.targets().isEmpty()) {
                targets = o.targets();
                cOut = targets.size();
                if (units % cOut != 0) {
                    throw new KerasImportException(what + " has " + units + " outputs, not a multiple of the " + cOut
                            + " --targets " + targets);
                }
            } else if (units % c == 0 && (o.horizon() == null || o.horizon() * c == units)) {
                targets = channels;
                cOut = c;
            } else if (o.horizon() != null && units % o.horizon() != 0) {
                throw new KerasImportException(what + " has " + units + " outputs, so the horizon is "
                        + (units % c == 0 ? units / c + " (all " + c + " channels) or " : "") + units
                        + " (one target), not " + o.horizon() + " (drop --horizon)");
            } else if (o.horizon() != null && units / o.horizon() > 1) {
                throw new KerasImportException(what + " has " + units + " = " + o.horizon() + " x " + units / o.horizon()
                        + " outputs: name the " + units / o.horizon() + " target channels with --targets");
            } else {
                targets = List.of(channels.get(0));
                targetAssumed = true;
                cOut = 1;
            }
            horizon = units / cOut;
            if (o.horizon() != null && o.horizon() != horizon) {
                throw new KerasImportException(what + " has " + units + " = " + horizon + " x " + cOut
                        + " outputs for targets " + targets + ", so the horizon is " + horizon + ", not " + o.horizon()
                        + " (drop --horizon)");
            }
            if (reshape != null && !reshape.targetShape().equals(List.of(horizon, cOut))) {
                throw new KerasImportException(where + ": layer '" + reshape.name() + "' (Reshape) to "
                        + reshape.targetShape() + " is not supported: the flat head's Dense output is read step-major "
                        + "as (H, C_out) = (" + horizon + ", " + cOut + "); only Reshape((H, C_out)) is");
            }
            target = o.perStepTarget() == null ? PerStepTarget.NEXT : o.perStepTarget();
        } else {
            if (reshape != null) {
                throw new KerasImportException(where + ": layer '" + reshape.name() + "' (Reshape) after a per-step "
                        + "output is not supported");
            }
            if (o.targets() != null && !o.targets().isEmpty()) {
                targets = o.targets();
                if (units != targets.size()) {
                    throw new KerasImportException(what + " has " + units + " outputs per step, --targets names "
                            + targets.size() + " " + targets);
                }
            } else if (units == c) {
                targets = channels;
            } else if (units == 1) {
                targets = List.of(channels.get(0));
                targetAssumed = true;
            } else {
                throw new KerasImportException(what + " has " + units + " outputs per step, the input has " + c
                        + " channels: name the " + units + " target channels with --targets");
            }
            boolean all = targets.equals(channels);
            // Fewer targets than inputs cannot be fed back as the next input: output t is step T+t (the literal
            // reading of LSTM(return_sequences) -> TimeDistributed(Dense(n)) on a forecasting target).
            target = o.perStepTarget() != null ? o.perStepTarget() : all ? PerStepTarget.NEXT : PerStepTarget.ALIGNED;
            if (target == PerStepTarget.NEXT && !all) {
                throw new KerasImportException(what + " forecasts " + targets + " of the input channels " + channels
                        + "; the 'next' roll-out feeds outputs back as inputs and needs every channel: use "
                        + "--per-step-target aligned");
            }
            if (target == PerStepTarget.ALIGNED) {
                if (o.horizon() != null && o.horizon() != window) {
                    throw new KerasImportException("--per-step-target aligned means H = T = " + window
                            + " (output t is step T+t); drop --horizon " + o.horizon());
                }
                horizon = window;
            } else {
                horizon = o.horizon() == null ? 1 : o.horizon();
            }
        }
        if (horizon < 1) throw new KerasImportException("--horizon must be >= 1, got " + horizon);
        for (String t : targets) {
            if (!channels.contains(t)) {
                throw new KerasImportException("--targets " + t + ": not an input channel " + channels
                        + " (name the channels with --channels)");
            }
        }
        ModelSpec spec;
        try {
            spec = new ModelSpec(window, channels, horizon, head, target, last.units(), lstms.size(),
                    last.activation().name().toLowerCase(Locale.ROOT), o.stepMillis(), targets);
        } catch (IllegalArgumentException e) {
            throw new KerasImportException(where + ": " + e.getMessage());
        }

        MultiLayerNetwork net = network(spec, lstms, dense);
        setWeights(k, net, lstms, dense);
        ObjectNode source = source(k, model, spec, lstms, dense);
        if (targetAssumed) source.put("targetAssumed", true);
        source.put("passThrough", dense.activation() == org.nd4j.linalg.activations.Activation.SIGMOID
                || dense.activation() == org.nd4j.linalg.activations.Activation.SOFTMAX);
        return new Imported(spec, net, source);
    }

    private static int window(String where, Input input, Options o) {
        if (input.window() == null) {
            if (o.window() == null) {
                throw new KerasImportException(where + ": the model's input accepts any number of time steps; "
                        + "give the window length with --window T");
            }
            return o.window();
        }
        if (o.window() != null && !o.window().equals(input.window())) {
            throw new KerasImportException(where + ": the model's input has " + input.window() + " time steps, not "
                    + o.window() + " (drop --window)");
        }
        return input.window();
    }

    private static List<String> channelNames(int c, List<String> given) {
        if (given != null && !given.isEmpty()) {
            if (given.size() != c) {
                throw new KerasImportException("--channels names " + given.size() + " channels, the model's input has " + c);
            }
            return given;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < c; i++) names.add("c" + i);
        return names;
    }

    private static MultiLayerNetwork network(ModelSpec spec, List<Lstm> lstms, Dense dense) {
        int c = spec.channelCount();
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(0)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .list();
        long nIn = c;
        for (int i = 0; i < lstms.size(); i++) {
            Lstm k = lstms.get(i);
            LSTM lstm = new LSTM.Builder()
                    .nIn(nIn)
                    .nOut(k.units())
                    .activation(k.activation())
                    .gateActivationFunction(k.recurrentActivation())
                    .dataFormat(RNNFormat.NCW)
                    .build();
            boolean lastLstm = i == lstms.size() - 1;
            list.layer(spec.head() == Head.FLAT && lastLstm ? new LastTimeStep(lstm) : lstm);
            nIn = k.units();
        }
        LossFunction loss = switch (dense.activation()) {
            case SOFTMAX -> LossFunction.MCXENT;
            case SIGMOID -> LossFunction.XENT;
            default -> LossFunction.MSE;
        };
        if (spec.head() == Head.FLAT) {
            list.layer(new OutputLayer.Builder(loss).nIn(nIn).nOut(dense.units()).activation(dense.activation()).build());
        } else {
            list.layer(new RnnOutputLayer.Builder(loss).nIn(nIn).nOut(dense.units()).activation(dense.activation())
                    .dataFormat(RNNFormat.NCW).build());
        }
        list.setInputType(InputType.recurrent(c, spec.window(), RNNFormat.NCW));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /** Keras gate blocks i, f, c, o -> DL4J c, f, o, i: DL4J block b takes Keras block KERAS_BLOCK[b]. */
    private static final int[] KERAS_BLOCK = {2, 1, 3, 0};

    private static void setWeights(KerasFile k, MultiLayerNetwork net, List<Lstm> lstms, Dense dense) {
        String where = k.path().getFileName().toString();
        long nIn = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) underlying(net, 0)).getNIn();
        for (int i = 0; i < lstms.size(); i++) {
            Lstm l = lstms.get(i);
            int u = l.units();
            List<KerasFile.Weights> w = k.weights(l.name());
            String what = where + ": LSTM '" + l.name() + "'";
            int want = l.useBias() ? 3 : 2;
            if (w.size() != want) {
                throw new KerasImportException(what + " has " + w.size() + " weight arrays, expected " + want
                        + " (kernel, recurrent_kernel" + (l.useBias() ? ", bias)" : ")"));
            }
            checkShape(what, w.get(0), (int) nIn, 4 * u);
            checkShape(what, w.get(1), u, 4 * u);
            put(net, i + "_W", gates(w.get(0).values(), (int) nIn, u));
            put(net, i + "_RW", gates(w.get(1).values(), u, u));
            if (l.useBias()) {
                checkShape(what, w.get(2), 4 * u);
                put(net, i + "_b", gates(w.get(2).values(), 1, u));
            } else {
                net.getParam(i + "_b").assign(0);
            }
            nIn = u;
        }
        int out = lstms.size();
        List<KerasFile.Weights> w = k.weights(dense.name());
        String what = where + ": " + dense.className() + " '" + dense.name() + "'";
        int want = dense.useBias() ? 2 : 1;
        if (w.size() != want) {
            throw new KerasImportException(what + " has " + w.size() + " weight arrays, expected " + want);
        }
        checkShape(what, w.get(0), (int) nIn, dense.units());
        put(net, out + "_W", w.get(0).values());
        if (dense.useBias()) {
            checkShape(what, w.get(1), dense.units());
            put(net, out + "_b", w.get(1).values());
        } else {
            net.getParam(out + "_b").assign(0);
        }
    }

    private static org.deeplearning4j.nn.conf.layers.Layer underlying(MultiLayerNetwork net, int i) {
        org.deeplearning4j.nn.conf.layers.Layer l = net.getLayerWiseConfigurations().getConf(i).getLayer();
        return l instanceof LastTimeStep lts ? lts.getUnderlying() : l;
    }

    private static void checkShape(String what, KerasFile.Weights w, int... shape) {
        if (!java.util.Arrays.equals(w.shape(), shape)) {
            throw new KerasImportException(what + ": weight '" + w.name() + "' has shape " + w.shapeText()
                    + ", expected " + java.util.Arrays.toString(shape));
        }
    }

    /** Moves the four gate blocks of a row-major [rows, 4u] array from Keras's order to DL4J's. */
    static float[] gates(float[] keras, int rows, int u) {
        float[] out = new float[keras.length];
        for (int r = 0; r < rows; r++) {
            int base = r * 4 * u;
            for (int b = 0; b < 4; b++) {
                System.arraycopy(keras, base + KERAS_BLOCK[b] * u, out, base + b * u, u);
            }
        }
        return out;
    }

    /** Copies row-major values into a parameter (whose own view may be in another order). */
    private static void put(MultiLayerNetwork net, String key, float[] values) {
        INDArray p = net.getParam(key);
        if (p.length() != values.length) {
            throw new IllegalStateException(key + ": " + p.length() + " parameters, " + values.length + " values");
        }
        p.assign(Nd4j.create(values, p.shape(), 'c'));
    }

    private static ObjectNode source(KerasFile k, KerasLayers.Model model, ModelSpec spec, List<Lstm> lstms, Dense dense) {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("importer", "keras");
        s.put("file", k.path().getFileName().toString());
        s.put("sha256", sha256(k.path()));
        s.put("format", k.format().id);
        s.put("kerasVersion", k.kerasVersion());
        if (k.backend() != null) s.put("backend", k.backend());
        s.put("modelClass", model.modelClass());
        s.put("modelName", model.modelName());
        s.put("head", spec.head().cliName());
        ArrayNode targets = s.putArray("targets");
        spec.targets().forEach(targets::add);
        if (spec.head() == Head.PER_STEP) s.put("perStepTarget", spec.perStepTarget().cliName());
        s.put("importedAt", Instant.now().toString());
        ArrayNode layers = s.putArray("layers");
        for (Layer l : model.chain()) {
            ObjectNode n = layers.addObject();
            n.put("name", l.name());
            n.put("class", l.className());
            if (l instanceof Input in) {
                n.put("window", in.window() == null ? spec.window() : in.window());
                n.put("channels", in.channels());
            } else if (l instanceof Lstm m) {
                n.put("units", m.units());
                n.put("activation", m.kerasActivation());
                n.put("recurrentActivation", m.kerasRecurrentActivation());
                n.put("useBias", m.useBias());
                n.put("returnSequences", m.returnSequences());
            } else if (l instanceof Dense d) {
                if (d.timeDistributed()) n.put("inner", "Dense");
                n.put("units", d.units());
                n.put("activation", d.kerasActivation());
                n.put("useBias", d.useBias());
            } else if (l instanceof Reshape r) {
                ArrayNode t = n.putArray("targetShape");
                r.targetShape().forEach(t::add);
            }
        }
        return s;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int r;
            while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new KerasImportException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}

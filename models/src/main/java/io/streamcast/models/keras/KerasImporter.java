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
     */
    public record Options(Integer horizon, PerStepTarget perStepTarget, Integer window, List<String> channels,
            long stepMillis) {
        public static Options defaults() {
            return new Options(null, null, null, null, 0L);
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
        PerStepTarget target = o.perStepTarget() == null ? PerStepTarget.NEXT : o.perStepTarget();
        int horizon;
        String what = where + ": layer '" + dense.name() + "' (" + dense.className() + ")";
        if (head == Head.FLAT) {
            if (dense.units() % c != 0) {
                throw new KerasImportException(what + " has " + dense.units() + " outputs, not a multiple of the "
                        + c + " input channels; streamcast's flat head forecasts H steps of every channel: Dense(H*C)");
            }
            horizon = dense.units() / c;
            if (o.horizon() != null && o.horizon() != horizon) {
                throw new KerasImportException(what + " has " + dense.units() + " = " + horizon + " x " + c
                        + " outputs, so the horizon is " + horizon + ", not " + o.horizon() + " (drop --horizon)");
            }
            if (reshape != null && !reshape.targetShape().equals(List.of(horizon, c))) {
                throw new KerasImportException(where + ": layer '" + reshape.name() + "' (Reshape) to "
                        + reshape.targetShape() + " is not supported: the flat head's Dense output is read step-major "
                        + "as (H, C) = (" + horizon + ", " + c + "); only Reshape((H, C)) is");
            }
        } else {
            if (reshape != null) {
                throw new KerasImportException(where + ": layer '" + reshape.name() + "' (Reshape) after a per-step "
                        + "output is not supported");
            }
            if (dense.units() != c) {
                throw new KerasImportException(what + " has " + dense.units() + " outputs per step, the input has "
                        + c + " channels; streamcast's per-step head predicts every input channel at every step: "
                        + "TimeDistributed(Dense(C))");
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
        List<String> channels = channelNames(c, o.channels());
        ModelSpec spec = new ModelSpec(window, channels, horizon, head, target, last.units(), lstms.size(),
                last.activation().name().toLowerCase(Locale.ROOT), o.stepMillis());

        MultiLayerNetwork net = network(spec, lstms, dense);
        setWeights(k, net, lstms, dense);
        return new Imported(spec, net, source(k, model, spec, lstms, dense));
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

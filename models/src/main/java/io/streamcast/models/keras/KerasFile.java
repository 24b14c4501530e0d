package io.streamcast.models.keras;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A Keras model file, opened: its format, the Keras version that wrote it, the model config (JSON) and the
 * weights of each layer. One code path for all three formats, with a pure-Java HDF5 reader:
 *
 * <ul>
 *   <li>Keras 2 {@code .h5} and Keras 3 {@code .h5}: root attributes {@code keras_version} and
 *       {@code model_config}; weights in {@code model_weights/<layer name>/}, listed in order by that group's
 *       {@code weight_names} attribute (e.g. {@code lstm/lstm_cell/kernel:0} in Keras 2, without the
 *       {@code :0} in Keras 3).
 *   <li>Keras 3 {@code .keras}: a zip of {@code metadata.json}, {@code config.json} and {@code model.weights.h5};
 *       weights in {@code layers/<snake_case class name, numbered _1, _2 ... in config order>/vars/<i>}, with
 *       an LSTM's under {@code cell/vars} and a TimeDistributed layer's under {@code layer/vars}.
 * </ul>
 */
final class KerasFile implements AutoCloseable {

    /** The three layouts streamcast reads. */
    enum Format {
        KERAS2_H5("keras2-h5"),
        KERAS3_H5("keras3-h5"),
        KERAS3_ZIP("keras3-keras");

        final String id;

        Format(String id) {
            this.id = id;
        }
    }

    /** One weight array: its Keras name, shape and values in row-major (C) order. */
    record Weights(String name, int[] shape, float[] values) {
        int rows() {
            return shape.length == 1 ? 1 : shape[0];
        }

        String shapeText() {
            return java.util.Arrays.toString(shape);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Format format;
    private final String kerasVersion;
    private final String backend;
    private final JsonNode modelConfig;
    private final HdfFile hdf;
    /** .keras only: the weights-store group name of each config layer name. */
    private final Map<String, String> storeNames = new HashMap<>();

    private KerasFile(Path path, Format format, String kerasVersion, String backend, JsonNode modelConfig, HdfFile hdf) {
        this.path = path;
        this.format = format;
        this.kerasVersion = kerasVersion;
        this.backend = backend;
        this.modelConfig = modelConfig;
        this.hdf = hdf;
    }

    static KerasFile open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new KerasImportException(path + ": no such file (give a Keras .h5 or .keras model file)");
        }
        byte[] magic = new byte[8];
        try (InputStream in = Files.newInputStream(path)) {
            int n = in.readNBytes(magic, 0, magic.length);
            if (n < 4) throw new KerasImportException(path + ": too short to be a Keras model file (" + n + " bytes)");
        } catch (IOException e) {
            throw new KerasImportException(path + ": cannot read: " + e.getMessage(), e);
        }
        if (magic[0] == 'P' && magic[1] == 'K') {
            return openZip(path);
        }
        if ((magic[0] & 0xff) == 0x89 && magic[1] == 'H' && magic[2] == 'D' && magic[3] == 'F') {
            return openH5(path);
        }
        throw new KerasImportException(path + ": neither HDF5 (.h5) nor zip (.keras); save the model with "
                + "model.save('model.keras') or model.save('model.h5')");
    }

    private static KerasFile openH5(Path path) {
        HdfFile hdf;
        try {
            hdf = new HdfFile(path);
        } catch (RuntimeException e) {
            throw new KerasImportException(path + ": not a readable HDF5 file: " + e.getMessage(), e);
        }
        try {
            String config = stringAttribute(hdf, "model_config");
            if (config == null) {
                throw new KerasImportException(path + ": no 'model_config' attribute: this is a weights-only file "
                        + "(save_weights); save the whole model with model.save('model.h5') or model.save('model.keras')");
            }
            String version = stringAttribute(hdf, "keras_version");
            if (version == null && hdf.getChild("model_weights") instanceof Group g) version = stringAttribute(g, "keras_version");
            if (version == null) {
                throw new KerasImportException(path + ": no 'keras_version' attribute; cannot tell Keras 2 from Keras 3");
            }
            Format format;
            if (version.startsWith("3.")) {
                format = Format.KERAS3_H5;
            } else if (version.startsWith("2")) {
                format = Format.KERAS2_H5;
            } else {
                throw new KerasImportException(path + ": written by Keras " + version
                        + "; streamcast imports Keras 2.x and 3.x files (load and re-save it with a newer Keras)");
            }
            if (!(hdf.getChild("model_weights") instanceof Group)) {
                throw new KerasImportException(path + ": no 'model_weights' group (saved without weights?)");
            }
            return new KerasFile(path, format, version, stringAttribute(hdf, "backend"), parse(path, "model_config", config), hdf);
        } catch (RuntimeException e) {
            hdf.close();
            throw e;
        }
    }

    private static KerasFile openZip(Path path) {
        byte[] weights;
        String config;
        String metadata;
        try (ZipFile zip = new ZipFile(path.toFile())) {
            config = entryText(zip, "config.json", path);
            metadata = entryText(zip, "metadata.json", path);
            ZipEntry w = zip.getEntry("model.weights.h5");
            if (w == null) {
                throw new KerasImportException(path + ": no model.weights.h5 inside (a .keras file saved without "
                        + "weights, or with an unsupported weights format such as model.weights.npz)");
            }
            try (InputStream in = zip.getInputStream(w)) {
                weights = in.readAllBytes();
            }
        } catch (IOException e) {
            throw new KerasImportException(path + ": not a readable .keras zip: " + e.getMessage(), e);
        }
        JsonNode meta = parse(path, "metadata.json", metadata);
        String version = meta.path("keras_version").asText(null);
        if (version == null) throw new KerasImportException(path + ": metadata.json has no keras_version");
        HdfFile hdf;
        try {
            hdf = HdfFile.fromBytes(weights);
        } catch (RuntimeException e) {
            throw new KerasImportException(path + ": model.weights.h5 is not readable HDF5: " + e.getMessage(), e);
        }
        return new KerasFile(path, Format.KERAS3_ZIP, version, null, parse(path, "config.json", config), hdf);
    }

    private static String entryText(ZipFile zip, String name, Path path) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) throw new KerasImportException(path + ": no " + name + " inside; not a Keras 3 .keras file");
        try (InputStream in = zip.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode parse(Path path, String what, String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new KerasImportException(path + ": " + what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** A string attribute (fixed or variable length, bytes or str), or null if absent. */
    private static String stringAttribute(Node node, String name) {
        Attribute a = node.getAttribute(name);
        if (a == null) return null;
        Object v = a.getData();
        if (v instanceof String s) return s;
        if (v instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
        if (v != null && v.getClass().isArray() && Array.getLength(v) == 1 && Array.get(v, 0) instanceof String s) return s;
        return String.valueOf(v);
    }

    /** The strings of an attribute that holds a (possibly empty) array of names. */
    private static List<String> stringsAttribute(Node node, String name) {
        Attribute a = node.getAttribute(name);
        List<String> out = new ArrayList<>();
        if (a == null || a.isEmpty()) return out;
        Object v = a.getData();
        if (v instanceof String s) {
            out.add(s);
        } else if (v != null && v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                Object x = Array.get(v, i);
                if (x instanceof String s) out.add(s);
                else if (x instanceof byte[] b) out.add(new String(b, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    Path path() {
        return path;
    }

    Format format() {
        return format;
    }

    String kerasVersion() {
        return kerasVersion;
    }

    /** The backend attribute (h5 files), or null. */
    String backend() {
        return backend;
    }

    JsonNode modelConfig() {
        return modelConfig;
    }

    boolean isKeras2() {
        return format == Format.KERAS2_H5;
    }

    /** .keras files: tells the reader under which store name a config layer's weights are. */
    void storeName(String layerName, String storeName) {
        storeNames.put(layerName, storeName);
    }

    /**
     * The weights of one layer, in Keras order (LSTM: kernel, recurrent_kernel[, bias]; Dense: kernel[, bias]).
     *
     * @param layerName the layer's name in the model config
     */
    List<Weights> weights(String layerName) {
        return format == Format.KERAS3_ZIP ? zipWeights(layerName) : h5Weights(layerName);
    }

    private List<Weights> h5Weights(String layerName) {
        Node group = getOrNull("model_weights/" + layerName);
        if (!(group instanceof Group g)) {
            throw new KerasImportException(path + ": no weights for layer '" + layerName + "' (model_weights/"
                    + layerName + " is missing)");
        }
        List<Weights> out = new ArrayList<>();
        for (String name : stringsAttribute(g, "weight_names")) {
            out.add(read(g, name));
        }
        return out;
    }

    private List<Weights> zipWeights(String layerName) {
        String store = storeNames.getOrDefault(layerName, layerName);
        Node layer = getOrNull("layers/" + store);
        if (!(layer instanceof Group g)) {
            throw new KerasImportException(path + ": no weights for layer '" + layerName + "' (layers/" + store
                    + " is missing in model.weights.h5)");
        }
        for (String sub : new String[] {"vars", "cell/vars", "layer/vars"}) {
            Node vars = getOrNull("layers/" + store + "/" + sub);
            if (vars instanceof Group v && !v.getChildren().isEmpty()) {
                List<Weights> out = new ArrayList<>();
                for (int i = 0; v.getChildren().containsKey(Integer.toString(i)); i++) {
                    out.add(read(v, Integer.toString(i)));
                }
                return out;
            }
        }
        return List.of();
    }

    private Node getOrNull(String p) {
        try {
            return hdf.getByPath(p);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Weights read(Group g, String name) {
        Node n;
        try {
            n = g.getByPath(name);
        } catch (RuntimeException e) {
            throw new KerasImportException(path + ": weight '" + name + "' of " + g.getPath() + " is missing");
        }
        if (!(n instanceof Dataset d)) {
            throw new KerasImportException(path + ": " + g.getPath() + "/" + name + " is not a dataset");
        }
        int[] shape = d.getDimensions();
        Object flat = d.getDataFlat();
        float[] values;
        if (flat instanceof float[] f) {
            values = f;
        } else if (flat instanceof double[] dd) {
            values = new float[dd.length];
            for (int i = 0; i < dd.length; i++) values[i] = (float) dd[i];
        } else {
            throw new KerasImportException(path + ": " + g.getPath() + "/" + name + " holds "
                    + d.getJavaType().getSimpleName() + " values; streamcast reads float32/float64 weights "
                    + "(a quantised or mixed-precision model? save it in float32)");
        }
        return new Weights(name, shape, values);
    }

    @Override
    public void close() {
        hdf.close();
    }
}

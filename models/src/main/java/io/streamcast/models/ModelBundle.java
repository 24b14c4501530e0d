package io.streamcast.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model bundle: an immutable directory holding {@value #NETWORK_FILE} (the DL4J network, written with
 * {@link ModelSerializer}, without updater state) and {@value #MANIFEST_FILE} (format version, name,
 * version, spec, normaliser, training info, test metrics, created time, sha256 of the network file).
 *
 * <p>Reading verifies the checksum, the spec against the network's layer types and shapes, and never
 * Java-deserialises anything: the network is rebuilt from the zip's {@code configuration.json} and
 * {@code coefficients.bin} (ND4J binary), and any other zip entry (e.g. DL4J's Java-serialised
 * {@code preprocessor.bin}) makes the bundle invalid.
 */
public final class ModelBundle {
    public static final String NETWORK_FILE = "network.zip";
    public static final String MANIFEST_FILE = "manifest.json";

    private static final String ZIP_CONFIG = "configuration.json";
    private static final String ZIP_PARAMS = "coefficients.bin";
    /** Entries we read, plus ones we tolerate and ignore (never read: binary optimiser state). */
    private static final Set<String> IGNORED_ZIP_ENTRIES = Set.of("updaterState.bin", "noParams.marker");

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final Manifest manifest;
    private final MultiLayerNetwork network;

    private ModelBundle(Path dir, Manifest manifest, MultiLayerNetwork network) {
        this.dir = dir;
        this.manifest = manifest;
        this.network = network;
    }

    public Path dir() {
        return dir;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** The restored network (mutable DL4J object: one user at a time). */
    public MultiLayerNetwork network() {
        return network;
    }

    /**
     * Writes a bundle into {@code dir} (created if missing): the network file first, then the manifest with
     * the network file's sha256 filled in. Files are written under temporary names and renamed, so a
     * reader never sees a half-written file under the final name.
     *
     * @return the manifest as written (with the checksum)
     */
    public static Manifest write(Path dir, Manifest manifest, MultiLayerNetwork network) throws IOException {
        try {
            checkShapes(manifest, network.getLayerWiseConfigurations());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("network does not match the manifest spec: " + e.getMessage(), e);
        }
        Files.createDirectories(dir);
        Path tmpNet = Files.createTempFile(dir, ".network-", ".tmp");
        try {
            ModelSerializer.writeModel(network, tmpNet.toFile(), false);
            String sha = sha256(tmpNet);
            Files.move(tmpNet, dir.resolve(NETWORK_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Manifest written = manifest.withNetworkSha256(sha);
            writeManifest(dir, written);
            return written;
        } finally {
            Files.deleteIfExists(tmpNet);
        }
    }

    /** Rewrites only the manifest (e.g. the store recording the version); the network file is unchanged. */
    public static void writeManifest(Path dir, Manifest manifest) throws IOException {
        Path tmp = Files.createTempFile(dir, ".manifest-", ".tmp");
        try {
            Files.writeString(tmp, JSON.writeValueAsString(manifest.toJson()) + "\n");
            Files.move(tmp, dir.resolve(MANIFEST_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes a bundle with an initialised, untrained network (for tests and benchmarks). */
    public static Manifest createRandom(Path dir, String name, ModelSpec spec, Normalizer normalizer, long seed)
            throws IOException {
        return write(dir, Manifest.of(name, spec, normalizer), Networks.build(spec, seed));
    }

    /** Reads and parses only the manifest (no checksum or network checks). */
    public static Manifest readManifest(Path dir) throws BundleException {
        Path file = dir.resolve(MANIFEST_FILE);
        if (!Files.isDirectory(dir)) throw new BundleException("bundle " + dir + ": not a directory (missing?)");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BundleException(file + ": missing (not a model bundle?)");
        } catch (IOException e) {
            throw new BundleException(file + ": cannot read: " + e, e);
        }
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BundleException(file + ": bad JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr(), e);
        }
        try {
            return Manifest.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new BundleException(file + ": " + e.getMessage(), e);
        }
    }

    /** Checks the network file against the manifest's sha256; returns the actual checksum. */
    public static String verifyChecksum(Path dir, Manifest manifest) throws BundleException {
        Path net = dir.resolve(NETWORK_FILE);
        if (!Files.isRegularFile(net)) throw new BundleException(net + ": missing");
        if (manifest.networkSha256() == null) {
            throw new BundleException(dir.resolve(MANIFEST_FILE) + ": networkSha256 is missing");
        }
        String actual;
        try {
            actual = sha256(net);
        } catch (IOException e) {
            throw new BundleException(net + ": cannot read: " + e, e);
        }
        if (!actual.equalsIgnoreCase(manifest.networkSha256())) {
            long size = -1;
            try {
                size = Files.size(net);
            } catch (IOException ignored) {
                // size is only for the message
            }
            throw new BundleException(net + ": sha256 mismatch, the file is corrupt or truncated ("
                    + size + " bytes; manifest says " + manifest.networkSha256() + ", file has " + actual + ")");
        }
        return actual;
    }

    /** Reads and fully verifies a bundle: manifest, checksum, network restore, spec vs. network shapes. */
    public static ModelBundle read(Path dir) throws BundleException {
        Manifest manifest = readManifest(dir);
        verifyChecksum(dir, manifest);
        Path netFile = dir.resolve(NETWORK_FILE);
        MultiLayerNetwork net = restoreNetwork(netFile);
        try {
            checkShapes(manifest, net.getLayerWiseConfigurations());
        } catch (IllegalArgumentException e) {
            throw new BundleException(netFile + " does not match the spec in " + dir.resolve(MANIFEST_FILE) + ": "
                    + e.getMessage(), e);
        }
        return new ModelBundle(dir, manifest, net);
    }

    private static MultiLayerNetwork restoreNetwork(Path file) throws BundleException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> names = new ArrayList<>();
            zip.stream().forEach(e -> names.add(e.getName()));
            for (String n : names) {
                if (!n.equals(ZIP_CONFIG) && !n.equals(ZIP_PARAMS) && !IGNORED_ZIP_ENTRIES.contains(n)) {
                    throw new BundleException(file + ": unexpected entry '" + n
                            + "' (only " + ZIP_CONFIG + " and " + ZIP_PARAMS + " are read; refusing the bundle)");
                }
            }
            ZipEntry confEntry = zip.getEntry(ZIP_CONFIG);
            ZipEntry paramsEntry = zip.getEntry(ZIP_PARAMS);
            if (confEntry == null) throw new BundleException(file + ": no " + ZIP_CONFIG + " inside");
            if (paramsEntry == null) throw new BundleException(file + ": no " + ZIP_PARAMS + " inside");
            String confJson;
            try (InputStream in = zip.getInputStream(confEntry)) {
                confJson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            MultiLayerConfiguration conf;
            try {
                conf = MultiLayerConfiguration.fromJson(confJson);
            } catch (RuntimeException e) {
                throw new BundleException(file + ": " + ZIP_CONFIG + " is not a DL4J MultiLayerNetwork configuration: "
                        + e.getMessage(), e);
            }
            INDArray params;
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(zip.getInputStream(paramsEntry)))) {
                params = Nd4j.read(in);
            }
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            long expected = countParams(conf);
            if (params.length() != expected) {
                throw new BundleException(file + ": " + ZIP_PARAMS + " holds " + params.length()
                        + " parameters, the configuration needs " + expected);
            }
            net.init(params.reshape(1, params.length()), false);
            return net;
        } catch (BundleException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BundleException(file + ": cannot restore the network (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    private static long countParams(MultiLayerConfiguration conf) {
        long n = 0;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer l = conf.getConf(i).getLayer();
            n += l.initializer().numParams(l);
        }
        return n;
    }

    /**
     * The network must be: {@code layers} LSTMs (nIn C, then units; nOut units; the spec's activation; the
     * last one wrapped in LastTimeStep for flat), then a linear OutputLayer(H*C_out) (flat) or
     * RnnOutputLayer(C_out) (per-step).
     */
    static void checkShapes(ModelSpec spec, MultiLayerConfiguration conf) {
        checkShapes(spec, conf, false);
    }

    /**
     * As {@link #checkShapes(ModelSpec, MultiLayerConfiguration)}; for imported networks (the manifest's
     * {@code source} names an {@code importer}, e.g. Keras) the network is the truth: stacked LSTMs may
     * have different units (chained nIn/nOut, the last one has {@code spec.units}) and any activations
     * (listed in the source object); types, input channels and output sizes are checked as always.
     */
    static void checkShapes(Manifest manifest, MultiLayerConfiguration conf) {
        JsonNode source = manifest.source();
        checkShapes(manifest.spec(), conf, source != null && source.hasNonNull("importer"));
    }

    private static void checkShapes(ModelSpec spec, MultiLayerConfiguration conf, boolean imported) {
        long previousOut = spec.networkInputs();
        int n = conf.getConfs().size();
        if (n != spec.layers() + 1) {
            throw new IllegalArgumentException("network has " + n + " layers, spec needs " + spec.layers()
                    + " LSTM layer(s) + 1 output layer");
        }
        for (int i = 0; i < spec.layers(); i++) {
            Layer l = conf.getConf(i).getLayer();
            boolean wrapped = l instanceof LastTimeStep;
            boolean wantWrapped = spec.head() == Head.FLAT && i == spec.layers() - 1;
            if (wrapped != wantWrapped) {
                throw new IllegalArgumentException("layer " + i + ": " + (wantWrapped
                        ? "the flat head needs the last LSTM wrapped in LastTimeStep"
                        : "unexpected LastTimeStep (head is " + spec.head() + ")"));
            }
            Layer inner = wrapped ? ((LastTimeStep) l).getUnderlying() : l;
            if (!(inner instanceof LSTM lstm)) {
                throw new IllegalArgumentException("layer " + i + ": expected LSTM, found " + inner.getClass().getSimpleName());
            }
            long wantIn = i == 0 ? spec.networkInputs() : imported ? previousOut : spec.units();
            long wantOut = imported && i < spec.layers() - 1 ? lstm.getNOut() : spec.units();
            if (lstm.getNIn() != wantIn || lstm.getNOut() != wantOut) {
                throw new IllegalArgumentException("layer " + i + " (LSTM): nIn=" + lstm.getNIn() + " nOut=" + lstm.getNOut()
                        + ", spec needs nIn=" + wantIn + " nOut=" + wantOut);
            }
            previousOut = lstm.getNOut();
            if (!imported && !activationMatches(lstm.getActivationFn(), spec.activation())) {
                throw new IllegalArgumentException("layer " + i + " (LSTM): activation " + lstm.getActivationFn()
                        + ", spec says " + spec.activation());
            }
        }
        Layer out = conf.getConf(n - 1).getLayer();
        long wantOut = spec.head() == Head.FLAT ? spec.networkOutputs() : spec.targetCount();
        Class<?> wantType = spec.head() == Head.FLAT ? OutputLayer.class : RnnOutputLayer.class;
        if (!wantType.isInstance(out)) {
            throw new IllegalArgumentException("output layer: expected " + wantType.getSimpleName() + " for the "
                    + spec.head() + " head, found " + out.getClass().getSimpleName());
        }
        FeedForwardLayer ff = (FeedForwardLayer) out;
        if (ff.getNIn() != spec.denseInputs() || ff.getNOut() != wantOut) {
            throw new IllegalArgumentException("output layer: nIn=" + ff.getNIn() + " nOut=" + ff.getNOut()
                    + ", spec needs nIn=" + spec.denseInputs() + " nOut=" + wantOut
                    + (spec.channelIndependent() ? " (H, channel-independent)"
                            : spec.head() == Head.FLAT ? " (H*C_out = " + spec.horizon() + "*" + spec.targetCount() + ")"
                            : " (C_out)"));
        }
        if (!imported && !(ff.getActivationFn() instanceof ActivationIdentity)) {
            throw new IllegalArgumentException("output layer: activation must be identity (linear), found "
                    + ff.getActivationFn());
        }
    }

    private static boolean activationMatches(IActivation a, String name) {
        return switch (name) {
            case "tanh" -> a instanceof ActivationTanH;
            case "relu" -> a instanceof ActivationReLU;
            default -> false;
        };
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int r;
            while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

package io.streamcast.job.testing;

import io.streamcast.job.reload.ModelStore;
import io.streamcast.job.reload.ModelUpdate;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A model store in a temporary directory with tiny random models (T=4, H=3, C channels): publish
 * versions, corrupt ones, and ask a version for its own predictions.
 */
public final class ModelStoreFixture {
    public static final String NAME = "tiny";
    public static final int T = 4;
    public static final int C = 2;
    public static final int H = 3;
    public static final long STEP = 1000;

    public final Path root;
    public final ModelStore store;
    private final Path scratch;

    public ModelStoreFixture(Path dir) throws IOException {
        this.root = dir.resolve("store");
        this.scratch = dir.resolve("bundles");
        Files.createDirectories(root);
        Files.createDirectories(scratch);
        this.store = new ModelStore(root.toString());
    }

    /** The directory of a published version. */
    public Path dir(String version) {
        return root.resolve(NAME).resolve(version);
    }

    public static ModelSpec spec(int channels) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < channels; c++) names.add("ch" + c);
        return new ModelSpec(T, names, H, Head.FLAT, PerStepTarget.NEXT, 8, 1, "tanh", STEP);
    }

    /** A valid random bundle (not in the store). */
    public Path bundle(long seed, int channels) throws IOException {
        Path b = Files.createTempDirectory(scratch, "seed" + seed + "-");
        ModelBundle.createRandom(b, NAME, spec(channels), Normalizer.identity(channels), seed);
        return b;
    }

    /** Publishes a random C=2 model; LATEST moves to it. */
    public String publish(long seed) throws Exception {
        return publish(seed, C);
    }

    public String publish(long seed, int channels) throws Exception {
        return store.publish(bundle(seed, channels), NAME);
    }

    /**
     * Puts a bundle with one flipped byte in its network file into the store as the next version
     * and points LATEST at it (publish itself would refuse it).
     */
    public String publishCorrupt(long seed) throws Exception {
        Path b = bundle(seed, C);
        List<String> versions = store.versions(NAME);
        String version = Long.toString(versions.isEmpty() ? 1 : Long.parseLong(versions.get(versions.size() - 1)) + 1);
        Manifest m = ModelBundle.readManifest(b);
        ModelBundle.writeManifest(b, m.withVersion(version));
        Path net = b.resolve(ModelBundle.NETWORK_FILE);
        byte[] bytes = Files.readAllBytes(net);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(net, bytes);
        Files.move(b, root.resolve(NAME).resolve(version), StandardCopyOption.ATOMIC_MOVE);
        store.setLatest(NAME, version);
        return version;
    }

    public ModelUpdate pointer(String version) throws IOException {
        return store.pointer(NAME, version);
    }

    /** What a version itself forecasts for these windows. */
    public float[][] predict(String version, float[][] windows) throws Exception {
        try (ForecastModel m = ForecastModel.load(dir(version))) {
            return m.predict(windows);
        }
    }
}

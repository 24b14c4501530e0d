package io.streamcast.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
    @TempDir
    Path tmp;

    static final ModelSpec FLAT = new ModelSpec(6, List.of("x", "y"), 3, Head.FLAT, null, 5, 1, "tanh", 60_000);
    static final ModelSpec PER_STEP = new ModelSpec(6, List.of("x", "y"), 3, Head.PER_STEP, null, 5, 2, "relu", 60_000);
    static final Normalizer NORM = new Normalizer(new float[] {10, 20}, new float[] {2, 4}, WindowNorm.LAST);

    @Test
    void roundTripGivesIdenticalPredictions() throws Exception {
        for (ModelSpec spec : List.of(FLAT, PER_STEP)) {
            Path dir = tmp.resolve(spec.head().cliName());
            ModelSpec s = spec;
            org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = Networks.build(s, 7);
            ObjectNode metrics = JsonNodeFactory.instance.objectNode().put("mse", 0.5);
            Manifest written = ModelBundle.write(dir, Manifest.of("m", s, NORM).withMetrics(metrics), net);
            assertEquals(64, written.networkSha256().length());

            float[][] windows = NetworksTest.randomWindows(4, s.inputLength(), 9);
            float[][] before = ForecastModel.of(Manifest.of("m", s, NORM), net).predict(windows);
            try (ForecastModel loaded = ForecastModel.load(dir)) {
                float[][] after = loaded.predict(windows);
                // INDArray.equals allows 1e-5; the float arrays without a delta compare bit for bit
                assertArrayEquals(net.params().toFloatVector(), loaded.network().params().toFloatVector(),
                        "the weights survive the round trip exactly");
                // the loaded flat model runs JavaLstmForward, the wrapped one DL4J's pass: equal up to float rounding
                for (int b = 0; b < windows.length; b++) assertArrayEquals(before[b], after[b], 1e-5f);
                assertEquals(s, loaded.spec());
                assertEquals(NORM, loaded.normalizer());
                assertEquals("m", loaded.name());
                assertEquals("dev", loaded.version());
                assertEquals(0.5, loaded.manifest().metrics().get("mse").asDouble());
            }
        }
    }

    @Test
    void targetChannelsRoundTripAndDenormaliseWithTheirOwnStatistics() throws Exception {
        ModelSpec flatY = new ModelSpec(6, List.of("x", "y"), 3, Head.FLAT, null, 5, 1, "tanh", 60_000, List.of("y"));
        ModelSpec alignedY = new ModelSpec(6, List.of("x", "y"), 6, Head.PER_STEP, PerStepTarget.ALIGNED, 5, 1, "tanh",
                60_000, List.of("y"));
        for (ModelSpec spec : List.of(flatY, alignedY)) {
            Path dir = tmp.resolve("y-" + spec.head().cliName());
            ModelBundle.write(dir, Manifest.of("m", spec, NORM), Networks.build(spec, 7));
            try (ForecastModel m = ForecastModel.load(dir)) {
                assertEquals(List.of("y"), m.spec().targets());
                float[] w = NetworksTest.randomWindows(1, spec.inputLength(), 3)[0];
                float[] f = m.predict(new float[][] {w})[0];
                assertEquals(spec.horizon(), f.length, "H x 1");
                // the network sees z-scores minus the window's last value; y's offset and statistics undo that
                float[] z = new float[w.length];
                for (int i = 0; i < w.length; i++) z[i] = (w[i] - (i % 2 == 0 ? 10 : 20)) / (i % 2 == 0 ? 2 : 4);
                float[] shifted = new float[w.length];
                for (int i = 0; i < w.length; i++) shifted[i] = z[i] - z[(spec.window() - 1) * 2 + i % 2];
                float[] raw = m.predictRaw(new float[][] {shifted})[0];
                for (int h = 0; h < spec.horizon(); h++) {
                    assertEquals((raw[h] + z[(spec.window() - 1) * 2 + 1]) * 4 + 20, f[h], 1e-4);
                }
            }
        }
    }

    @Test
    void bundlesWithoutTargetsForecastEveryChannel() throws Exception {
        Path dir = tmp.resolve("old");
        ModelBundle.write(dir, Manifest.of("m", FLAT, NORM), Networks.build(FLAT, 7));
        ObjectNode json = (ObjectNode) ModelBundle.JSON.readTree(Files.readString(dir.resolve(ModelBundle.MANIFEST_FILE)));
        ((ObjectNode) json.get("spec")).remove("targets");
        Files.writeString(dir.resolve(ModelBundle.MANIFEST_FILE), json.toString());
        try (ForecastModel m = ForecastModel.load(dir)) {
            assertEquals(List.of("x", "y"), m.spec().targets());
            assertEquals(FLAT, m.spec());
        }
        // the bundled demo model was written before target channels existed
        Path demo = Path.of("bundled/etth1-demo");
        try (ForecastModel m = ForecastModel.load(Files.isDirectory(demo) ? demo : Path.of("models").resolve(demo))) {
            assertEquals(m.spec().channels(), m.spec().targets());
        }
    }

    @Test
    void createRandomWritesALoadableBundle() throws Exception {
        ModelBundle.createRandom(tmp.resolve("r"), "rand", PER_STEP, Normalizer.identity(2), 3);
        try (ForecastModel m = ForecastModel.load(tmp.resolve("r"))) {
            float[][] f = m.predict(new float[2][PER_STEP.inputLength()]);
            assertEquals(PER_STEP.outputLength(), f[0].length);
        }
    }

    @Test
    void flippedByteAnywhereInTheNetworkFileIsRejected() throws Exception {
        Path dir = tmp.resolve("b");
        ModelBundle.createRandom(dir, "m", FLAT, NORM, 1);
        Path net = dir.resolve(ModelBundle.NETWORK_FILE);
        byte[] original = Files.readAllBytes(net);
        for (int pos : new int[] {0, original.length / 3, original.length / 2, original.length - 1}) {
            byte[] bad = original.clone();
            bad[pos] ^= 0x01;
            Files.write(net, bad);
            BundleException e = assertThrows(BundleException.class, () -> ForecastModel.load(dir));
            assertTrue(e.getMessage().contains(net.toString()) && e.getMessage().contains("sha256 mismatch"),
                    e.getMessage());
        }
        Files.write(net, original);
        ForecastModel.load(dir).close();
    }

    @Test
    void truncatedOrMissingFilesAreRejected() throws Exception {
        Path dir = tmp.resolve("t");
        ModelBundle.createRandom(dir, "m", FLAT, NORM, 1);
        Path net = dir.resolve(ModelBundle.NETWORK_FILE);
        byte[] original = Files.readAllBytes(net);
        Files.write(net, java.util.Arrays.copyOf(original, original.length - 100));
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertTrue(e.getMessage().startsWith(net + ": sha256 mismatch"), e.getMessage());

        Files.delete(net);
        e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertEquals(net + ": missing", e.getMessage());

        Path manifest = dir.resolve(ModelBundle.MANIFEST_FILE);
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.substring(0, text.length() / 2));
        e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertTrue(e.getMessage().startsWith(manifest + ": bad JSON"), e.getMessage());

        Files.delete(manifest);
        e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertTrue(e.getMessage().startsWith(manifest + ": missing"), e.getMessage());

        e = assertThrows(BundleException.class, () -> ModelBundle.read(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void manifestThatDisagreesWithTheNetworkIsRejected() throws Exception {
        Path dir = tmp.resolve("s");
        ModelBundle.createRandom(dir, "m", FLAT, NORM, 1);
        Path manifest = dir.resolve(ModelBundle.MANIFEST_FILE);
        String good = Files.readString(manifest);

        Files.writeString(manifest, good.replace("\"horizon\" : 3", "\"horizon\" : 4"));
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertTrue(e.getMessage().contains("nOut=6") && e.getMessage().contains("nOut=8")
                && e.getMessage().contains(dir.resolve(ModelBundle.NETWORK_FILE).toString()), e.getMessage());

        Files.writeString(manifest, good.replace("\"units\" : 5", "\"units\" : 7"));
        e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertTrue(e.getMessage().contains("layer 0 (LSTM)"), e.getMessage());

        Files.writeString(manifest, good.replace("\"head\" : \"flat\"", "\"head\" : \"per-step\""));
        e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertTrue(e.getMessage().contains("LastTimeStep"), e.getMessage());

        Files.writeString(manifest, good.replace("\"activation\" : \"tanh\"", "\"activation\" : \"relu\""));
        e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertTrue(e.getMessage().contains("activation"), e.getMessage());

        Files.writeString(manifest, good.replace("\"window\" : 6,", ""));
        e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertEquals(manifest + ": spec.window: expected an integer, got null", e.getMessage());
    }

    @Test
    void javaSerialisedEntriesInsideTheNetworkZipAreRefused() throws Exception {
        Path dir = tmp.resolve("z");
        Manifest m = ModelBundle.createRandom(dir, "m", FLAT, NORM, 1);
        Path net = dir.resolve(ModelBundle.NETWORK_FILE);
        Path evil = tmp.resolve("evil.zip");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(net));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(evil))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
            }
            out.putNextEntry(new ZipEntry("preprocessor.bin"));
            out.write("not read".getBytes(StandardCharsets.UTF_8));
        }
        Files.copy(evil, net, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // Even with a matching checksum, the entry is refused.
        ModelBundle.writeManifest(dir, m.withNetworkSha256(ModelBundle.sha256(net)));
        BundleException e = assertThrows(BundleException.class, () -> ModelBundle.read(dir));
        assertTrue(e.getMessage().contains("unexpected entry 'preprocessor.bin'"), e.getMessage());
    }

    @Test
    void writeRefusesANetworkThatDoesNotMatchTheSpec() {
        ModelSpec other = new ModelSpec(6, List.of("x", "y"), 4, Head.FLAT, null, 5, 1, "tanh", 0);
        assertThrows(IllegalArgumentException.class,
                () -> ModelBundle.write(tmp.resolve("w"), Manifest.of("m", FLAT, NORM), Networks.build(other, 1)));
        assertTrue(!Files.exists(tmp.resolve("w").resolve(ModelBundle.MANIFEST_FILE)));
    }
}

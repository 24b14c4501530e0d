package io.streamcast.models.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.Manifest;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Keras fixture, in every format it was saved in, imported and run on the inputs Keras saw: the
 * network's own outputs ({@link ForecastModel#predictRaw}) must equal Keras's within the fixtures' tolerance.
 */
public class KerasImporterTest {
    public static final JsonNode LISTING = KerasFixtures.listing();
    static final double TOLERANCE = LISTING.get("tolerance").asDouble();

    @TempDir
    Path tmp;

    static KerasImporter.Options options(JsonNode fixture) {
        PerStepTarget target = fixture.has("perStepTarget") ? PerStepTarget.parse(fixture.get("perStepTarget").asText()) : null;
        Integer window = fixture.has("importWindow") ? fixture.get("importWindow").asInt() : null;
        return new KerasImporter.Options(null, target, window, null, 0L);
    }

    @TestFactory
    Stream<DynamicTest> importedOutputsEqualKerasOutputs() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode f : LISTING.get("supported")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = f.get("files").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String format = e.getKey();
                tests.add(DynamicTest.dynamicTest(f.get("name").asText() + " [" + format + "]", () -> {
                    KerasImporter.Imported imp = KerasImporter.read(KerasFixtures.dir().resolve(e.getValue().asText()), options(f));
                    assertEquals(Head.parse(f.get("head").asText()), imp.spec().head());
                    assertEquals(f.get("window").asInt(), imp.spec().window());
                    assertEquals(f.get("channels").asInt(), imp.spec().channelCount());
                    assertEquals(f.get("horizon").asInt(), imp.spec().horizon());
                    // the classic one-target models import as they are: the target defaults to the first channel
                    List<String> targets = new ArrayList<>();
                    f.path("targets").forEach(t -> targets.add(t.asText()));
                    assertEquals(targets.isEmpty() ? imp.spec().channels() : targets, imp.spec().targets());
                    Manifest m = Manifest.of("k", imp.spec(), Normalizer.identity(imp.spec().channelCount()))
                            .withSource(imp.source());
                    float[][] in = KerasFixtures.csv(f.get("inputs").asText());
                    float[][] want = KerasFixtures.csv(f.get("expected").get(format).asText());
                    float[][] got = ForecastModel.of(m, imp.network()).predictRaw(in);
                    assertClose(want, got, f.get("name").asText() + " " + format);
                    if (format.equals("keras")) {
                        // Every layer/activation kind survives the bundle (DL4J JSON config + coefficients).
                        Path dir = tmp.resolve(f.get("name").asText());
                        io.streamcast.models.ModelBundle.write(dir, m, imp.network());
                        try (ForecastModel loaded = ForecastModel.load(dir)) {
                            assertClose(want, loaded.predictRaw(in), f.get("name").asText() + " bundle");
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    public static void assertClose(float[][] want, float[][] got, String what) {
        assertEquals(want.length, got.length, what + ": rows");
        double worst = 0;
        for (int b = 0; b < want.length; b++) {
            assertEquals(want[b].length, got[b].length, what + ": row " + b + " length");
            for (int i = 0; i < want[b].length; i++) {
                worst = Math.max(worst, Math.abs(want[b][i] - got[b][i]));
                assertTrue(Math.abs(want[b][i] - got[b][i]) <= TOLERANCE, what + ": row " + b + " value " + i
                        + ": Keras " + want[b][i] + ", imported " + got[b][i]);
            }
        }
        System.out.printf("keras fixture %-32s max |Keras - imported| = %.2e%n", what, worst);
    }

    @TestFactory
    Stream<DynamicTest> unsupportedModelsAreRefusedNamingTheLayerOrOption() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode f : LISTING.get("unsupported")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = f.get("files").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tests.add(DynamicTest.dynamicTest(f.get("name").asText() + " [" + e.getKey() + "]", () -> {
                    KerasImportException ex = assertThrows(KerasImportException.class,
                            () -> KerasImporter.read(KerasFixtures.dir().resolve(e.getValue().asText()), null));
                    for (JsonNode s : f.get("messageContains")) {
                        assertTrue(ex.getMessage().contains(s.asText()), "message should name '" + s.asText() + "': "
                                + ex.getMessage());
                    }
                    assertTrue(ex.getMessage().startsWith(e.getValue().asText()), "message should name the file: "
                            + ex.getMessage());
                    assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void gateBlocksMoveFromKerasOrderToDl4jOrder() {
        // one row, u = 2: Keras blocks i f c o -> DL4J c f o i
        float[] keras = {1, 1, 2, 2, 3, 3, 4, 4};
        float[] dl4j = KerasImporter.gates(keras, 1, 2);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {3, 3, 2, 2, 4, 4, 1, 1}, dl4j);
    }

    @Test
    void weightStoreNamesFollowKerasSnakeCase() {
        assertEquals("lstm", KerasLayers.snakeCase("LSTM"));
        assertEquals("time_distributed", KerasLayers.snakeCase("TimeDistributed"));
        assertEquals("input_layer", KerasLayers.snakeCase("InputLayer"));
    }

    @Test
    void perStepOptionsAreChecked() {
        Path file = KerasFixtures.dir().resolve("per_step.keras");
        KerasImporter.Imported five = KerasImporter.read(file, new KerasImporter.Options(5, null, null, List.of("a", "b"), 1000));
        assertEquals(5, five.spec().horizon());
        assertEquals(List.of("a", "b"), five.spec().channels());
        assertEquals(1000, five.spec().stepMillis());
        assertEquals(PerStepTarget.NEXT, five.spec().perStepTarget());
        KerasImportException aligned = assertThrows(KerasImportException.class, () -> KerasImporter.read(file,
                new KerasImporter.Options(5, PerStepTarget.ALIGNED, null, null, 0)));
        assertTrue(aligned.getMessage().contains("H = T = 12"), aligned.getMessage());
        KerasImportException channels = assertThrows(KerasImportException.class, () -> KerasImporter.read(file,
                new KerasImporter.Options(null, null, null, List.of("a", "b", "c"), 0)));
        assertTrue(channels.getMessage().contains("--channels"), channels.getMessage());
        KerasImportException window = assertThrows(KerasImportException.class, () -> KerasImporter.read(file,
                new KerasImporter.Options(null, null, 7, null, 0)));
        assertTrue(window.getMessage().contains("12 time steps"), window.getMessage());
    }

    @Test
    void onlyAnImportedManifestRelaxesTheBundleShapeChecks() throws Exception {
        // Stacked LSTMs of 6 then 5 units are fine for an import (the source lists them), but a manifest
        // without an importer still gets the strict checks of a network trained here.
        KerasImporter.Imported imp = KerasImporter.read(KerasFixtures.dir().resolve("stacked_dropout.keras"), null);
        Normalizer id = Normalizer.identity(imp.spec().channelCount());
        IllegalArgumentException strict = assertThrows(IllegalArgumentException.class,
                () -> io.streamcast.models.ModelBundle.write(tmp.resolve("strict"), Manifest.of("s", imp.spec(), id), imp.network()));
        assertTrue(strict.getMessage().contains("layer 0 (LSTM)"), strict.getMessage());
        Manifest written = io.streamcast.models.ModelBundle.write(tmp.resolve("imported"),
                Manifest.of("s", imp.spec(), id).withSource(imp.source()), imp.network());
        assertEquals("keras", written.source().get("importer").asText());
        assertEquals(5, written.spec().units());
        assertEquals(2, written.spec().layers());
    }

    @Test
    void anyLengthInputNeedsTheWindow() {
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasImporter.read(KerasFixtures.dir().resolve("any_length.keras"), null));
        assertTrue(e.getMessage().contains("--window"), e.getMessage());
    }

    @Test
    void flatHorizonComesFromTheDenseSize() {
        Path file = KerasFixtures.dir().resolve("flat_relu.k3.h5");
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasImporter.read(file, new KerasImporter.Options(4, null, null, null, 0)));
        assertTrue(e.getMessage().contains("horizon is 3"), e.getMessage());
    }

    @Test
    void notAKerasFileIsRefused() throws Exception {
        Path junk = tmp.resolve("junk.h5");
        java.nio.file.Files.writeString(junk, "hello, not HDF5");
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasImporter.read(junk, null));
        assertTrue(e.getMessage().contains("neither HDF5"), e.getMessage());
        // Cut inside the weights: a clear error, never a model with missing weights.
        byte[] whole = java.nio.file.Files.readAllBytes(KerasFixtures.dir().resolve("flat_relu.k3.h5"));
        for (int cut : new int[] {3000, 8000, 12000}) {
            Path truncated = tmp.resolve("cut" + cut + ".h5");
            java.nio.file.Files.write(truncated, java.util.Arrays.copyOf(whole, cut));
            KerasImportException t = assertThrows(KerasImportException.class, () -> KerasImporter.read(truncated, null));
            assertTrue(t.getMessage().startsWith(truncated.toString()), t.getMessage());
        }
        KerasImportException missing = assertThrows(KerasImportException.class,
                () -> KerasImporter.read(tmp.resolve("nope.keras"), null));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    @Test
    void oneTargetModelsNameTheirTargetAndDenormaliseWithItsStatistics() throws Exception {
        Path file = KerasFixtures.dir().resolve("classic_flat_target.keras");
        float[] mean = new float[30];
        float[] std = new float[30];
        for (int c = 0; c < 30; c++) {
            mean[c] = c;
            std[c] = 1 + c / 10f;
        }
        Normalizer norm = new Normalizer(mean, std, io.streamcast.models.WindowNorm.NONE);
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasImporter.importToBundle(file, tmp.resolve("a"), "a", norm, KerasImporter.Options.defaults()));
        assertTrue(e.getMessage().contains("--targets"), e.getMessage());

        Manifest m = KerasImporter.importToBundle(file, tmp.resolve("b"), "b", norm,
                new KerasImporter.Options(null, null, null, null, 0L, List.of("c5")));
        assertEquals(List.of("c5"), m.spec().targets());
        float[][] raw = KerasFixtures.csv("classic_flat_target.in.csv");
        float[][] want = KerasFixtures.csv("classic_flat_target.out.csv");
        float[][] windows = new float[raw.length][raw[0].length];
        for (int b = 0; b < raw.length; b++) {
            for (int i = 0; i < raw[b].length; i++) windows[b][i] = raw[b][i] * std[i % 30] + mean[i % 30];
        }
        try (ForecastModel loaded = ForecastModel.load(tmp.resolve("b"))) {
            float[][] got = loaded.predict(windows);
            for (int b = 0; b < want.length; b++) {
                for (int h = 0; h < 10; h++) assertEquals(want[b][h] * std[5] + mean[5], got[b][h], 1e-3);
            }
        }
    }

    @Test
    void sigmoidOutputsPassThroughANormaliser() throws Exception {
        Path file = KerasFixtures.dir().resolve("classic_multilabel.keras");
        Normalizer norm = new Normalizer(new float[] {1, 2, 3}, new float[] {2, 3, 4}, io.streamcast.models.WindowNorm.LAST);
        KerasImporter.importToBundle(file, tmp.resolve("ml"), "ml", norm, KerasImporter.Options.defaults());
        float[][] z = KerasFixtures.csv("classic_multilabel.in.csv");
        float[][] want = KerasFixtures.csv("classic_multilabel.out.csv");
        try (ForecastModel m = ForecastModel.load(tmp.resolve("ml"))) {
            assertTrue(m.passThrough());
            float[][] got = m.predict(z);
            for (int b = 0; b < got.length; b++) {
                for (float p : got[b]) assertTrue(p >= 0 && p <= 1, "a probability, not de-normalised: " + p);
            }
            // without a normaliser the values are Keras's own
            KerasImporter.importToBundle(file, tmp.resolve("ml2"), "ml2", null, KerasImporter.Options.defaults());
            try (ForecastModel plain = ForecastModel.load(tmp.resolve("ml2"))) {
                assertClose(want, plain.predict(z), "classic_multilabel predict");
            }
        }
    }

    @Test
    void perStepWithFewerTargetsIsAlignedAndRefusesTheRollOut() {
        Path file = KerasFixtures.dir().resolve("classic_per_step_target.k3.h5");
        KerasImporter.Imported imp = KerasImporter.read(file, null);
        assertEquals(PerStepTarget.ALIGNED, imp.spec().perStepTarget());
        assertEquals(8, imp.spec().horizon());
        KerasImportException e = assertThrows(KerasImportException.class,
                () -> KerasImporter.read(file, new KerasImporter.Options(null, PerStepTarget.NEXT, null, null, 0L)));
        assertTrue(e.getMessage().contains("aligned"), e.getMessage());
    }
}

package io.streamcast.cli.model;

import io.streamcast.models.keras.KerasFixtures;
import io.streamcast.models.keras.KerasImporterTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.job.reload.ModelStore;
import io.streamcast.models.ModelBundle;
import io.streamcast.command.Cli;
import io.streamcast.cli.model.PredictCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code streamcast import-keras} end to end: file -> bundle -> store -> ForecastModel / predict --raw. */
class ImportKerasCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String err) {
    }

    static Run run(Object command, String... args) {
        CommandLine cmd = Cli.commandLine(command);
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, err.toString());
    }

    static String fixture(String name) {
        return KerasFixtures.dir().resolve(name).toString();
    }

    @Test
    void importedBundlesPublishLoadAndPredictLikeKeras() throws Exception {
        for (String[] f : new String[][] {
                {"flat_tanh_reshape.k2.h5", "flat_tanh_reshape.in.csv", "flat_tanh_reshape.k2.out.csv"},
                {"per_step.keras", "per_step.in.csv", "per_step.out.csv"},
                {"stacked_dropout.k3.h5", "stacked_dropout.in.csv", "stacked_dropout.out.csv"}}) {
            Path dir = tmp.resolve(f[0]);
            Run r = run(new ImportKerasCommand(), fixture(f[0]), "--out", dir.toString(), "--no-normalization",
                    "--step-millis", "60000");
            assertEquals(0, r.code(), r.err());

            String version = new ModelStore(tmp.resolve("store").toString()).publish(dir, "imported");
            Path published = tmp.resolve("store").resolve("imported").resolve(version);
            float[][] in = KerasFixtures.csv(f[1]);
            float[][] want = KerasFixtures.csv(f[2]);
            try (ForecastModel m = ForecastModel.load(published)) {
                KerasImporterTest.assertClose(want, m.predictRaw(in), f[0] + " published");
                assertEquals(60000, m.spec().stepMillis());
                assertEquals("keras", m.manifest().source().get("importer").asText());
                assertEquals(f[0], m.manifest().source().get("file").asText());
                String format = m.manifest().source().get("format").asText();
                String keras = m.manifest().source().get("kerasVersion").asText();
                assertTrue(f[0].endsWith(".k2.h5") ? format.equals("keras2-h5") && keras.startsWith("2")
                        : f[0].endsWith(".k3.h5") ? format.equals("keras3-h5") && keras.startsWith("3.")
                        : format.equals("keras3-keras") && keras.startsWith("3."), format + " " + keras);
                // The per-step roll-out's first step is the last step of the network's own output.
                if (m.spec().head() == Head.PER_STEP) {
                    float[] first = m.predict(in)[0];
                    int c = m.spec().channelCount();
                    float[] raw = m.predictRaw(in)[0];
                    for (int i = 0; i < c; i++) assertEquals(raw[raw.length - c + i], first[i], 1e-6f);
                }
            }
        }
    }

    @Test
    void normaliserStatisticsTurnRawWindowsIntoRawForecasts() throws Exception {
        // The Keras model was trained on z-scored data; with the statistics, raw in -> raw out.
        float[] mean = {10f, -3f};
        float[] std = {2f, 0.5f};
        Path stats = tmp.resolve("stats.json");
        Files.writeString(stats, "{\"channels\": [\"load\", \"temp\"], \"mean\": [10, -3], \"std\": [2, 0.5]}");
        Path dir = tmp.resolve("b");
        Run r = run(new ImportKerasCommand(), fixture("flat_relu.keras"), "--out", dir.toString(),
                "--normalizer", stats.toString(), "--name", "relu");
        assertEquals(0, r.code(), r.err());
        float[][] z = KerasFixtures.csv("flat_relu.in.csv");
        float[][] zOut = KerasFixtures.csv("flat_relu.out.csv");
        float[][] raw = new float[z.length][];
        for (int b = 0; b < z.length; b++) {
            raw[b] = new float[z[b].length];
            for (int i = 0; i < z[b].length; i++) raw[b][i] = z[b][i] * std[i % 2] + mean[i % 2];
        }
        try (ForecastModel m = ForecastModel.load(dir)) {
            assertEquals(List.of("load", "temp"), m.spec().channels());
            assertEquals("relu", m.name());
            float[][] f = m.predict(raw);
            for (int b = 0; b < z.length; b++) {
                for (int i = 0; i < f[b].length; i++) {
                    float want = zOut[b][i] * std[i % 2] + mean[i % 2];
                    assertEquals(want, f[b][i], 1e-4 * std[i % 2] + 1e-5, "window " + b + " output " + i);
                }
            }
        }
        // The statistics (and channel names) can also come from another bundle, e.g. one trained here on the same data.
        Path again = tmp.resolve("again");
        assertEquals(0, run(new ImportKerasCommand(), fixture("flat_relu.k2.h5"), "--out", again.toString(),
                "--normalizer", dir.toString()).code());
        try (ForecastModel first = ForecastModel.load(dir); ForecastModel second = ForecastModel.load(again)) {
            assertEquals(first.normalizer(), second.normalizer());
            assertEquals(first.spec().channels(), second.spec().channels());
        }
    }

    @Test
    void aKerasForecasterTrainedOnEttScoresTheSameInStreamcastEvaluate() throws Exception {
        // Trained and scored by Keras on ETTh1's standard split (tools/keras/make_fixtures.py); imported with its
        // training statistics, then scored by `streamcast evaluate` on the repository's copy of the same file.
        com.fasterxml.jackson.databind.JsonNode ett = KerasImporterTest.LISTING.get("ett");
        Path dir = tmp.resolve("ett");
        Run imp = run(new ImportKerasCommand(), fixture(ett.get("file").asText()), "--out", dir.toString(),
                "--normalizer", fixture(ett.get("stats").asText()), "--step-millis", "3600000");
        assertEquals(0, imp.code(), imp.err());
        Path json = tmp.resolve("scores.json");
        Run eval = run(new io.streamcast.cli.model.EvaluateCommand(), "--model", dir.toString(),
                "--data", Path.of("..", "data", "ett", ett.get("data").asText()).toString(), "--json", json.toString(),
                "--no-per-step");
        assertEquals(0, eval.code(), eval.err());
        com.fasterxml.jackson.databind.JsonNode scores = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertEquals(ett.get("testWindows").asInt(), scores.get("windows").asInt());
        assertEquals(ett.get("kerasTestMse").asDouble(), scores.get("model").get("mse").asDouble(), 1e-4);
        assertEquals(ett.get("kerasTestMae").asDouble(), scores.get("model").get("mae").asDouble(), 1e-4);
        assertEquals(ett.get("repeatTestMse").asDouble(), scores.get("repeat").get("mse").asDouble(), 1e-4);
        System.out.printf("ETTh1 T=24 H=24: Keras test MSE %.5f, streamcast evaluate of the import %.5f (Repeat %.5f)%n",
                ett.get("kerasTestMse").asDouble(), scores.get("model").get("mse").asDouble(),
                scores.get("repeat").get("mse").asDouble());
    }

    @Test
    void predictRawPrintsKerasLayout() throws Exception {
        Path dir = tmp.resolve("ps");
        assertEquals(0, run(new ImportKerasCommand(), fixture("per_step_softmax.k2.h5"), "--out", dir.toString(),
                "--no-normalization").code());
        Path out = tmp.resolve("raw.csv");
        Run r = run(new PredictCommand(), "--model", dir.toString(), "--windows", fixture("per_step_softmax.in.csv"),
                "--out", out.toString(), "--raw");
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        float[][] want = KerasFixtures.csv("per_step_softmax.k2.out.csv");
        assertEquals(want.length + 1, lines.size(), "header + one row per window");
        float[][] got = lines.subList(1, lines.size()).stream()
                .map(l -> Arrays.stream(l.split(",")).map(Float::parseFloat).toList())
                .map(l -> { float[] a = new float[l.size()]; for (int i = 0; i < a.length; i++) a[i] = l.get(i); return a; })
                .toArray(float[][]::new);
        KerasImporterTest.assertClose(want, got, "predict --raw per_step_softmax.k2.h5");
    }

    @Test
    void badUsageGivesOneLineAndExitCode2() throws Exception {
        Run noNorm = run(new ImportKerasCommand(), fixture("flat_relu.keras"), "--out", tmp.resolve("a").toString());
        assertEquals(2, noNorm.code());
        assertTrue(noNorm.err().contains("--no-normalization"), noNorm.err());

        Run unsupported = run(new ImportKerasCommand(), fixture("bad_conv1d.k2.h5"), "--out", tmp.resolve("b").toString(),
                "--no-normalization");
        assertEquals(2, unsupported.code());
        assertEquals(1, unsupported.err().strip().lines().count(), unsupported.err());
        assertTrue(unsupported.err().contains("'conv1d' (Conv1D)"), unsupported.err());
        assertFalse(Files.exists(tmp.resolve("b").resolve(ModelBundle.MANIFEST_FILE)), "no bundle for a refused model");

        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("x"), "x");
        Run notEmpty = run(new ImportKerasCommand(), fixture("flat_relu.keras"), "--out", used.toString(), "--no-normalization");
        assertEquals(2, notEmpty.code());
        assertTrue(notEmpty.err().contains("not empty"), notEmpty.err());

        Path badStats = tmp.resolve("bad.json");
        Files.writeString(badStats, "{\"mean\": [0], \"std\": [1]}");
        Run wrongChannels = run(new ImportKerasCommand(), fixture("flat_relu.keras"), "--out", tmp.resolve("c").toString(),
                "--normalizer", badStats.toString());
        assertEquals(2, wrongChannels.code());
        assertTrue(wrongChannels.err().contains("1 channels"), wrongChannels.err());
    }
}

package io.streamcast.cli.model;

import io.streamcast.command.Cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.models.ForecastModel;
import io.streamcast.job.reload.ModelStore;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The model commands end to end on a tiny series, and their exit codes. */
class CliTest {
    @TempDir
    static Path tmp;
    static Path csv;
    static Path bundle;

    record Result(int code, String out, String err) {
    }

    static Result run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void trainTinyModel() throws Exception {
        csv = TestData.sineCsv(tmp.resolve("sine.csv"), 400, 2);
        bundle = tmp.resolve("model");
        Result r = run(new TrainCommand(), "--data", csv.toString(), "--window", "12", "--horizon", "3", "--head",
                "per-step", "--units", "6", "--epochs", "2", "--batch", "32", "--lr", "0.01", "--plots", "2",
                "--out", bundle.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test (") && r.out().contains("Repeat"), r.out());
    }

    @Test
    void trainWritesBundleReportAndPlots() throws Exception {
        for (String f : List.of("network.zip", "manifest.json", "report.json", "loss.png", "forecast-1.png", "forecast-2.png")) {
            assertTrue(Files.size(bundle.resolve(f)) > 0, f);
        }
        byte[] png = Files.readAllBytes(bundle.resolve("loss.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        JsonNode report = new ObjectMapper().readTree(bundle.resolve("report.json").toFile());
        assertEquals("sine-per-step", report.get("name").asText());
        assertEquals(2, report.get("training").get("trainLoss").size());
        assertTrue(report.get("test").get("model").get("mse").asDouble() > 0);
        try (ForecastModel m = ForecastModel.load(bundle)) {
            assertEquals("70/10/20 % of rows", m.manifest().training().get("split").get("protocol").asText());
            assertEquals(3_600_000L, m.spec().stepMillis());
        }
    }

    @Test
    void evaluateWritesTheDocumentedJsonKeys() throws Exception {
        Path json = tmp.resolve("eval.json");
        Result r = run(new EvaluateCommand(), "--model", bundle.toString(), "--data", csv.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("per step (normalised)"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        for (String who : List.of("model", "repeat")) {
            assertTrue(j.get(who).get("mse").isDouble() && j.get(who).get("mae").isDouble(), who);
            assertEquals(3, j.get(who).get("mseByStep").size());
            assertTrue(j.get(who).get("raw").get("mse").asDouble() > 0);
        }
        // The training run scored the same test windows.
        JsonNode report = new ObjectMapper().readTree(bundle.resolve("report.json").toFile());
        assertEquals(report.get("test").get("model").get("mse").asDouble(), j.get("model").get("mse").asDouble(), 1e-9);
    }

    @Test
    void predictWritesOneForecastPerWindow() throws Exception {
        Path in = tmp.resolve("windows.csv");
        List<String> lines = Files.readAllLines(csv);
        StringBuilder sb = new StringBuilder();
        float[][] windows = new float[2][24];
        for (int w = 0; w < 2; w++) {
            StringBuilder row = new StringBuilder();
            for (int t = 0; t < 12; t++) {
                String[] f = lines.get(1 + w * 50 + t).split(",");
                windows[w][t * 2] = Float.parseFloat(f[1]);
                windows[w][t * 2 + 1] = Float.parseFloat(f[2]);
                row.append(t == 0 ? "" : ",").append(f[1]).append(',').append(f[2]);
            }
            sb.append(row).append('\n');
        }
        Files.writeString(in, sb.toString());
        Path out = tmp.resolve("forecasts.csv");
        Result r = run(new PredictCommand(), "--model", bundle.toString(), "--windows", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> got = Files.readAllLines(out);
        assertEquals("h1_a,h1_b,h2_a,h2_b,h3_a,h3_b", got.get(0));
        assertEquals(3, got.size());
        try (ForecastModel m = ForecastModel.load(bundle)) {
            float[][] want = m.predict(windows);
            for (int w = 0; w < 2; w++) {
                String[] f = got.get(1 + w).split(",");
                for (int i = 0; i < 6; i++) assertEquals(want[w][i], Float.parseFloat(f[i]), 0f);
            }
        }
        Path raw = tmp.resolve("raw.csv");
        assertEquals(0, run(new PredictCommand(), "--model", bundle.toString(), "--windows", in.toString(), "--out",
                raw.toString(), "--raw").code());
        assertEquals(24, Files.readAllLines(raw).get(1).split(",").length, "per-step raw output: T*C");

        Files.writeString(in, "1,2,3\n");
        r = run(new PredictCommand(), "--model", bundle.toString(), "--windows", in.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertEquals("streamcast: file " + in + " line 1: 3 values, a window needs T*C = 12*2 = 24 (time-major)\n", r.err());
    }

    @Test
    void inspectAndPublish() throws Exception {
        Result r = run(new InspectCommand(), bundle.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("checksum   OK") && r.out().contains("head       per-step (target next)"), r.out());

        Path store = tmp.resolve("store");
        r = run(new PublishCommand(), bundle.toString(), "--store", store.toString(), "--name", "sine");
        assertEquals(0, r.code(), r.err());
        assertEquals("1\n", r.out());
        r = run(new PublishCommand(), bundle.toString(), "--store", store.toString());
        assertEquals("1\n", r.out(), "default name is the bundle's: a new model");
        assertEquals("1", new ModelStore(store.toString()).latest("sine-per-step"));
        assertEquals("2\n", run(new PublishCommand(), bundle.toString(), "--store", store.toString(), "--name", "sine").out());
    }

    @Test
    void corruptBundleIsReportedNotPublished() throws Exception {
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        for (String f : List.of(ModelBundle.NETWORK_FILE, ModelBundle.MANIFEST_FILE)) Files.copy(bundle.resolve(f), bad.resolve(f));
        byte[] b = Files.readAllBytes(bad.resolve(ModelBundle.NETWORK_FILE));
        b[100] ^= 1;
        Files.write(bad.resolve(ModelBundle.NETWORK_FILE), b);
        Result r = run(new InspectCommand(), bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("checksum   FAILED: " + bad.resolve(ModelBundle.NETWORK_FILE) + ": sha256 mismatch"), r.out());
        r = run(new PublishCommand(), bad.toString(), "--store", tmp.resolve("store2").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("streamcast: not published: " + bad.resolve(ModelBundle.NETWORK_FILE)), r.err());
        assertFalse(Files.exists(tmp.resolve("store2/sine-per-step/1")));
        r = run(new EvaluateCommand(), "--model", bad.toString(), "--data", csv.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void channelIndependentLinearModelTrainsInspectsEvaluatesAndPredicts() throws Exception {
        Path ci = tmp.resolve("ci-linear");
        Result r = run(new TrainCommand(), "--data", csv.toString(), "--window", "12", "--horizon", "3", "--head", "flat",
                "--channel-independent", "--layers", "0", "--epochs", "3", "--lr", "0.01", "--lr-decay", "0.5", "--plots", "0",
                "--out", ci.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("linear (no LSTM), channel-independent"), r.err());
        JsonNode manifest = new ObjectMapper().readTree(ci.resolve("manifest.json").toFile());
        assertTrue(manifest.get("spec").get("channelIndependent").booleanValue());
        assertEquals(0, manifest.get("spec").get("layers").intValue());
        assertEquals(0.5, manifest.get("training").get("lrDecay").doubleValue(), 0);
        r = run(new InspectCommand(), ci.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("linear     Dense(12 -> 3), no LSTM") && r.out().contains("channel-independent"), r.out());
        Path json = tmp.resolve("ci-eval.json");
        r = run(new EvaluateCommand(), "--model", ci.toString(), "--data", csv.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode eval = new ObjectMapper().readTree(json.toFile());
        assertTrue(eval.get("model").get("mse").doubleValue() < eval.get("repeat").get("mse").doubleValue(), eval.toString());
        assertEquals(manifest.get("metrics").get("model").get("mse").doubleValue(), eval.get("model").get("mse").doubleValue(), 1e-6,
                "evaluate scores the bundle as training did");
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() {
        List<Object[]> cases = List.of(
                new Object[] {new TrainCommand(), new String[] {"--data", "x.csv"}},
                new Object[] {new TrainCommand(), new String[] {"--data", csv.toString(), "--window", "12", "--horizon", "3",
                    "--head", "sideways", "--out", "o"}},
                new Object[] {new TrainCommand(), new String[] {"--data", csv.toString(), "--window", "x", "--horizon", "3",
                    "--head", "flat", "--out", "o"}},
                new Object[] {new TrainCommand(), new String[] {"--data", tmp.resolve("missing.csv").toString(), "--window", "12",
                    "--horizon", "3", "--head", "flat", "--out", tmp.resolve("o").toString()}},
                new Object[] {new TrainCommand(), new String[] {"--data", csv.toString(), "--window", "12", "--horizon", "3",
                    "--head", "per-step", "--per-step-target", "aligned", "--out", tmp.resolve("o").toString()}},
                new Object[] {new TrainCommand(), new String[] {"--data", csv.toString(), "--window", "12", "--horizon", "3",
                    "--head", "flat", "--columns", "a,zz", "--out", tmp.resolve("o").toString()}},
                new Object[] {new TrainCommand(), new String[] {"--data", csv.toString(), "--window", "12", "--horizon", "12",
                    "--head", "per-step", "--per-step-target", "aligned", "--channel-independent", "--out", tmp.resolve("o").toString()}},
                new Object[] {new TrainCommand(), new String[] {"--data", csv.toString(), "--window", "12", "--horizon", "3",
                    "--head", "flat", "--lr-decay", "1.5", "--out", tmp.resolve("o").toString()}},
                new Object[] {new EvaluateCommand(), new String[] {"--model", tmp.resolve("nothing").toString(), "--data", csv.toString()}},
                new Object[] {new PublishCommand(), new String[] {bundle.toString()}},
                new Object[] {new InspectCommand(), new String[] {tmp.resolve("nothing").toString()}},
                new Object[] {new PredictCommand(), new String[] {"--model", bundle.toString(), "--windows", "nope.csv", "--out", "x"}});
        for (Object[] c : cases) {
            Result r = run(c[0], (String[]) c[1]);
            String what = String.join(" ", (String[]) c[1]);
            assertEquals(2, r.code(), what + " -> " + r.err());
            assertEquals(1, r.err().lines().count(), what + " -> " + r.err());
            assertTrue(r.err().startsWith("streamcast: "), r.err());
        }
        assertTrue(run(new TrainCommand(), "--data", tmp.resolve("missing.csv").toString(), "--window", "12", "--horizon", "3",
                "--head", "flat", "--out", "o").err().contains("missing.csv: not found"));
    }

    @Test
    void everyCommandHasHelp() {
        for (Object c : List.of(new TrainCommand(), new EvaluateCommand(), new PredictCommand(), new InspectCommand(),
                new PublishCommand())) {
            Result r = run(c, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().startsWith("Usage: "), r.out());
        }
    }
}

package io.streamcast.cli.model;

import io.streamcast.command.UsageError;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.ModelSpec;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code streamcast predict}: windows from a CSV file -> forecasts to a CSV file. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {
            "Forecast windows read from a CSV file.",
            "One window per row, T x C raw values, time-major (t1_ch1, t1_ch2, ...,",
            "tT_chC); an optional header line is skipped. Writes one forecast per row,",
            "H x C_out raw values (the target channels), step-major, under a header h1_<target>,...",
            "With --raw the inputs are already normalised and the output is the",
            "network's own output (flat: H*C; per-step: T*C time-major, no roll-out),",
            "e.g. to compare with Keras.", ""})
public final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec cmd;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--windows", required = true, paramLabel = "IN.csv", description = "Input windows, one per row.")
    Path windows;

    @Option(names = "--out", required = true, paramLabel = "OUT.csv", description = "Output forecasts, one per row.")
    Path out;

    @Option(names = "--raw", description = "Normalised inputs, raw network outputs (no normaliser, no roll-out).")
    boolean raw;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "B", description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        ForecastModel m = model.load();
        ModelSpec spec = m.spec();
        List<float[]> rows = readWindows(windows, spec.inputLength(), spec);
        int n = rows.size();
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write(header(spec));
            w.newLine();
            for (int from = 0; from < n; from += batch) {
                float[][] in = rows.subList(from, Math.min(n, from + batch)).toArray(new float[0][]);
                float[][] f = raw ? m.predictRaw(in) : m.predict(in);
                for (float[] r : f) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < r.length; i++) {
                        if (i > 0) sb.append(',');
                        sb.append(r[i]);
                    }
                    w.write(sb.toString());
                    w.newLine();
                }
            }
        }
        cmd.commandLine().getErr().println("wrote " + n + " forecast(s) to " + out);
        return 0;
    }

    private String header(ModelSpec spec) {
        int steps = raw && spec.head() == Head.PER_STEP ? spec.window() : spec.horizon();
        String prefix = raw ? "o" : "h";
        List<String> names = new ArrayList<>();
        for (int h = 1; h <= steps; h++) {
            for (String c : spec.targets()) names.add(prefix + h + "_" + c);
        }
        return String.join(",", names);
    }

    static List<float[]> readWindows(Path file, int length, ModelSpec spec) {
        List<float[]> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                String[] f = line.split(",", -1);
                if (lineNo == 1 && !looksNumeric(f[0])) continue; // header
                if (f.length != length) {
                    throw new UsageError("file " + file + " line " + lineNo + ": " + f.length + " values, a window needs T*C = "
                            + spec.window() + "*" + spec.channelCount() + " = " + length + " (time-major)");
                }
                float[] w = new float[length];
                for (int i = 0; i < length; i++) {
                    String v = f[i].trim();
                    try {
                        w[i] = Float.parseFloat(v);
                    } catch (NumberFormatException e) {
                        throw new UsageError("file " + file + " line " + lineNo + " value " + (i + 1) + ": not a number: '" + v + "'");
                    }
                    if (!Float.isFinite(w[i])) {
                        throw new UsageError("file " + file + " line " + lineNo + " value " + (i + 1) + ": not finite: '" + v + "'");
                    }
                }
                out.add(w);
            }
        } catch (NoSuchFileException e) {
            throw new UsageError("file " + file + ": not found; fix: check the path");
        } catch (java.io.IOException e) {
            throw new UsageError("file " + file + ": cannot read (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) throw new UsageError("file " + file + ": no windows (one window of T*C values per line)");
        return out;
    }

    private static boolean looksNumeric(String s) {
        try {
            Double.parseDouble(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

package io.streamcast.cli.model;

import io.streamcast.models.eval.Calibration;
import io.streamcast.command.UsageError;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Intervals;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.data.CsvTimeSeries;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.data.WindowSet;
import io.streamcast.models.eval.Evaluation;
import io.streamcast.models.eval.Scores;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code streamcast evaluate}: a bundle vs. the Repeat baseline on the test split of a CSV file. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {
            "Score a model against the Repeat baseline on the test split.",
            "Repeat forecasts the window's last value for every step. MSE and MAE,",
            "overall and per horizon step, on the normalised scale (the model's",
            "train-split z-score, as in the literature) and in raw units; over every",
            "test window, and under the published protocol (batches of 32, last",
            "partial batch dropped).",
            "JSON (--json): {windows, model:{mse, mae, mseByStep, maeByStep, raw:{...}},",
            "repeat:{...}, published:{windows, model, repeat}}.", ""})
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec cmd;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "Data (CSV) with the model's channels.")
    Path data;

    @Option(names = "--split", paramLabel = "TRAIN,VAL,TEST", converter = Converters.FractionsConverter.class,
            description = "Split fractions for non-ETT files (default 0.7,0.1,0.2).")
    Converters.Fractions split;

    @Option(names = "--json", paramLabel = "OUT.json", description = "Also write the scores as JSON.")
    Path json;

    @Option(names = "--coverage", defaultValue = "0.9", paramLabel = "P",
            description = "Interval coverage whose empirical coverage per step is shown, when the bundle has "
                    + "calibrated intervals (default: ${DEFAULT-VALUE}).")
    double coverage;

    @Option(names = "--per-step", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Print the per-step table (default: on).")
    boolean perStep;

    @Override
    public Integer call() throws Exception {
        ForecastModel m = model.load();
        ModelSpec spec = m.spec();
        TimeSeries series = CsvTimeSeries.read(data, spec.channels());
        Split s = Split.standard(data, series.length(), spec.window(), split == null ? null : split.values());
        WindowSet test = WindowSet.of(series.rows(), s.test(), spec);
        if (test.size() == 0) {
            throw new UsageError("file " + data + ": the test range " + s.test() + " holds no window of " + spec.window()
                    + " + " + spec.horizon() + " rows");
        }
        Evaluation e = Evaluation.evaluate(m::predict, m.normalizer(), test, 256, null);
        Intervals intervals = m.intervals();
        if (intervals != null && !intervals.has(coverage)) {
            throw new UsageError("--coverage " + coverage + ": not calibrated; the bundle has " + java.util.Arrays.toString(
                    intervals.coverages()));
        }
        double[] covered = intervals == null ? null : Calibration.empiricalCoverage(intervals, m::predict, test, coverage);
        PrintWriter out = cmd.commandLine().getOut();
        out.printf(Locale.ROOT, "model %s (version %s): %s head%s, T=%d, H=%d, C=%d, targets %s%n", m.name(), m.version(),
                spec.head(), spec.head() == io.streamcast.models.Head.PER_STEP ? " (" + spec.perStepTarget() + ")" : "",
                spec.window(), spec.horizon(), spec.channelCount(), spec.targets());
        out.printf(Locale.ROOT, "data %s, test rows %s (%s), %d windows%n%n", data, s.test(), s.protocol(), e.windows());
        out.println("                         normalised          raw units");
        out.println("                         MSE      MAE        MSE          MAE");
        row(out, "model", e.model());
        row(out, "Repeat", e.repeat());
        if (e.modelPublished() != null) {
            out.printf(Locale.ROOT, "published protocol (%d windows: batches of %d, last partial batch dropped)%n",
                    e.publishedWindows(), Evaluation.PUBLISHED_BATCH);
            row(out, "model", e.modelPublished());
            row(out, "Repeat", e.repeatPublished());
        }
        if (spec.targetCount() > 1) {
            out.printf(Locale.ROOT, "%nper target (normalised)  model MSE  Repeat MSE  model MAE  Repeat MAE%n");
            for (int k = 0; k < spec.targetCount(); k++) {
                out.printf(Locale.ROOT, "  %-20s  %9.4f  %10.4f  %9.4f  %10.4f%n", spec.targets().get(k),
                        e.model().mseByTarget()[k], e.repeat().mseByTarget()[k], e.model().maeByTarget()[k],
                        e.repeat().maeByTarget()[k]);
            }
        }
        double gain = 100 * (1 - e.model().mse() / e.repeat().mse());
        out.printf(Locale.ROOT, "%nmodel MSE is %.1f%% %s than Repeat%n", Math.abs(gain), gain >= 0 ? "lower" : "HIGHER");
        if (perStep) {
            out.printf(Locale.ROOT, "%nper step (normalised)  model MSE  model MAE  Repeat MSE  Repeat MAE%s%n",
                    covered == null ? "" : String.format(Locale.ROOT, "  in %.0f%% interval", 100 * coverage));
            for (int h = 0; h < spec.horizon(); h++) {
                out.printf(Locale.ROOT, "  %4d                 %9.4f  %9.4f  %10.4f  %10.4f%s%n", h + 1,
                        e.model().mseByStep()[h], e.model().maeByStep()[h], e.repeat().mseByStep()[h],
                        e.repeat().maeByStep()[h],
                        covered == null ? "" : String.format(Locale.ROOT, "  %17.1f%%", 100 * covered[h]));
            }
        }
        if (json != null) {
            ObjectNode n = e.toJson();
            n.put("modelDir", model.dir.toString());
            n.put("name", m.name());
            n.put("version", m.version());
            n.put("data", data.toString());
            n.put("test", s.test().toString());
            n.put("split", s.protocol());
            if (covered != null) {
                com.fasterxml.jackson.databind.node.ObjectNode c = n.putObject("intervalCoverage");
                c.put("nominal", coverage);
                com.fasterxml.jackson.databind.node.ArrayNode a = c.putArray("byStep");
                for (double v : covered) a.add(v);
            }
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(n) + "\n");
            out.println("\nwrote " + json);
        }
        return 0;
    }

    private static void row(PrintWriter out, String label, Scores s) {
        out.printf(Locale.ROOT, "  %-20s  %7.4f  %7.4f    %11.4f  %11.4f%n", label, s.mse(), s.mae(), s.rawMse(), s.rawMae());
    }
}

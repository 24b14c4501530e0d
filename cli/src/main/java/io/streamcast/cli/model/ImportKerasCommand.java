package io.streamcast.cli.model;

import io.streamcast.models.eval.Calibration;
import io.streamcast.models.keras.KerasImporter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Nd4jRuntime;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import io.streamcast.command.UsageError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code streamcast import-keras}: a Keras 2/3 LSTM model (.h5 or .keras) -> an ordinary model bundle. */
@Command(name = "import-keras", mixinStandardHelpOptions = true,
        description = {
            "Import a Keras LSTM model (.h5 or .keras) as a model bundle.",
            "Keras 2 .h5, Keras 3 .h5 or .keras; publish, predict and the job use the bundle",
            "like any other. Supported: Sequential or functional, one input (T, C), one",
            "output, a chain of InputLayer, LSTM, Dense, TimeDistributed(Dense), Dropout and",
            "Reshape((H, C)):",
            "  flat:     LSTM(u) -> Dense(H*C) [-> Reshape((H, C))]: every channel;",
            "            Dense(H*C_out): the --targets; any other size n: H = n steps of one",
            "            target (the classic LSTM -> Dense(n_timesteps))",
            "  per-step: LSTM(u, return_sequences=True) -> TimeDistributed(Dense(C)); with",
            "            Dense(C_out < C) output t is step T+t of the targets (aligned, H = T)",
            "Sigmoid/softmax outputs are served as they are (no de-normalisation).",
            "Anything else is refused with the layer and option named. Compare with Keras:",
            "  ./streamcast predict --model DIR --windows IN.csv --out OUT.csv --raw",
            ""})
public final class ImportKerasCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "Keras model file: .h5 or .keras.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "New bundle directory (must not exist or be empty).")
    Path out;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Normalization normalization;

    static final class Normalization {
        @Option(names = "--normalizer", paramLabel = "STATS.json", description = {
            "Per-channel statistics the Keras model was trained with: {\"mean\": [...], \"std\": [...]}",
            "(optionally \"channels\": [names], \"window\": none|last|mean), or a bundle directory / its",
            "manifest.json to take them from. Raw windows are z-scored before the network, forecasts de-normalised."})
        Path stats;

        @Option(names = "--no-normalization", description = "The Keras model takes raw values (no z-score).")
        boolean none;
    }

    @Option(names = "--horizon", paramLabel = "H", description = {
        "Forecast steps. Flat head: derived from the Dense size (checked if given).",
        "Per-step head: roll-out length for --per-step-target next (default 1); aligned means H = T."})
    Integer horizon;

    @Option(names = "--targets", split = ",", paramLabel = "NAME", description = {
        "The input channels the model forecasts, in output order (default: all when the output",
        "has C values per step; for one forecast series the first channel, which must be named",
        "when --normalizer is given). Per-step heads with fewer targets than inputs are aligned."})
    List<String> targets;

    @Option(names = "--per-step-target", paramLabel = "next|aligned", converter = TargetConverter.class,
            description = "What the per-step Keras model was trained to predict: output t = step t+1 (next, default) "
                    + "or step T+t (aligned).")
    PerStepTarget perStepTarget;

    @Option(names = "--step-millis", defaultValue = "0", paramLabel = "MS",
            description = "Interval between steps in milliseconds (default: ${DEFAULT-VALUE} = unknown / count based).")
    long stepMillis;

    @Option(names = "--window", paramLabel = "T", description = "Window length, only for models whose input accepts any number of steps.")
    Integer window;

    @Option(names = "--channels", split = ",", paramLabel = "NAME", description = "Channel names in input order (default: from --normalizer, else c0,c1,...).")
    List<String> channels;

    @Option(names = "--calibration-data", paramLabel = "FILE.csv", description = {
        "Calibrate prediction intervals on the validation split of this CSV (columns = the model's",
        "channel names; ETT files: the standard split, others 70/10/20). Forecasts then carry",
        "split-conformal lower/upper bounds."})
    Path calibrationData;

    @Option(names = "--name", paramLabel = "NAME", description = "Model name (default: the file name without extension).")
    String name;

    static final class TargetConverter implements ITypeConverter<PerStepTarget> {
        @Override
        public PerStepTarget convert(String value) {
            return PerStepTarget.parse(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        Nd4jRuntime.limitThreads(1);
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new UsageError("--out " + out + ": exists and is not empty; bundles are immutable, choose a new directory");
                }
            }
        } else if (Files.exists(out)) {
            throw new UsageError("--out " + out + ": exists and is not a directory");
        }
        Stats stats = normalization.none ? new Stats(null, null) : readStats(normalization.stats);
        List<String> names = channels != null && !channels.isEmpty() ? channels : stats.channels();
        String modelName = name != null ? name : defaultName(model);
        KerasImporter.Options options = new KerasImporter.Options(horizon, perStepTarget, window, names, stepMillis, targets);
        Manifest m = KerasImporter.importToBundle(model, out, modelName, stats.normalizer(), options);
        if (calibrationData != null) {
            io.streamcast.models.data.TimeSeries series;
            try {
                series = io.streamcast.models.data.CsvTimeSeries.read(calibrationData, m.spec().channels());
            } catch (RuntimeException e) {
                throw new UsageError("--calibration-data " + calibrationData + ": " + e.getMessage());
            }
            m = Calibration.bundle(out, series, io.streamcast.models.data.Split.standard(calibrationData,
                    series.length(), m.spec().window(), null));
            System.err.println("calibrated intervals on " + m.intervals().windows() + " windows of " + calibrationData);
        }
        ModelSpec s = m.spec();
        JsonNode src = m.source();
        System.err.println("imported " + model.getFileName() + " (" + src.get("format").asText() + ", Keras "
                + src.get("kerasVersion").asText() + "): " + describe(src) + " -> " + s.head() + " head, T=" + s.window()
                + " C=" + s.channelCount() + " H=" + s.horizon() + " targets " + s.targets()
                + (src.path("targetAssumed").asBoolean() ? " (assumed: name it with --targets)" : "")
                + (s.head() == io.streamcast.models.Head.PER_STEP ? " (target " + s.perStepTarget() + ")" : "")
                + ", " + (stats.normalizer() == null ? "no normalisation" : "normaliser from " + normalization.stats));
        JsonNode outLayer = null;
        for (JsonNode l : src.get("layers")) if (l.has("units") && !"LSTM".equals(l.get("class").asText())) outLayer = l;
        if (outLayer != null && !"linear".equals(outLayer.path("activation").asText())) {
            System.err.println("note: the output activation is " + outLayer.path("activation").asText()
                    + " (a classifier?): predict --raw gives its outputs"
                    + (s.head() == io.streamcast.models.Head.PER_STEP
                            ? "; the per-step roll-out feeds outputs back as inputs, which is meant for forecasters" : ""));
        }
        System.err.println("wrote bundle " + out + " (name " + modelName + "); publish it with: ./streamcast publish "
                + out + " --store ROOT");
        System.out.println(out);
        return 0;
    }

    private static String describe(JsonNode src) {
        List<String> parts = new ArrayList<>();
        for (JsonNode l : src.get("layers")) {
            String cls = l.get("class").asText();
            if (cls.equals("InputLayer")) continue;
            String p = cls.equals("TimeDistributed") ? "TimeDistributed(Dense" : cls;
            if (l.has("units")) {
                p += "(" + l.get("units").asInt() + (l.has("activation") ? " " + l.get("activation").asText() : "") + ")";
            }
            if (cls.equals("TimeDistributed")) p += ")";
            if (l.has("targetShape")) p += "(" + l.get("targetShape").toString().replaceAll("[\\[\\]]", "") + ")";
            parts.add(p);
        }
        return String.join(" -> ", parts);
    }

    static String defaultName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    record Stats(Normalizer normalizer, List<String> channels) {
    }

    static Stats readStats(Path file) {
        Path f = Files.isDirectory(file) ? file.resolve(ModelBundle.MANIFEST_FILE) : file;
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(Files.readString(f));
        } catch (NoSuchFileException e) {
            throw new UsageError("--normalizer " + f + ": not found");
        } catch (JsonProcessingException e) {
            throw new UsageError("--normalizer " + f + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw new UsageError("--normalizer " + f + ": cannot read (" + e.getMessage() + ")");
        }
        List<String> names = null;
        JsonNode stats = n;
        if (n.has("normalizer")) {
            stats = n.get("normalizer");
            JsonNode ch = n.path("spec").path("channels");
            if (ch.isArray()) names = texts(ch);
        } else if (n.path("channels").isArray()) {
            names = texts(n.get("channels"));
        }
        try {
            return new Stats(Normalizer.fromJson(stats), names);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--normalizer " + f + ": " + e.getMessage()
                    + "; fix: give {\"mean\": [one per channel], \"std\": [one per channel]}");
        }
    }

    private static List<String> texts(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }
}

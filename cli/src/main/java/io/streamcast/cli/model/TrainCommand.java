package io.streamcast.cli.model;

import io.streamcast.command.UsageError;
import io.streamcast.models.Head;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Nd4jRuntime;
import io.streamcast.models.PerStepTarget;
import io.streamcast.models.WindowNorm;
import io.streamcast.models.data.CsvTimeSeries;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.eval.Scores;
import io.streamcast.models.train.TrainConfig;
import io.streamcast.models.train.TrainListener;
import io.streamcast.models.train.TrainingRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code streamcast train}: CSV time series -> model bundle + report.json + PNG plots. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {
            "Train an LSTM forecaster on a CSV time series.",
            "The CSV has a header, a time column, then numeric columns. Writes the model",
            "bundle (network.zip + manifest.json), report.json, loss.png and",
            "forecast-N.png to --out.",
            "Split: ETTh*/ETTm* files use the standard 12/4/4-month split, other files",
            "70/10/20 of the rows (see --split). Early stopping on the validation MSE;",
            "the validation windows then calibrate prediction intervals (split conformal).", ""})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec cmd;

    @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "Training data (CSV).")
    Path data;

    @Option(names = "--columns", split = ",", paramLabel = "a,b",
            description = "Channels to use, by header name (default: every column after the time column).")
    List<String> columns;

    @Option(names = "--targets", split = ",", paramLabel = "a,b",
            description = "Channels to forecast, by name, among the input channels (default: all). The per-step "
                    + "head's 'next' roll-out feeds outputs back as inputs, so it needs all channels: with fewer "
                    + "targets use --head flat or --per-step-target aligned.")
    List<String> targets;

    @Option(names = "--window", required = true, paramLabel = "T", description = "Input steps per window.")
    int window;

    @Option(names = "--horizon", required = true, paramLabel = "H", description = "Forecast steps.")
    int horizon;

    @Option(names = "--head", required = true, paramLabel = "flat|per-step", converter = Converters.HeadConverter.class,
            description = "flat: last LSTM state -> Dense(H*C_out). per-step: LSTM -> the same Dense(C_out) at every "
                    + "step (Keras TimeDistributed(Dense)); C_out = the number of --targets.")
    Head head;

    @Option(names = "--per-step-target", defaultValue = "next", paramLabel = "next|aligned",
            converter = Converters.TargetConverter.class,
            description = "per-step head: next (output t predicts step t+1; H steps by roll-out; default) or aligned "
                    + "(H = T, output t predicts step T+t in one pass).")
    PerStepTarget target;

    @Option(names = "--units", defaultValue = "64", paramLabel = "U", description = "LSTM units per layer (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--layers", defaultValue = "1", paramLabel = "L", description = "Stacked LSTM layers (default: ${DEFAULT-VALUE}); 0: no LSTM, a linear Dense layer from the "
                    + "whole window to the forecast (flat head; with --window-norm last the literature's NLinear).")
    int layers;

    @Option(names = "--activation", defaultValue = "tanh", paramLabel = "tanh|relu",
            description = "LSTM activation (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--channel-independent",
            description = "Train ONE univariate network shared by all target channels (as PatchTST/DLinear): each "
                    + "channel's window [T, 1] in, its H steps out; C_out times the training samples, input width 1. "
                    + "Flat head only. The bundle serves like any other (predict, evaluate, the job).")
    boolean channelIndependent;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "E", description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.001", paramLabel = "RATE", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-decay", defaultValue = "1", paramLabel = "G",
            description = "Learning rate of epoch e = --lr * G^(e-1), in (0, 1] (default: ${DEFAULT-VALUE} = constant).")
    double lrDecay;

    @Option(names = "--patience", defaultValue = "3", paramLabel = "N",
            description = "Early stopping: epochs without a better validation loss (0 = off; default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--window-norm", defaultValue = "last", paramLabel = "none|last|mean",
            converter = Converters.WindowNormConverter.class,
            description = "Per-window normalisation after the z-score: subtract the window's last value or mean "
                    + "per channel, add it back to the forecast (default: ${DEFAULT-VALUE}; 'none' is the "
                    + "published ETT protocol's plain z-score).")
    WindowNorm windowNorm;

    @Option(names = "--split", paramLabel = "TRAIN,VAL,TEST", converter = Converters.FractionsConverter.class,
            description = "Split fractions for non-ETT files, e.g. 0.7,0.1,0.2 (the default for them).")
    Converters.Fractions split;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "ND4J/BLAS threads (default: ${DEFAULT-VALUE}; more is usually slower on small machines).")
    int threads;

    @Option(names = "--name", paramLabel = "NAME", description = "Model name (default: <data file>-<head>).")
    String name;

    @Option(names = "--plots", defaultValue = "3", paramLabel = "N",
            description = "Forecast-vs-actual plots of test windows (default: ${DEFAULT-VALUE}).")
    int plots;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (bundle, report, plots).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Nd4jRuntime.limitThreads(threads);
        TimeSeries series = CsvTimeSeries.read(data, columns);
        ModelSpec spec;
        try {
            spec = new ModelSpec(window, series.channels(), horizon, head, target, units, layers, activation,
                    series.stepMillis(), targets, channelIndependent);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        TrainConfig cfg = trainConfig();
        Split s = Split.standard(data, series.length(), window, split == null ? null : split.values());
        String modelName = name != null ? name : defaultName(data, head);
        cmd.commandLine().getErr().printf(Locale.ROOT,
                "training %s: %s head%s, T=%d, H=%d, C=%d %s, targets %s, %s%s%n",
                modelName, head, head == Head.PER_STEP ? " (" + target + ")" : "", window, horizon, spec.channelCount(),
                spec.channels(), spec.targets(), layers == 0 ? "linear (no LSTM)" : layers + " LSTM layer(s) x " + units + " units",
                channelIndependent ? ", channel-independent" : "");
        cmd.commandLine().getErr().printf(Locale.ROOT, "split (%s): train %s, validation %s, test %s; %d / %d / %d windows%n",
                s.protocol(), s.train(), s.validation(), s.test(), s.train().windowCount(window, horizon),
                s.validation().windowCount(window, horizon), s.test().windowCount(window, horizon));
        TrainingRun.Outcome o = TrainingRun.run(series, s, spec, windowNorm,
                cfg, modelName, out, plots, new Progress());
        Scores m = o.test().model();
        Scores r = o.test().repeat();
        cmd.commandLine().getOut().printf(Locale.ROOT, "best epoch %d of %d (%.1f s)%n", o.training().bestEpoch(),
                o.training().trainLoss().length, o.training().millis() / 1000.0);
        cmd.commandLine().getOut().printf(Locale.ROOT, "test (%d windows)  normalised MSE / MAE: model %.4f / %.4f   Repeat %.4f / %.4f%n",
                o.test().windows(), m.mse(), m.mae(), r.mse(), r.mae());
        cmd.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s%n", out, o.files().stream()
                .map(p -> p.getFileName().toString()).toList());
        return 0;
    }

    private TrainConfig trainConfig() {
        try {
            return new TrainConfig(epochs, batch, lr, patience, seed, lrDecay);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    static String defaultName(Path data, Head head) {
        String f = data.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return (dot > 0 ? f.substring(0, dot) : f).replaceAll("[^A-Za-z0-9._-]", "_") + "-" + head.cliName();
    }

    /** One progress bar per epoch on stderr: batches, loss, then validation loss. */
    static final class Progress implements TrainListener {
        private ProgressBar bar;
        private double lossSum;
        private int batches;
        private String trainLoss = "";

        @Override
        public void epochStarted(int epoch, int epochs, int total) {
            lossSum = 0;
            batches = 0;
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                    .setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    // redirected to a file: fewer redraws
                    .setUpdateIntervalMillis(System.console() != null ? 500 : 10_000)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }

        @Override
        public void batchDone(int batch, double loss) {
            lossSum += loss;
            batches++;
            bar.step();
            trainLoss = String.format(Locale.ROOT, "loss %.4f", lossSum / batches);
            bar.setExtraMessage(trainLoss);
        }

        @Override
        public void validating(int windows) {
            bar.setExtraMessage(trainLoss + ", validating " + windows + " windows");
        }

        @Override
        public void epochDone(int epoch, double train, double val, boolean best) {
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f val %.4f%s", train, val, best ? " *" : ""));
            bar.close();
        }
    }
}

package io.streamcast.models.train;

import io.streamcast.models.eval.Calibration;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Intervals;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.ModelSpecs;
import io.streamcast.models.WindowNorm;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.data.WindowSet;
import io.streamcast.models.eval.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole training run: train, score on the test split, write the bundle, {@code report.json} and the PNG
 * plots into one directory.
 */
public final class TrainingRun {
    public static final String REPORT = "report.json";
    public static final String LOSS_PNG = "loss.png";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingRun() {
    }

    /** What a run produced. */
    public record Outcome(Manifest manifest, TrainResult training, Evaluation test, List<Path> files) {
    }

    public static Outcome run(TimeSeries series, Split split, ModelSpec spec, WindowNorm windowNorm, TrainConfig cfg,
            String name, Path out, int plotWindows, TrainListener listener) throws IOException {
        TrainResult result = Trainer.train(series, split, spec, windowNorm, cfg, listener);
        Manifest manifest = Manifest.of(name, spec, result.normalizer());
        ForecastModel model = ForecastModel.of(manifest, result.network());
        WindowSet test = WindowSet.of(series.rows(), split.test(), spec);
        Evaluation eval = Evaluation.evaluate(model::predict, result.normalizer(), test, 256, null);
        // Early stopping picked the epoch on the validation split but fitted nothing to it: it calibrates.
        Intervals intervals = Calibration.intervals(model::predict, WindowSet.of(series.rows(), split.validation(), spec),
                "validation rows " + split.validation());
        double[] coverage = Calibration.empiricalCoverage(intervals, model::predict, test, Intervals.DEFAULT_COVERAGE);

        ObjectNode training = trainingInfo(series, split, spec, windowNorm, cfg, result);
        ObjectNode metrics = JsonNodeFactory.instance.objectNode();
        metrics.put("split", "test " + split.test());
        metrics.put("windows", eval.windows());
        metrics.set("model", summary(eval.model().mse(), eval.model().mae(), eval.model().rawMse(), eval.model().rawMae()));
        metrics.set("repeat", summary(eval.repeat().mse(), eval.repeat().mae(), eval.repeat().rawMse(),
                eval.repeat().rawMae()));
        ObjectNode cov = metrics.putObject("intervalCoverage");
        cov.put("nominal", Intervals.DEFAULT_COVERAGE);
        ArrayNode byStep = cov.putArray("byStep");
        for (double v : coverage) byStep.add(v);
        Manifest written = ModelBundle.write(out,
                manifest.withTraining(training).withMetrics(metrics).withIntervals(intervals), result.network());

        List<Path> files = new ArrayList<>(List.of(out.resolve(ModelBundle.NETWORK_FILE),
                out.resolve(ModelBundle.MANIFEST_FILE)));
        Path loss = out.resolve(LOSS_PNG);
        double repeatVal = Evaluation.evaluate(null, result.normalizer(),
                WindowSet.of(series.rows(), split.validation(), spec), 1024, null).repeat().mse();
        Plots.loss(loss, result.trainLoss(), result.valLoss(), repeatVal, result.bestEpoch());
        files.add(loss);
        files.addAll(forecastPlots(model, series, test, out, plotWindows));

        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("name", name);
        report.put("created", written.created().toString());
        report.set("spec", ModelSpecs.toJson(spec));
        report.set("normalizer", result.normalizer().toJson());
        report.set("training", training);
        report.set("test", eval.toJson());
        ArrayNode f = report.putArray("files");
        Path reportFile = out.resolve(REPORT);
        files.add(reportFile);
        for (Path p : files) f.add(p.getFileName().toString());
        Files.writeString(reportFile, JSON.writeValueAsString(report) + "\n");
        return new Outcome(written, result, eval, files);
    }

    private static ObjectNode summary(double mse, double mae, double rawMse, double rawMae) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("mse", mse);
        n.put("mae", mae);
        n.put("rawMse", rawMse);
        n.put("rawMae", rawMae);
        return n;
    }

    private static ObjectNode trainingInfo(TimeSeries series, Split split, ModelSpec spec, WindowNorm windowNorm,
            TrainConfig cfg, TrainResult result) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("data", series.source().getFileName().toString());
        t.put("rows", series.length());
        ArrayNode cols = t.putArray("columns");
        spec.channels().forEach(cols::add);
        ArrayNode targets = t.putArray("targets");
        spec.targets().forEach(targets::add);
        ObjectNode s = t.putObject("split");
        s.put("protocol", split.protocol());
        s.put("train", split.train().toString());
        s.put("validation", split.validation().toString());
        s.put("test", split.test().toString());
        s.put("trainWindows", split.train().windowCount(spec.window(), spec.horizon()));
        s.put("validationWindows", split.validation().windowCount(spec.window(), spec.horizon()));
        s.put("testWindows", split.test().windowCount(spec.window(), spec.horizon()));
        t.put("windowNorm", windowNorm.cliName());
        t.put("epochs", cfg.epochs());
        t.put("epochsRun", result.trainLoss().length);
        t.put("bestEpoch", result.bestEpoch());
        t.put("stoppedEarly", result.stoppedEarly());
        t.put("batch", cfg.batchSize());
        t.put("learningRate", cfg.learningRate());
        t.put("lrDecay", cfg.lrDecay());
        t.put("channelIndependent", spec.channelIndependent());
        t.put("patience", cfg.patience());
        t.put("seed", cfg.seed());
        t.put("millis", result.millis());
        ArrayNode tl = t.putArray("trainLoss");
        for (double v : result.trainLoss()) tl.add(v);
        ArrayNode vl = t.putArray("valLoss");
        for (double v : result.valLoss()) vl.add(v);
        return t;
    }

    /** Forecast vs actual for a few test windows spread over the test range, last target channel. */
    private static List<Path> forecastPlots(ForecastModel model, TimeSeries series, WindowSet test, Path out, int count)
            throws IOException {
        List<Path> files = new ArrayList<>();
        if (count <= 0 || test.size() == 0) return files;
        int c = series.channelCount();
        int[] targets = test.targets();
        int cOut = targets.length;
        int channel = targets[cOut - 1];
        int t = test.window();
        int h = test.horizon();
        int tailLength = Math.min(t, Math.max(2 * h, 24));
        for (int k = 0; k < count; k++) {
            int i = (int) ((long) (test.size() - 1) * (k + 1) / (count + 1));
            float[] in = test.input(i);
            float[] target = test.target(i);
            float[] f = model.predict(new float[][] {in})[0];
            float[] tail = new float[tailLength];
            for (int j = 0; j < tailLength; j++) tail[j] = in[(t - tailLength + j) * c + channel];
            float[] actual = new float[h];
            float[] forecast = new float[h];
            for (int j = 0; j < h; j++) {
                actual[j] = target[j * cOut + cOut - 1];
                forecast[j] = f[j * cOut + cOut - 1];
            }
            int lastRow = test.start(i) + t - 1;
            Path png = out.resolve("forecast-" + (k + 1) + ".png");
            Plots.forecast(png, "Test window ending " + series.times()[lastRow] + " (row " + lastRow + "): "
                    + series.channels().get(channel), series.channels().get(channel), tail, actual, forecast);
            files.add(png);
        }
        return files;
    }
}

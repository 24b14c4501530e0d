package io.streamcast.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.config.JobConfig;
import io.streamcast.models.BundleException;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.InvalidInputException;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.data.CsvTimeSeries;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.data.WindowSet;
import io.streamcast.models.eval.Calibration;
import io.streamcast.process.DeployScripts;
import io.streamcast.process.JavaProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast bench coverage}: the test split of a CSV series replayed through the job (real
 * broker, the job in its own JVM with a local Flink), and the empirical coverage of the forecasts'
 * intervals per horizon step as the job's online evaluator reports it on the evaluation topic, next
 * to the nominal coverage and to {@code streamcast evaluate}'s offline coverage on the same windows.
 */
@Command(name = "coverage", mixinStandardHelpOptions = true,
        description = {"Interval coverage through the job: the test split of --data replayed as one sensor (the file's own "
                + "timestamps) through a real broker and the job; prints the empirical coverage per horizon step from the "
                + "evaluation topic vs the nominal coverage (and vs the offline coverage of the same windows), writes a PNG.",
            "The model must have calibrated intervals (streamcast train does that; import-keras with --calibration-data).",
            "Without --bootstrap a broker is started (work/bench/kafka-coverage, port 19292) and stopped afterwards."})
public final class CoverageBenchCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", defaultValue = "models/bundled/etth1-demo",
            description = "Model bundle with intervals (default ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--data", paramLabel = "FILE.csv", defaultValue = "data/ett/ETTh1.csv",
            description = "Series whose test split is replayed (ETT files: the standard split; default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--coverage", paramLabel = "P", defaultValue = "0.9", description = "Nominal coverage (inference.interval-coverage, default ${DEFAULT-VALUE}).")
    double coverage;

    @Option(names = "--tolerance", paramLabel = "POINTS", defaultValue = "3", description = "Goal: |coverage - nominal| within this many percentage points at every step (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this broker instead of starting one.")
    String bootstrap;

    @Option(names = "--kafka-port", defaultValue = "19292", description = "Port of the broker started here (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the results as JSON to OUT.")
    Path json;

    @Option(names = "--plot", paramLabel = "PNG", description = "Coverage per step (default work/bench/coverage.png).")
    Path plot;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch: job log, broker (default <repo>/work/bench).")
    Path workDir;

    private static final Duration TIMEOUT = Duration.ofMinutes(15);
    private Process job;

    @Override
    public Integer call() throws Exception {
        if (!(coverage > 0 && coverage < 1) || tolerance <= 0 || parallelism < 1) {
            throw new InvalidInputException("need 0 < --coverage < 1, --tolerance > 0, --parallelism >= 1");
        }
        Manifest manifest;
        try {
            manifest = ModelBundle.readManifest(model);
        } catch (BundleException e) {
            throw new InvalidInputException("--model " + model + ": " + e.getMessage() + "; fix: pass a bundle written by 'streamcast train'");
        }
        if (manifest.intervals() == null || !manifest.intervals().has(coverage)) {
            throw new InvalidInputException("--model " + model + " has no calibrated interval at coverage " + coverage
                    + "; fix: a bundle from 'streamcast train' (or import-keras --calibration-data), --coverage one of 0.5 .. 0.99");
        }
        ModelSpec spec = manifest.spec();
        TimeSeries series = CsvTimeSeries.read(data, spec.channels());
        Split split = Split.standard(data, series.length(), spec.window(), null);
        Split.Range test = split.test();
        int expected = CoverageReplay.scorableWindows(test.end() - test.start(), spec.window(), spec.horizon());
        if (expected == 0) throw new InvalidInputException("the test split " + test + " of " + data + " holds no window");
        Path work = BenchPaths.work(workDir);
        Files.createDirectories(work);
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "streamcast bench coverage: model %s (%s), %s test split rows [%d, %d) (%s .. %s) as one sensor, %d windows, nominal %.0f %%%n",
                model, InferenceBenchCommand.describe(spec), data, test.start(), test.end(), series.times()[test.start()],
                series.times()[test.end() - 1], expected, coverage * 100);

        String run = "coverage-" + Long.toString(System.currentTimeMillis(), 36);
        CoverageReplay.Topics topics = CoverageReplay.Topics.named(run);
        Path kafkaWork = work.resolve("kafka-coverage");
        boolean ownBroker = bootstrap == null;
        String servers = ownBroker ? "127.0.0.1:" + kafkaPort : bootstrap;
        Path log = work.resolve("coverage-job.log");
        Thread hook = new Thread(this::stopJob, "bench-coverage-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        CoverageReplay.Coverage measured;
        long t0 = System.nanoTime();
        try {
            if (ownBroker) {
                int rc = DeployScripts.run("kafka.sh", List.of("start", "--work-dir", kafkaWork.toString(),
                        "--port", String.valueOf(kafkaPort), "--controller-port", String.valueOf(kafkaPort + 1)));
                if (rc != 0) throw new InvalidInputException("kafka start failed (exit " + rc + "); see its message above");
            }
            CoverageReplay.createTopics(servers, topics, parallelism);
            List<String> settings = CoverageReplay.jobSettings(servers, topics, model, coverage, parallelism);
            JobConfig.load(null, new ArrayList<>(settings)); // a bad setting fails here, in one line
            List<String> args = new ArrayList<>(settings);
            args.add("local.web-ui.port=0");
            job = JavaProcess.of(List.of(), E2eJob.class.getName(), args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            System.err.println("bench coverage: job started (pid " + job.pid() + ", log " + log + "); replaying " + (test.end() - test.start()) + " readings");
            int sent = CoverageReplay.replay(servers, topics.readings(), "replay-test", series, test);
            System.err.println("bench coverage: " + sent + " readings sent; waiting for " + expected + " evaluations");
            List<ForecastEvaluation> evaluations = CoverageReplay.evaluations(
                    CoverageReplay.read(servers, topics.evaluations(), expected, TIMEOUT, () -> checkJob(log)));
            if (evaluations.size() != expected) {
                throw new IllegalStateException(evaluations.size() + " evaluations, expected " + expected + " (one per window)");
            }
            measured = CoverageReplay.coverage(evaluations);
        } finally {
            stopJob();
            if (ownBroker) {
                DeployScripts.run("kafka.sh", List.of("stop", "--work-dir", kafkaWork.toString()));
            } else {
                deleteTopics(servers, topics);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        double[] offline;
        try (ForecastModel m = ForecastModel.load(model)) {
            offline = Calibration.empiricalCoverage(manifest.intervals(), m::predict, WindowSet.of(series.rows(), test, spec), coverage);
        }
        int h = spec.horizon();
        out.println();
        out.println("step   job coverage %   +- s.e.   offline (evaluate) %   nominal %   deviation   within +-" + fmt(tolerance));
        boolean allWithin = true;
        for (int s = 0; s < h; s++) {
            double dev = 100 * (measured.byStep()[s] - coverage);
            boolean within = Math.abs(dev) <= tolerance;
            allWithin &= within;
            out.printf(Locale.ROOT, "%4d   %14.2f   %7.2f   %20.2f   %9.1f   %+9.2f   %s%n", s + 1, 100 * measured.byStep()[s],
                    100 * measured.standardError()[s], 100 * offline[s], 100 * coverage, dev, within ? "yes" : "NO");
        }
        out.printf(Locale.ROOT, "%d forecasts scored by the job in %.0f s; calibrated on %d validation windows (%s); s.e.: batch means over blocks of %d forecasts%n",
                measured.forecasts(), seconds, manifest.intervals().windows(), manifest.intervals().split(), CoverageReplay.BLOCK);
        out.println(allWithin ? "goal met: every step within +-" + fmt(tolerance) + " points of nominal"
                : "goal NOT met at every step (largest deviation " + String.format(Locale.ROOT, "%.2f", 100 * measured.worstDeviation()) + " points)");

        Path png = plot != null ? plot : work.resolve("coverage.png");
        chart(png, measured, offline, manifest.name() + " on " + data.getFileName() + " test split through the job");
        out.println("chart: " + png);
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("benchmark", "coverage");
            doc.put("date", Instant.now().toString());
            doc.put("model", model.toString());
            doc.put("spec", InferenceBenchCommand.describe(spec));
            doc.put("data", data.toString());
            doc.put("test", test.toString());
            doc.put("nominal", coverage);
            doc.put("forecasts", measured.forecasts());
            doc.put("byStep", measured.byStep());
            doc.put("standardError", measured.standardError());
            doc.put("offlineByStep", offline);
            doc.put("tolerancePoints", tolerance);
            doc.put("withinTolerance", allWithin);
            doc.put("calibrationWindows", manifest.intervals().windows());
            doc.put("seconds", seconds);
            doc.put("plot", png.toString());
            if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
            out.println("JSON: " + json);
        }
        return 0;
    }

    private static String fmt(double points) {
        return String.format(Locale.ROOT, "%.1f", points);
    }

    private void chart(Path png, CoverageReplay.Coverage c, double[] offline, String title) throws IOException {
        int h = c.byStep().length;
        double[] x = new double[h];
        double[] job = new double[h];
        double[] off = new double[h];
        double[] lo = new double[h];
        double[] hi = new double[h];
        double[] nominal = new double[h];
        double[] err = new double[h];
        for (int s = 0; s < h; s++) {
            x[s] = s + 1;
            job[s] = 100 * c.byStep()[s];
            err[s] = 100 * c.standardError()[s];
            off[s] = 100 * offline[s];
            nominal[s] = 100 * coverage;
            lo[s] = nominal[s] - tolerance;
            hi[s] = nominal[s] + tolerance;
        }
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
                .xAxisTitle("horizon step").yAxisTitle("actual values inside the interval, %").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        XYSeries j = chart.addSeries("job (evaluation topic), +- 1 s.e.", x, job, err);
        j.setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("offline (streamcast evaluate)", x, off).setMarker(SeriesMarkers.DIAMOND);
        chart.addSeries("nominal", x, nominal).setMarker(SeriesMarkers.NONE);
        chart.addSeries("nominal - " + fmt(tolerance), x, lo).setMarker(SeriesMarkers.NONE);
        chart.addSeries("nominal + " + fmt(tolerance), x, hi).setMarker(SeriesMarkers.NONE);
        if (png.toAbsolutePath().getParent() != null) Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private void checkJob(Path log) {
        if (job != null && !job.isAlive()) {
            throw new InvalidInputException("the job stopped (exit " + job.exitValue() + "); see " + log);
        }
    }

    private void stopJob() {
        JavaProcess.stop(job);
    }

    private static void deleteTopics(String servers, CoverageReplay.Topics topics) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            admin.deleteTopics(topics.all()).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("bench coverage: could not delete topics " + topics.all() + ": " + e.getMessage());
        }
    }
}

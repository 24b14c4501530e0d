package io.streamcast.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamcast.models.BundleException;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.InvalidInputException;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.config.Setting;
import io.streamcast.process.DeployScripts;
import io.streamcast.process.JavaProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.HdrHistogram.Histogram;
import org.apache.flink.configuration.MemorySize;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast bench e2e}: a real broker -> the job (its own JVM, local MiniCluster) -> the
 * forecasts topic. Readings at a fixed rate (latency) or a pre-filled backlog drained flat out
 * (throughput); forecasts/s, latency percentiles (HdrHistogram), the job process's CPU and RSS.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = {"End to end on a real broker: readings -> the job (its own JVM, local Flink) -> forecasts topic. "
                + "Reports sustained forecasts/s, latency p50/p95/p99/max (event time of a window's last reading -> forecast "
                + "arrival at the consumer), CPU and RSS of the job's JVM; writes a latency-over-time PNG.",
            "",
            "--rate R: readings at R/s (latency). --rate max: a backlog is produced first, then the job drains it flat out "
                + "(throughput; latency then measures the backlog, not the job).",
            "Without --bootstrap a broker is started (work/bench/kafka, port 19192) and stopped afterwards."})
public final class E2eBenchCommand implements Callable<Integer> {
    @Option(names = "--rate", paramLabel = "R|max", defaultValue = "12000", description = "Readings per second, or max (default ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "30", description = "Measured seconds (default ${DEFAULT-VALUE}).")
    int duration;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "10", description = "Seconds before the measurement starts (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--sensors", paramLabel = "N", defaultValue = "1000", description = "Sensors, round-robin (default ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "batched",
            description = "batched, per-record, or both (baseline then batched, and their ratio) (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--model", paramLabel = "R|BUNDLE", defaultValue = "R", description = "R (reference model, random weights) or a bundle directory (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this broker instead of starting one.")
    String bootstrap;

    @Option(names = "--kafka-port", defaultValue = "19192", description = "Port of the broker started here (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--batch-size", defaultValue = "256", description = "inference.batch-size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--flush-timeout", defaultValue = "5ms", description = "inference.flush-timeout (default ${DEFAULT-VALUE}).")
    String flushTimeout;

    @Option(names = "--watermark-interval", paramLabel = "MS", defaultValue = "10",
            description = "The job's watermark.interval in ms (default ${DEFAULT-VALUE}; the job's own default is 200).")
    long watermarkInterval;

    @Option(names = "--out-of-orderness", defaultValue = "0ms", description = "watermark.out-of-orderness (default ${DEFAULT-VALUE}: readings are produced in order).")
    String outOfOrderness;

    @Option(names = "--shipped-defaults", description = "Run the job with its own defaults for watermark.interval and watermark.out-of-orderness (ignores the two options above).")
    boolean shippedDefaults;

    @Option(names = "--pause-timeout", paramLabel = "S", defaultValue = "60",
            description = "Fixed rate: after the measurement the producer pauses; wait this long for the forecast of its last reading (default ${DEFAULT-VALUE}).")
    int pauseTimeout;

    @Option(names = "--inference-seconds", paramLabel = "S", defaultValue = "6",
            description = "Same-run reference: seconds of single-thread batch-256 inference of the same model in this JVM, before the job starts and again after it stopped; the ratio uses their mean (0 = skip; default ${DEFAULT-VALUE} each).")
    int inferenceSeconds;

    @Option(names = "--object-reuse", description = "Enable Flink object reuse in the job.")
    boolean objectReuse;

    @Option(names = "--job-setting", paramLabel = "KEY=VALUE", description = "Any other job setting (repeatable), e.g. checkpoint.interval=10s.")
    List<String> jobSettings = new ArrayList<>();

    @Option(names = "--state-backend", paramLabel = "hashmap|rocksdb",
            description = "state.backend of the job; with checkpoint.interval (default here 10s) the run ends with "
                    + "the checkpoint statistics and a timed canonical savepoint (docs/operating.md, sizing).")
    String stateBackend;

    @Option(names = "--managed-memory", paramLabel = "SIZE",
            description = "taskmanager.memory.managed.size of the job's local TaskManager: RocksDB's block cache and "
                    + "write buffers (default: Flink's local default, 128m).")
    String managedMemory;

    @Option(names = "--job-jvm-opts", paramLabel = "OPTS", description = "Extra JVM options of the job's JVM, e.g. \"-XX:StartFlightRecording=filename=job.jfr\".")
    String jobJvmOpts;

    @Option(names = "--prefill", paramLabel = "N", description = "--rate max: readings produced before the job starts (default 50000 x (warmup + duration + 10)).")
    Long prefill;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the results as JSON to OUT.")
    Path json;

    @Option(names = "--plot", paramLabel = "PNG", description = "Latency-over-time chart (default work/bench/e2e-latency-<mode>.png; per mode).")
    Path plot;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch: R bundle, job logs, broker (default <repo>/work/bench).")
    Path workDir;

    private Process job;
    private InferenceRate.Result inference;
    private InferenceRate.Result inferenceBefore;
    private int restPort;

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public Integer call() throws Exception {
        boolean max = rate.equalsIgnoreCase("max");
        double perSecond = max ? 0 : parseRate();
        List<String> modes = switch (mode) {
            case "batched" -> List.of("batched");
            case "per-record" -> List.of("per-record");
            case "both" -> List.of("per-record", "batched");
            default -> throw new InvalidInputException("--mode " + mode + " is not valid; fix: use batched, per-record or both");
        };
        if (duration < 1 || warmup < 0 || sensors < 1 || parallelism < 1 || batchSize < 1) {
            throw new InvalidInputException("need --duration >= 1, --warmup >= 0, --sensors >= 1, --parallelism >= 1, --batch-size >= 1");
        }
        if (stateBackend != null && !List.of("hashmap", "rocksdb").contains(stateBackend)) {
            throw new InvalidInputException("--state-backend " + stateBackend + " is not valid; fix: use hashmap or rocksdb");
        }
        if (managedMemory != null) {
            try {
                MemorySize.parse(managedMemory);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--managed-memory " + managedMemory + " is not a size; fix: e.g. 512m or 2g");
            }
        }
        Path work = BenchPaths.work(workDir);
        Files.createDirectories(work);
        Path bundle = ReferenceModel.resolve(model, work);
        ModelSpec spec;
        try {
            spec = ModelBundle.readManifest(bundle).spec();
        } catch (BundleException e) {
            throw new InvalidInputException("--model " + bundle + ": " + e.getMessage() + "; fix: pass R or a bundle written by 'streamcast train'");
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "streamcast bench e2e: model %s (%s), %s readings/s, %d sensors, parallelism %d, %d s warm-up + %d s measured%n",
                model, InferenceBenchCommand.describe(spec), max ? "max (backlog)" : String.format(Locale.ROOT, "%.0f", perSecond),
                sensors, parallelism, warmup, duration);
        out.println("machine: " + Machine.oneLine());

        Path kafkaWork = work.resolve("kafka");
        boolean ownBroker = bootstrap == null;
        String servers = ownBroker ? "127.0.0.1:" + kafkaPort : bootstrap;
        // Ctrl-C or SIGTERM: the finally below does not run, so the hook stops the job and the broker started here
        Thread hook = new Thread(() -> {
            stopJob();
            if (ownBroker) stopBroker(kafkaWork);
        }, "bench-e2e-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        List<Map<String, Object>> results = new ArrayList<>();
        try {
            if (ownBroker) {
                int rc = DeployScripts.run("kafka.sh", List.of("start", "--work-dir", kafkaWork.toString(),
                        "--port", String.valueOf(kafkaPort), "--controller-port", String.valueOf(kafkaPort + 1)));
                if (rc != 0) throw new InvalidInputException("kafka start failed (exit " + rc + "); see its message above");
            }
            long brokerPid = ownBroker ? ProcessStats.pidFile(kafkaWork.resolve("kafka.pid")) : -1;
            // before and after the job: what this machine gives one thread drifts by up to 2x within
            // minutes when other tenants share it, so one measurement on one side can mislead
            if (inferenceSeconds > 0) inferenceBefore = referenceInference(bundle, "before the job");
            for (String m : modes) {
                results.add(runOnce(m, max, perSecond, servers, bundle, spec, work, brokerPid));
            }
            stopJob();
            if (inferenceSeconds > 0) inference = referenceInference(bundle, "after the job");
        } finally {
            stopJob();
            if (ownBroker) stopBroker(kafkaWork);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs
            }
        }

        out.println();
        out.println("mode          forecasts/s   p50 ms   p95 ms   p99 ms   max ms   job CPU (cores)   job RSS max MiB");
        for (Map<String, Object> r : results) {
            @SuppressWarnings("unchecked") Map<String, Object> lat = (Map<String, Object>) r.get("latencyMs");
            @SuppressWarnings("unchecked") Map<String, Object> jp = (Map<String, Object>) r.get("jobProcess");
            out.printf(Locale.ROOT, "%-12s  %11.0f  %7d  %7d  %7d  %7d  %16.2f  %16.0f%n", r.get("mode"), r.get("forecastsPerSec"),
                    lat.get("p50"), lat.get("p95"), lat.get("p99"), lat.get("max"), jp.get("cpuCores"), jp.get("rssMiBMax"));
        }
        for (Map<String, Object> r : results) {
            @SuppressWarnings("unchecked") Map<String, Object> jp = (Map<String, Object>) r.get("jobProcess");
            @SuppressWarnings("unchecked") Map<String, Double> byThread = (Map<String, Double>) jp.get("cpuCoresByThread");
            if (byThread.isEmpty()) continue;
            StringBuilder line = new StringBuilder();
            byThread.entrySet().stream().limit(6).forEach(e -> line.append(String.format(Locale.ROOT, "%s%s %.2f",
                    line.length() == 0 ? "" : ", ", e.getKey(), e.getValue())));
            out.printf(Locale.ROOT, "%s job CPU by thread (cores): %s; JIT compiler %.2f%s%n", r.get("mode"), line,
                    jp.get("jitCompilerCores"), (double) jp.get("jitCompilerCores") > 0.1 ? " (still warming up: a longer --warmup measures the steady state)" : "");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        if (inference != null) {
            out.printf(Locale.ROOT, "%nsame-run inference, 1 thread, batch 256: %,.0f windows per CPU-second (before the job %,.0f, after %,.0f; %,.0f per wall-clock second after, load %.2f)%n",
                    referenceRate(), inferenceBefore.windowsPerSec(), inference.windowsPerSec(), inference.wallWindowsPerSec(), inference.loadAverage());
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("batch", 256);
            ref.put("threads", 1);
            ref.put("windowsPerCpuSecond", referenceRate());
            ref.put("windowsPerCpuSecondBefore", inferenceBefore.windowsPerSec());
            ref.put("windowsPerCpuSecondAfter", inference.windowsPerSec());
            ref.put("roundsWindowsPerCpuSecondBefore", inferenceBefore.rounds());
            ref.put("roundsWindowsPerCpuSecond", inference.rounds());
            ref.put("windowsPerWallSecond", inference.wallWindowsPerSec());
            ref.put("loadAverage1m", inference.loadAverage());
            doc.put("inferenceReference", ref);
        }
        for (Map<String, Object> r : results) {
            double perCore = (double) r.get("forecastsPerJobCoreSecond");
            out.printf(Locale.ROOT, "%s: %,.0f forecasts per job core-second", r.get("mode"), perCore);
            if (inference != null) {
                double ratio = perCore / referenceRate();
                r.put("perCoreOverInference", ratio);
                out.printf(Locale.ROOT, " = %.0f%% of the same-run single-thread batch-256 inference rate (per CPU-second)", 100 * ratio);
            }
            out.println();
            @SuppressWarnings("unchecked") Map<String, Object> pause = (Map<String, Object>) r.get("pause");
            if (pause != null) {
                Object after = pause.get("forecastAfterMs");
                out.println("producer paused: forecast of its last reading " + (after == null ? "not within " + pauseTimeout + " s" : "after " + after + " ms"));
            }
        }
        if (results.size() == 2) {
            double ratio = (double) results.get(1).get("forecastsPerSec") / (double) results.get(0).get("forecastsPerSec");
            out.printf(Locale.ROOT, "batched / per-record: %.1fx forecasts/s%n", ratio);
            doc.put("batchedOverPerRecord", ratio);
        }
        for (Map<String, Object> r : results) {
            if (r.get("problem") != null) out.println("WARNING (" + r.get("mode") + "): " + r.get("problem"));
        }
        if (max) {
            out.println("(--rate max: latency includes the time readings waited in the backlog)");
        }
        if (json != null) {
            doc.put("benchmark", "e2e");
            doc.put("machine", Machine.describe());
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("model", model);
            settings.put("spec", InferenceBenchCommand.describe(spec));
            settings.put("rate", max ? "max" : perSecond);
            settings.put("sensors", sensors);
            settings.put("parallelism", parallelism);
            settings.put("batchSize", batchSize);
            settings.put("flushTimeout", flushTimeout);
            settings.put("watermarkIntervalMs", shippedDefaults ? "job default" : watermarkInterval);
            settings.put("outOfOrderness", shippedDefaults ? "job default" : outOfOrderness);
            settings.put("objectReuse", objectReuse);
            settings.put("jobSettings", jobSettings);
            settings.put("stateBackend", stateBackend);
            settings.put("managedMemory", managedMemory);
            settings.put("jobJvmOpts", jobJvmOpts);
            settings.put("warmupSeconds", warmup);
            settings.put("durationSeconds", duration);
            doc.put("settings", settings);
            doc.put("runs", results);
            if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
            out.println("JSON: " + json);
        }
        boolean anyForecast = results.stream().allMatch(r -> (long) r.get("forecastsTotal") > 0);
        return anyForecast ? 0 : 1;
    }

    private double parseRate() {
        try {
            double r = Double.parseDouble(rate);
            if (r > 0) return r;
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidInputException("--rate " + rate + " is not valid; fix: readings per second (> 0) or max");
    }

    private Map<String, Object> runOnce(String m, boolean max, double perSecond, String servers, Path bundle, ModelSpec spec,
                                        Path work, long brokerPid) throws Exception {
        String run = m + "-" + Long.toString(System.currentTimeMillis(), 36);
        String readings = "bench-readings-" + run;
        String forecasts = "bench-forecasts-" + run;
        // evaluation is on by default: its topic must exist (brokers may not auto-create topics)
        List<String> topics = List.of(readings, forecasts, "bench-dlq-" + run, "bench-late-" + run, "bench-evaluations-" + run);
        try (Admin admin = Admin.create(adminProps(servers))) {
            admin.createTopics(List.of(new NewTopic(readings, parallelism, (short) 1), new NewTopic(forecasts, parallelism, (short) 1),
                    new NewTopic(topics.get(2), 1, (short) 1), new NewTopic(topics.get(3), 1, (short) 1),
                    new NewTopic(topics.get(4), parallelism, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        Path log = work.resolve("e2e-job-" + m + ".log");
        System.err.println("bench e2e [" + m + "]: topics " + readings + " -> " + forecasts + "; job log " + log);
        Map<String, Object> result = new LinkedHashMap<>();
        long origin = System.currentTimeMillis();
        ForecastCollector collector = new ForecastCollector(servers, forecasts, origin);
        Thread consumer = new Thread(collector, "bench-forecast-consumer");
        consumer.setDaemon(true);
        try (ReadingLoad load = new ReadingLoad(servers, readings, sensors, spec.channelCount())) {
            volatileStop = false;
            Thread producer = null;
            if (max) {
                long count = prefill != null ? prefill : 50_000L * (warmup + duration + 10);
                System.err.printf(Locale.ROOT, "bench e2e [%s]: producing a backlog of %d readings%n", m, count);
                long t = System.nanoTime();
                Thread filler = new Thread(() -> load.flatOut(count, () -> volatileStop), "bench-prefill");
                filler.start();
                try (ProgressBar bar = bar("backlog", count, "readings")) {
                    while (filler.isAlive()) {
                        bar.stepTo(load.sent());
                        filler.join(500);
                    }
                    bar.stepTo(load.sent());
                }
                double secs = (System.nanoTime() - t) / 1e9;
                result.put("prefill", Map.of("readings", load.sent(), "seconds", secs, "readingsPerSec", load.sent() / secs));
            }
            startJob(m, servers, bundle, readings, forecasts, topics, log);
            consumer.start();
            if (!max) awaitReady(m, load, collector, log); // a backlog is in front of any probe: max mode skips warm-up by time
            long measureStart;
            long measureEnd;
            if (max) {
                // with many sensors the first window needs T readings of every sensor in front of it:
                // allow the usual limit plus 1 ms per backlog reading
                long limit = READY_TIMEOUT_MS + load.sent();
                long deadline = System.currentTimeMillis() + limit;
                while (collector.firstArrival() < 0) {
                    checkJob(log);
                    if (System.currentTimeMillis() > deadline) {
                        throw new InvalidInputException("no forecast within " + limit / 1000 + " s; see " + log);
                    }
                    Thread.sleep(100);
                }
                measureStart = collector.firstArrival() + warmup * 1000L;
            } else {
                double r = perSecond;
                producer = new Thread(() -> load.atRate(r, () -> volatileStop), "bench-producer");
                producer.start();
                measureStart = System.currentTimeMillis() + warmup * 1000L;
            }
            measureEnd = measureStart + duration * 1000L;
            collector.window(measureStart, measureEnd);
            long producerStart = System.currentTimeMillis();
            Sampler sampler = new Sampler(job.pid(), brokerPid);
            long sentAtStart = -1;
            long sentAtEnd = -1;
            try (ProgressBar bar = bar(m, warmup + duration, "s")) {
                long now;
                boolean started = false;
                while ((now = System.currentTimeMillis()) < measureEnd) {
                    checkJob(log);
                    if (!started && now >= measureStart) {
                        sampler.start();
                        sentAtStart = load.sent();
                        started = true;
                    }
                    if (max && collector.lastArrival() > 0 && now - collector.lastArrival() > 5_000 && now > measureStart) {
                        break; // backlog drained: measure up to the last forecast
                    }
                    long p99 = collector.lastSecondP99(now);
                    bar.setExtraMessage(String.format(Locale.ROOT, " %,d forecasts/s, p99 %s", collector.lastSecondCount(now),
                            p99 < 0 ? "-" : p99 + " ms"));
                    long elapsed = max && collector.firstArrival() > 0 ? now - collector.firstArrival() : now - producerStart;
                    bar.stepTo(Math.min(warmup + duration, elapsed / 1000));
                    sampler.sample();
                    Thread.sleep(250);
                }
                if (!started) {
                    sampler.start();
                    sentAtStart = load.sent();
                }
                sampler.stop();
                sentAtEnd = load.sent();
            }
            volatileStop = true;
            if (producer != null) producer.join(30_000);
            if (producer != null && pauseTimeout > 0) result.put("pause", pause(load, collector, log));
            collector.stop();
            consumer.join(10_000);
            if (stateBackend != null) {
                System.err.println("bench e2e [" + m + "]: checkpoint statistics and a canonical savepoint");
                Map<String, Object> state = StateStats.measure("http://127.0.0.1:" + restPort, work.resolve("savepoints"));
                state.put("jobRssMiBAfterSavepoint", ProcessStats.rssMiB(job.pid()));
                result.put("state", state);
                System.out.println("state (" + m + "): " + state);
            }

            long end = Math.min(System.currentTimeMillis(), measureEnd);
            if (max && collector.lastWindowArrival() > 0 && collector.lastWindowArrival() < measureEnd) {
                end = collector.lastWindowArrival() + 1;
            }
            double seconds = Math.max(0.001, (end - measureStart) / 1000.0);
            if (max && end < measureEnd) {
                result.put("backlogRanOutAfterSeconds", (end - measureStart) / 1000.0);
                if (end <= measureStart) {
                    System.err.printf(Locale.ROOT, "bench e2e [%s]: the backlog ran out before the measurement began: nothing "
                            + "measured; give --prefill more readings%n", m);
                } else {
                    System.err.printf(Locale.ROOT, "bench e2e [%s]: the backlog ran out %.0f s into the %d s measured: forecasts/s "
                            + "covers those %.0f s; for a full measurement give --prefill more readings%n", m, seconds, duration, seconds);
                }
            }
            List<long[]> perSecondRows = collector.series(); // the consumer has stopped: final
            if (!max) {
                long fromSecond = (measureStart - origin + 999) / 1000;
                LatencyTrend.of(perSecondRows, fromSecond, (end - origin) / 1000).ifPresent(trend -> {
                    result.put("latencyTrend", trend.toJson());
                    trend.warning(m, perSecond).ifPresent(System.err::println);
                });
            }
            Histogram h = collector.windowHistogram();
            result.put("mode", m);
            result.put("forecastsPerSec", collector.inWindow() / seconds);
            result.put("measuredSeconds", seconds);
            result.put("forecastsMeasured", collector.inWindow());
            result.put("forecastsTotal", collector.total());
            if (!max) result.put("readingsPerSecSent", (sentAtEnd - sentAtStart) / seconds);
            result.put("readingsSent", load.sent());
            Map<String, Object> lat = new LinkedHashMap<>();
            lat.put("p50", h.getValueAtPercentile(50));
            lat.put("p95", h.getValueAtPercentile(95));
            lat.put("p99", h.getValueAtPercentile(99));
            lat.put("max", h.getMaxValue());
            lat.put("mean", h.getMean());
            lat.put("count", h.getTotalCount());
            result.put("latencyMs", lat);
            result.put("jobProcess", sampler.job());
            // forecasts per CPU-second of the job's own CPU time (all its threads), not the machine's: both over the
            // measurement, which for a drained backlog ends idle (its forecasts/s span less time than its CPU sample)
            result.put("forecastsPerJobCoreSecond", collector.inWindow() / sampler.jobCpuSeconds());
            result.put("brokerProcess", sampler.broker());
            result.put("benchProcessCpuCores", sampler.self());
            result.put("loadAverage1mAtEnd", Machine.loadAverage());
            result.put("problem", collector.problem());
            Path png = plot != null ? withMode(plot, m) : work.resolve("e2e-latency-" + m + ".png");
            LatencyChart.write(png, "streamcast e2e, " + m + ", " + (max ? "backlog drained flat out" : String.format(Locale.ROOT, "%.0f readings/s", perSecond))
                    + ", " + sensors + " sensors", perSecondRows, (measureStart - origin) / 1000.0, (end - origin) / 1000.0);
            result.put("plot", png.toString());
            List<Map<String, Object>> series = new ArrayList<>();
            for (long[] row : perSecondRows) {
                series.add(Map.of("second", row[0], "forecasts", row[1], "p50", row[2], "p99", row[3], "max", row[4]));
            }
            result.put("perSecond", series);
            System.err.println("bench e2e [" + m + "]: chart " + png);
        } finally {
            volatileStop = true;
            collector.stop();
            stopJob();
            try (Admin admin = Admin.create(adminProps(servers))) {
                admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("bench e2e: could not delete topics " + topics + ": " + e.getMessage());
            }
        }
        return result;
    }

    private volatile boolean volatileStop;

    /**
     * The producer has paused: how long until the forecast of its last reading (the window that
     * reading completes) reaches the consumer. Nothing else is sent meanwhile, so event time stands
     * still; a job that needs a newer reading to move its watermark never forecasts it.
     */
    private Map<String, Object> pause(ReadingLoad load, ForecastCollector collector, Path log) throws InterruptedException {
        String sensor = load.lastSensor();
        long ts = load.lastTimestamp();
        long deadline = System.currentTimeMillis() + pauseTimeout * 1000L;
        long arrival;
        while ((arrival = collector.arrivalOf(sensor, ts)) < 0 && System.currentTimeMillis() < deadline) {
            checkJob(log);
            Thread.sleep(20);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("lastReadingSensor", sensor);
        p.put("lastReadingAt", ts);
        p.put("forecastAfterMs", arrival < 0 ? null : arrival - ts);
        p.put("timeoutSeconds", pauseTimeout);
        System.err.printf(Locale.ROOT, "bench e2e: producer paused; forecast of its last reading %s%n",
                arrival < 0 ? "not within " + pauseTimeout + " s" : "after " + (arrival - ts) + " ms");
        return p;
    }

    /**
     * Waits until the job has caught up: first until every probe sensor has a forecast (sources,
     * assembler, model loaded in every subtask's open(), sink all run), then until every probe sensor
     * has a forecast of a window ending after that moment, so the windows queued while the job was
     * starting (on a busy machine, many) are out of the way before the measured load begins.
     */
    private void awaitReady(String m, ReadingLoad load, ForecastCollector collector, Path log) throws InterruptedException {
        int probes = 4 * parallelism;
        java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();
        Thread prober = new Thread(() -> load.probe(probes, ready::get), "bench-probe");
        prober.start();
        long t = System.currentTimeMillis();
        long deadline = t + READY_TIMEOUT_MS;
        try {
            while (collector.probesSeen() < probes) {
                checkReady(log, deadline, probes - collector.probesSeen(), probes, "any forecast");
                Thread.sleep(100);
            }
            long running = System.currentTimeMillis();
            while (collector.probesIssuedSince(running) < probes) {
                checkReady(log, deadline, probes - collector.probesIssuedSince(running), probes, "a forecast of a window after the start");
                Thread.sleep(100);
            }
            System.err.printf(Locale.ROOT, "bench e2e [%s]: job ready after %.1f s (first forecast of every probe sensor after %.1f s)%n",
                    m, (System.currentTimeMillis() - t) / 1000.0, (running - t) / 1000.0);
        } finally {
            ready.set(true);
            prober.join(10_000);
        }
    }

    /** The job JVM, ND4J and Flink started in 10-50 s at load 10-40 on 2 cores; catching up took up to 10 min at load 50. */
    private static final long READY_TIMEOUT_MS = 900_000;

    private void checkReady(Path log, long deadline, int missing, int probes, String what) {
        checkJob(log);
        if (System.currentTimeMillis() > deadline) {
            throw new InvalidInputException("the job gave no " + what + " for " + missing + " of " + probes
                    + " probe sensors within " + READY_TIMEOUT_MS / 1000 + " s; see " + log);
        }
    }

    private static Path withMode(Path plot, String m) {
        String name = plot.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return plot.resolveSibling(stem + "-" + m + ".png");
    }

    private static Properties adminProps(String servers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        return p;
    }

    private static ProgressBar bar(String task, long max, String unit) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" " + unit, 1).setUpdateIntervalMillis(1000).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    private static void stopBroker(Path kafkaWork) {
        DeployScripts.run("kafka.sh", List.of("stop", "--work-dir", kafkaWork.toString()));
    }

    /** The job in its own JVM (this JVM's java, classpath and options), stdout/stderr to the log. */
    private void startJob(String m, String servers, Path bundle, String readings, String forecasts, List<String> topics, Path log)
            throws IOException, InterruptedException {
        List<String> jvmOptions = jobJvmOpts == null || jobJvmOpts.isBlank() ? List.of() : List.of(jobJvmOpts.trim().split("\\s+"));
        List<String> args = new ArrayList<>();
        if (objectReuse) args.add("--object-reuse");
        if (managedMemory != null) args.addAll(List.of("--managed-memory", managedMemory));
        if (stateBackend != null) {
            restPort = freePort();
            args.addAll(List.of("--rest-port", String.valueOf(restPort), "--checkpoint-dir",
                    BenchPaths.work(workDir).resolve("checkpoints").toUri().toString()));
        }
        List<String> settings = new ArrayList<>(List.of(
                JobConfig.kafkaOverride("bootstrap.servers", servers),
                Setting.MODEL_BUNDLE.override(bundle),
                Setting.TOPIC_READINGS.override(readings),
                Setting.TOPIC_FORECASTS.override(forecasts),
                Setting.TOPIC_DLQ.override(topics.get(2)),
                Setting.TOPIC_LATE.override(topics.get(3)),
                Setting.TOPIC_EVALUATIONS.override(topics.get(4)),
                Setting.GROUP_ID.override(readings),
                Setting.STARTING_OFFSETS.override("earliest"),
                Setting.PARALLELISM.override(parallelism),
                Setting.INFERENCE_MODE.override(m),
                Setting.BATCH_SIZE.override(batchSize),
                Setting.FLUSH_TIMEOUT.override(flushTimeout),
                Setting.WEB_UI_PORT.override(0),
                Setting.JOB_NAME.override("streamcast-bench-" + m)));
        if (!shippedDefaults) {
            settings.add(Setting.OUT_OF_ORDERNESS.override(outOfOrderness));
            settings.add(Setting.WATERMARK_INTERVAL.override(watermarkInterval + "ms"));
        }
        if (stateBackend != null) {
            settings.add(Setting.STATE_BACKEND.override(stateBackend));
            if (jobSettings.stream().noneMatch(x -> x.startsWith(Setting.CHECKPOINT_INTERVAL.key() + "="))) {
                settings.add(Setting.CHECKPOINT_INTERVAL.override("10s"));
            }
        }
        settings.addAll(jobSettings);
        JobConfig.load(null, settings); // a bad setting fails here, in one line, not in the child JVM's log
        args.addAll(settings);
        ProcessBuilder pb = JavaProcess.of(jvmOptions, E2eJob.class.getName(), args).redirectErrorStream(true);
        job = pb.start();
        CountDownLatch ready = new CountDownLatch(1);
        Process p = job;
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                    w.println(line);
                    if (line.contains(E2eJob.READY)) ready.countDown();
                }
            } catch (IOException e) {
                // the job is gone
            }
        }, "bench-job-log");
        pump.setDaemon(true);
        pump.start();
        System.err.println("bench e2e [" + m + "]: starting the job (pid " + job.pid() + ")");
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (!ready.await(200, TimeUnit.MILLISECONDS)) {
            checkJob(log);
            if (System.currentTimeMillis() > deadline) throw new InvalidInputException("the job did not start within " + READY_TIMEOUT_MS / 1000 + " s; see " + log);
        }
    }

    private void checkJob(Path log) {
        if (job != null && !job.isAlive()) {
            throw new InvalidInputException("the job stopped (exit " + job.exitValue() + "); see " + log);
        }
    }

    private InferenceRate.Result referenceInference(Path bundle, String when) throws BundleException {
        System.err.printf(Locale.ROOT, "bench e2e: same-run reference %s, single-thread batch-256 inference (%d s)%n", when, inferenceSeconds);
        return InferenceRate.measure(bundle, 256, inferenceSeconds);
    }

    /** The mean of the reference measured before and after the job, windows per CPU-second. */
    private double referenceRate() {
        return (inferenceBefore.windowsPerSec() + inference.windowsPerSec()) / 2;
    }

    private void stopJob() {
        JavaProcess.stop(job);
    }


    /** CPU (cores busy) over the measurement and RSS of the job, the broker and this process. */
    private static final class Sampler {
        private final long jobPid;
        private final long brokerPid;
        private final long selfPid = ProcessHandle.current().pid();
        private long t0;
        private long t1;
        private long job0;
        private long job1;
        private long broker0;
        private long broker1;
        private long self0;
        private long self1;
        private double rssMax;
        private double rssLast;
        private Map<String, Long> threads0 = Map.of();
        private Map<String, Long> threads1 = Map.of();

        Sampler(long jobPid, long brokerPid) {
            this.jobPid = jobPid;
            this.brokerPid = brokerPid;
        }

        void start() {
            t0 = System.nanoTime();
            job0 = ProcessStats.cpuNanos(jobPid);
            threads0 = ProcessStats.cpuNanosByThread(jobPid);
            broker0 = brokerPid > 0 ? ProcessStats.cpuNanos(brokerPid) : -1;
            self0 = ProcessStats.cpuNanos(selfPid);
            sample();
        }

        void sample() {
            double rss = ProcessStats.rssMiB(jobPid);
            if (rss > 0) {
                rssLast = rss;
                rssMax = Math.max(rssMax, rss);
            }
        }

        void stop() {
            sample();
            t1 = System.nanoTime();
            job1 = ProcessStats.cpuNanos(jobPid);
            threads1 = ProcessStats.cpuNanosByThread(jobPid);
            broker1 = brokerPid > 0 ? ProcessStats.cpuNanos(brokerPid) : -1;
            self1 = ProcessStats.cpuNanos(selfPid);
        }

        private double cores(long a, long b) {
            return a < 0 || b < 0 || t1 <= t0 ? Double.NaN : (b - a) / (double) (t1 - t0);
        }

        /** CPU-seconds the job's process used over the measurement. */
        double jobCpuSeconds() {
            return job0 < 0 || job1 < 0 ? Double.NaN : (job1 - job0) / 1e9;
        }

        Map<String, Object> job() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", jobPid);
            m.put("cpuCores", cores(job0, job1));
            m.put("cpuSeconds", jobCpuSeconds());
            Map<String, Double> byThread = coresByThread();
            m.put("jitCompilerCores", byThread.entrySet().stream().filter(e -> isJitCompiler(e.getKey()))
                    .mapToDouble(Map.Entry::getValue).sum());
            m.put("cpuCoresByThread", byThread);
            m.put("rssMiBMax", rssMax);
            m.put("rssMiBEnd", rssLast);
            return m;
        }

        /**
         * Cores each thread name (digits folded) used over the measurement, busiest first, above 0.005.
         * Threads that ended during it are missing: their time is only in the process total.
         */
        Map<String, Double> coresByThread() {
            Map<String, Double> cores = new LinkedHashMap<>();
            if (t1 <= t0) return cores;
            threads1.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), (e.getValue() - threads0.getOrDefault(e.getKey(), 0L)) / (double) (t1 - t0)))
                    .filter(e -> e.getValue() >= 0.005)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> cores.put(e.getKey(), Math.round(e.getValue() * 1000) / 1000.0));
            return cores;
        }

        /** HotSpot's "C1 CompilerThread0", "C2 CompilerThread1" (15 characters kept, digits folded). */
        static boolean isJitCompiler(String thread) {
            return thread.contains("CompilerThre");
        }

        Map<String, Object> broker() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", brokerPid);
            m.put("cpuCores", cores(broker0, broker1));
            return m;
        }

        double self() {
            return cores(self0, self1);
        }
    }
}

package io.streamcast.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamcast.models.BundleException;
import io.streamcast.models.InvalidInputException;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.process.DeployScripts;
import io.streamcast.process.FlinkRest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast bench soak}: the job on a real session cluster (deploy/cluster.sh) and a real
 * broker (deploy/kafka.sh) with the shipped settings and exactly-once, a steady load for a long time,
 * and every interval: checkpointed state (whole and per keyed operator), checkpoint duration,
 * TaskManager RSS, throughput and back-pressure. Ends with one verdict line per criterion.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Steady load for a long time on a real broker + Flink session cluster, the job with the shipped "
                + "settings and delivery.guarantee=exactly-once; is everything flat?",
            "Every --interval: checkpointed state size (whole, assembler, evaluator) and checkpoint duration (REST "
                + "/jobs/:id/checkpoints), TaskManager RSS (/proc) vs its taskmanager.memory.process.size, readings/s "
                + "produced and forecasts/s read by a read_committed consumer, back-pressure and busy time per vertex.",
            "Verdicts from --steady-from to the end: state and RSS within +-10% of their median, every checkpoint "
                + "under 2 s, no back-pressure (<= 100 ms/s, Flink's OK level), RSS within the process size, "
                + "forecasts keep up with readings. Exit 0: all pass; 3: a criterion failed (printed as measured).",
            "Model: a random-weight bundle shaped like the documented ETTh1 model (T=24, H=6, flat, 64 units, "
                + "7 channels); weights change neither speed nor state."})
public final class SoakBenchCommand implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "60", description = "Minutes under load (default ${DEFAULT-VALUE}; fractions allowed).")
    double minutes;

    @Option(names = "--sensors", defaultValue = "1000", description = "Sensors, round-robin (default ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--rate", defaultValue = "2000", description = "Readings per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--interval", defaultValue = "30s", description = "Sampling interval, e.g. 30s, 10s, 1m (default ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--steady-from", defaultValue = "5m", description = "Verdicts from this point of the run on (warm-up before it; default ${DEFAULT-VALUE}).")
    String steadyFrom;

    @Option(names = "--model", paramLabel = "etth1-shape|R|BUNDLE", defaultValue = "etth1-shape",
            description = "etth1-shape (default), R (the benchmarks' reference model) or a bundle directory.")
    String model;

    @Option(names = "--job-setting", paramLabel = "KEY=VALUE", description = "Change a job setting (repeatable); the soak is about the shipped ones.")
    List<String> jobSettings = new ArrayList<>();

    @Option(names = "--tm-memory", paramLabel = "SIZE", description = "taskmanager.memory.process.size (default: deploy/cluster.sh's, 2048m).")
    String tmMemory;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this broker instead of starting one.")
    String bootstrap;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write settings, samples and verdicts as JSON to OUT.")
    Path json;

    @Option(names = "--plot", paramLabel = "PNG", description = "State, checkpoint duration, RSS and throughput over time (default <work-dir>/soak.png).")
    Path plot;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker, cluster, logs, model (default <repo>/work/bench; the soak uses DIR/soak).")
    Path workDir;

    @Option(names = "--report", paramLabel = "SOAK.json",
            description = "Judge and plot the samples of an earlier run's JSON (written after every sample, so an interrupted run counts) instead of running.")
    Path report;

    private static final long JOB_START_TIMEOUT_MS = 600_000;

    /** Undo steps, newest first: stop the load, cancel the job, stop the cluster, stop the broker. */
    private final List<Runnable> cleanup = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (report != null) {
            if (!Files.isRegularFile(report)) throw new InvalidInputException("--report " + report + " is not a file; fix: pass the --json of a soak run");
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = new ObjectMapper().readValue(report.toFile(), LinkedHashMap.class);
            if (!(doc.get("samples") instanceof List<?> l) || l.isEmpty()) throw new InvalidInputException("--report " + report + " holds no samples");
            return report(doc, report.resolveSibling(report.getFileName().toString().replaceFirst("\\.json$", "") + ".png"));
        }
        long intervalMs = millis("--interval", interval);
        long steadyMs = millis("--steady-from", steadyFrom);
        if (minutes <= 0 || sensors < 1 || rate <= 0 || intervalMs < 1000) {
            throw new InvalidInputException("need --minutes > 0, --sensors >= 1, --rate > 0 and --interval >= 1s");
        }
        long durationMs = (long) (minutes * 60_000);
        Path work = BenchPaths.work(workDir).resolve("soak");
        Files.createDirectories(work);
        Path bundle = "etth1-shape".equals(model) ? ReferenceModel.etth1Shaped(work) : ReferenceModel.resolve(model, work);
        ModelSpec spec;
        try {
            spec = ModelBundle.readManifest(bundle).spec();
        } catch (BundleException e) {
            throw new InvalidInputException("--model " + bundle + ": " + e.getMessage() + "; fix: pass etth1-shape, R or a bundle written by 'streamcast train'");
        }
        Path jobJar = DeployScripts.jobJar();
        if (!Files.isRegularFile(jobJar)) {
            throw new InvalidInputException("job jar " + jobJar + " not found; build it with 'mvn -B -DskipTests package'");
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "streamcast bench soak: %.1f min, %d sensors, %.0f readings/s, sample every %d s, verdicts from %.1f min; model %s (%s)%n",
                minutes, sensors, rate, intervalMs / 1000, steadyMs / 60_000.0, model, InferenceBenchCommand.describe(spec));
        out.println("machine: " + Machine.oneLine() + " (shared: other processes compete for the cores)");

        Thread hook = new Thread(this::runCleanup, "bench-soak-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, Object> doc = new LinkedHashMap<>();
        try {
            String servers = bootstrap != null ? bootstrap : startBroker(work.resolve("kafka"));
            String run = "soak-" + Long.toString(System.currentTimeMillis(), 36);
            Topics topics = createTopics(servers, run);
            FlinkRest flink = startCluster(work.resolve("flink"));
            List<String> args = jobArgs(servers, bundle, topics);
            out.println("job settings (all else shipped defaults): " + String.join(" ", args));
            String jobId = submit(flink, jobJar, args, work.resolve("flink"));
            long tmPid = ProcessStats.pidFile(work.resolve("flink/taskmanager.pid"));
            SoakSampler sampler = new SoakSampler(flink, jobId, tmPid);
            double processMiB = sampler.processSizeMiB();
            out.printf(Locale.ROOT, "job %s RUNNING; TaskManager pid %d, taskmanager.memory.process.size %.0f MiB; vertices %s%n",
                    jobId, tmPid, processMiB, sampler.vertices().values());

            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("minutes", minutes);
            settings.put("sensors", sensors);
            settings.put("readingsPerSec", rate);
            settings.put("intervalSeconds", intervalMs / 1000.0);
            settings.put("steadyFromSeconds", steadyMs / 1000.0);
            settings.put("model", model);
            settings.put("spec", InferenceBenchCommand.describe(spec));
            settings.put("jobArgs", args);
            settings.put("taskManagerProcessMiB", processMiB);
            settings.put("vertices", sampler.vertices().values());
            doc.put("benchmark", "soak");
            doc.put("started", Instant.now().toString());
            doc.put("machine", Machine.describe());
            doc.put("settings", settings);
            List<Map<String, Object>> samples = new ArrayList<>();
            doc.put("samples", samples);
            measure(servers, topics, spec, sampler, durationMs, intervalMs, processMiB, samples, () -> writeJson(doc));
            return report(doc, work.resolve("soak.png"));
        } finally {
            runCleanup();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs
            }
        }
    }

    /** Verdicts, load, plot and JSON of a finished (or interrupted) run; 0 if every criterion passed, else 3. */
    @SuppressWarnings("unchecked")
    private int report(Map<String, Object> doc, Path defaultPlot) throws IOException {
        PrintStream out = System.out;
        List<Map<String, Object>> samples = (List<Map<String, Object>>) doc.get("samples");
        Map<String, Object> settings = (Map<String, Object>) doc.get("settings");
        double steadyFrom = num(settings, "steadyFromSeconds");
        double processMiB = num(settings, "taskManagerProcessMiB");
        double target = num(settings, "readingsPerSec");
        List<SoakVerdict.Criterion> verdicts = SoakVerdict.judge(samples, steadyFrom, processMiB, target);
        Map<String, Object> load = SoakVerdict.summary(samples, "loadAverage");
        doc.put("minutesMeasured", num(samples.get(samples.size() - 1), "seconds") / 60);
        doc.put("loadAverage", load);
        doc.put("verdicts", verdicts.stream().map(SoakVerdict.Criterion::toMap).toList());
        out.println();
        out.printf(Locale.ROOT, "%.1f min under load; load average (1 min) over the run: %s%n", num(doc, "minutesMeasured"), SoakVerdict.describe(load, ""));
        for (SoakVerdict.Criterion c : verdicts) out.println(c.line());
        Path png = plot != null ? plot : defaultPlot;
        SoakChart.write(png, String.format(Locale.ROOT, "streamcast soak: %.0f sensors, %.0f readings/s, exactly-once (load avg %.0f)",
                num(settings, "sensors"), target, (double) load.get("median")), samples, steadyFrom, processMiB);
        doc.put("plot", png.toString());
        out.println("plot: " + png);
        writeJson(doc);
        if (json != null) out.println("JSON: " + json);
        return verdicts.stream().allMatch(SoakVerdict.Criterion::pass) ? 0 : 3;
    }

    private void writeJson(Map<String, Object> doc) {
        if (json == null) return;
        try {
            if (json.toAbsolutePath().getParent() != null) Files.createDirectories(json.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        } catch (IOException e) {
            System.err.println("bench soak: cannot write " + json + ": " + e.getMessage());
        }
    }

    private record Topics(String readings, String forecasts, String dlq, String late, String evaluations) {
        List<String> all() {
            return List.of(readings, forecasts, dlq, late, evaluations);
        }
    }

    /** Samples into {@code samples} every interval; {@code afterSample} saves them (an interrupted run keeps its data). */
    private void measure(String servers, Topics topics, ModelSpec spec, SoakSampler sampler, long durationMs, long intervalMs,
                         double processMiB, List<Map<String, Object>> samples, Runnable afterSample) throws Exception {
        CommittedCounter counter = new CommittedCounter(servers, List.of(topics.forecasts(), topics.evaluations()));
        Thread consumer = new Thread(counter, "bench-soak-consumer");
        consumer.setDaemon(true);
        consumer.start();
        cleanup.add(0, counter::stop);
        try (ReadingLoad load = new ReadingLoad(servers, topics.readings(), sensors, spec.channelCount())) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread producer = new Thread(() -> load.atRate(rate, stop::get), "bench-soak-producer");
            producer.setDaemon(true);
            long start = System.currentTimeMillis();
            producer.start();
            cleanup.add(0, () -> stop.set(true));
            long prevT = start;
            long prevReadings = 0;
            long prevForecasts = 0;
            long prevEvaluations = 0;
            System.out.println();
            System.out.println("  min   state MiB (asm/eval)   ckpt s (slowest)   TM RSS MiB (heap)   readings/s  forecasts/s  "
                    + "evals/s  back-pressure ms/s  busy asm/eval ms/s  load");
            for (long next = start + intervalMs; ; next += intervalMs) {
                long end = start + durationMs;
                long wake = Math.min(next, end);
                while (System.currentTimeMillis() < wake) {
                    Thread.sleep(Math.min(1000, Math.max(1, wake - System.currentTimeMillis())));
                    if (!producer.isAlive() && !stop.get()) throw new IllegalStateException("the reading producer stopped");
                }
                long now = System.currentTimeMillis();
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("seconds", (now - start) / 1000.0);
                s.put("wallMillis", now);
                long readings = load.sent();
                long forecasts = counter.count(topics.forecasts());
                long evaluations = counter.count(topics.evaluations());
                double dt = (now - prevT) / 1000.0;
                s.put("readingsTotal", readings);
                s.put("forecastsTotal", forecasts);
                s.put("evaluationsTotal", evaluations);
                s.put("readingsPerSec", (readings - prevReadings) / dt);
                s.put("forecastsPerSec", (forecasts - prevForecasts) / dt);
                s.put("evaluationsPerSec", (evaluations - prevEvaluations) / dt);
                s.put("loadAverage", Machine.loadAverage());
                try {
                    sampler.sample(s);
                } catch (IOException e) {
                    s.put("sampleProblem", e.getMessage());
                }
                samples.add(s);
                afterSample.run();
                System.out.println(progressLine(s, processMiB));
                if (counter.problem() != null) throw new IllegalStateException(counter.problem());
                if (s.containsKey("jobState") && !"RUNNING".equals(s.get("jobState"))) {
                    System.out.println("the job is " + s.get("jobState") + "; stopping the soak early");
                    break;
                }
                prevT = now;
                prevReadings = readings;
                prevForecasts = forecasts;
                prevEvaluations = evaluations;
                if (now >= end) break;
            }
            stop.set(true);
            producer.join(30_000);
        }
    }

    static String progressLine(Map<String, Object> s, double processMiB) {
        return String.format(Locale.ROOT, "%5.1f   %7.2f (%5.2f/%6.2f)   %5.2f (%6.2f)   %6.0f/%.0f (%4.0f)   %9.0f  %11.0f  %7.0f  %8.0f %-10s  %6.0f/%6.0f   %5.1f",
                num(s, "seconds") / 60, num(s, "stateBytes") / MIB, num(s, "assemblerBytes") / MIB, num(s, "evaluatorBytes") / MIB,
                num(s, "checkpointMs") / 1000, num(s, "slowestCheckpointMs") / 1000, num(s, "rssMiB"), processMiB, num(s, "heapUsedMiB"),
                num(s, "readingsPerSec"), num(s, "forecastsPerSec"), num(s, "evaluationsPerSec"), num(s, "maxBackPressuredMsPerSec"),
                shortName((String) s.getOrDefault("backPressuredVertex", "")), num(s, "assemblerBusyMsPerSec"), num(s, "evaluatorBusyMsPerSec"),
                num(s, "loadAverage"));
    }

    private static String shortName(String vertex) {
        if (vertex.isEmpty()) return "";
        String first = vertex.split(" -> ")[0].replace("Source: ", "");
        return "(" + (first.length() > 8 ? first.substring(0, 8) : first) + ")";
    }

    static double num(Map<String, Object> s, String key) {
        Object v = s.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private String startBroker(Path kafkaWork) throws IOException {
        int port = freePort();
        int controller = freePort();
        int rc = DeployScripts.run("kafka.sh", List.of("start", "--work-dir", kafkaWork.toString(), "--port", String.valueOf(port),
                "--controller-port", String.valueOf(controller), "--heap", "512m"));
        cleanup.add(0, () -> DeployScripts.run("kafka.sh", List.of("stop", "--work-dir", kafkaWork.toString())));
        if (rc != 0) throw new InvalidInputException("kafka start failed (exit " + rc + "); see its message above");
        return "127.0.0.1:" + port;
    }

    private Topics createTopics(String servers, String run) throws Exception {
        Topics t = new Topics(run + "-readings", run + "-forecasts", run + "-dlq", run + "-late", run + "-evaluations");
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(t.readings(), 2, (short) 1), new NewTopic(t.forecasts(), 2, (short) 1),
                    new NewTopic(t.dlq(), 1, (short) 1), new NewTopic(t.late(), 1, (short) 1),
                    new NewTopic(t.evaluations(), 2, (short) 1))).all().get(120, TimeUnit.SECONDS);
        }
        return t;
    }

    private FlinkRest startCluster(Path flinkWork) throws IOException {
        int rest = freePort();
        int rpc = freePort();
        List<String> args = new ArrayList<>(List.of("start", "--work-dir", flinkWork.toString(), "--rest-port", String.valueOf(rest),
                "--rpc-port", String.valueOf(rpc), "--prometheus-ports", "0", "--timeout", "300"));
        DeployScripts.option(args, "--tm-memory", tmMemory);
        int rc = DeployScripts.run("cluster.sh", args);
        cleanup.add(0, () -> DeployScripts.run("cluster.sh", List.of("stop", "--work-dir", flinkWork.toString())));
        if (rc != 0) throw new InvalidInputException("cluster start failed (exit " + rc + "); see its message above");
        return new FlinkRest("http://127.0.0.1:" + rest);
    }

    /** The settings the soak changes; every other one keeps its shipped default. */
    private List<String> jobArgs(String servers, Path bundle, Topics t) {
        List<String> args = new ArrayList<>(List.of(
                "kafka.bootstrap.servers=" + servers,
                "model.bundle=" + bundle,
                "delivery.guarantee=exactly-once",
                "topic.readings=" + t.readings(),
                "topic.forecasts=" + t.forecasts(),
                "topic.dlq=" + t.dlq(),
                "topic.late=" + t.late(),
                "topic.evaluations=" + t.evaluations(),
                "job.name=streamcast-soak"));
        args.addAll(jobSettings);
        return args;
    }

    private String submit(FlinkRest flink, Path jobJar, List<String> args, Path flinkWork) throws Exception {
        String jarId = flink.uploadJar(jobJar);
        String jobId;
        try {
            jobId = flink.runJar(jarId, null, args, null);
        } finally {
            flink.deleteJar(jarId);
        }
        cleanup.add(0, () -> {
            try {
                flink.cancel(jobId);
            } catch (IOException | RuntimeException e) {
                // already gone
            }
        });
        long deadline = System.currentTimeMillis() + JOB_START_TIMEOUT_MS;
        while (true) {
            var job = flink.get("/jobs/" + jobId);
            String state = job.path("state").asText();
            boolean allRunning = job.path("vertices").size() > 0;
            for (var v : job.path("vertices")) allRunning &= "RUNNING".equals(v.path("status").asText());
            if ("RUNNING".equals(state) && allRunning) return jobId;
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                throw new InvalidInputException("job " + jobId + " is " + state + "; see " + flinkWork.resolve("log"));
            }
            if (System.currentTimeMillis() > deadline) {
                throw new InvalidInputException("job " + jobId + " not running after " + JOB_START_TIMEOUT_MS / 1000 + " s; see " + flinkWork.resolve("log"));
            }
            Thread.sleep(500);
        }
    }

    private synchronized void runCleanup() {
        List<Runnable> steps = new ArrayList<>(cleanup);
        cleanup.clear();
        for (Runnable r : steps) {
            try {
                r.run();
            } catch (RuntimeException e) {
                System.err.println("bench soak: cleanup step failed: " + e.getMessage());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?");

    static long millis(String option, String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) throw new InvalidInputException(option + " " + value + " is not a duration; fix: e.g. 30s, 500ms, 5m");
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return (long) (n * switch (unit) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "h" -> 3_600_000;
            default -> 60_000;
        });
    }

    private static final double MIB = 1024.0 * 1024.0;
}

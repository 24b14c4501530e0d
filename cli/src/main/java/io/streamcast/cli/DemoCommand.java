package io.streamcast.cli;

import io.streamcast.process.FlinkRest;
import io.streamcast.tools.LiveView;
import io.streamcast.tools.SimulateCommand;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.config.Setting;
import io.streamcast.process.DeployScripts;
import io.streamcast.process.JavaProcess;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamcast.avro.Forecast;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.avro.SensorReading;
import io.streamcast.command.Cli;
import io.streamcast.command.UsageError;
import io.streamcast.models.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast demo}: the whole thing on one machine, built from the other commands: a real
 * broker ({@code kafka start}), a model (the one given, the one trained before, or a quick one trained
 * now with {@code train}), the job in a local Flink with its web UI ({@code job}, a child JVM),
 * live readings ({@code simulate}: ETT replay + synthetic sensors), and a live view of forecasts and
 * their errors against Repeat. Ctrl-C or --duration stops everything it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Watch live forecasts: Kafka, model, local job, simulated sensors.",
            "Starts a broker, trains-or-reuses a small model, runs the job with its web UI, streams ETT and synthetic "
                + "readings, and shows forecasts and their error vs Repeat live. Ctrl-C or --duration stops "
                + "everything it started."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: until Ctrl-C).")
    Long duration;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model bundle to use (default: the bundled models/bundled/etth1-demo; without it, "
                    + "work/demo/model, trained on data/ett/ETTh1.csv the first time).")
    Path model;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "40",
            description = "Readings per second, over all sensors (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--synthetic", paramLabel = "N", defaultValue = "4", description = "Synthetic sensors (default ${DEFAULT-VALUE}).")
    int synthetic;

    @Option(names = "--replay", paramLabel = "K", defaultValue = "2",
            description = "Sensors replaying data/ett/ETTh1.csv, each from another offset (default ${DEFAULT-VALUE}).")
    int replay;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--web-ui-port", defaultValue = "8081", description = "Flink web UI port (default ${DEFAULT-VALUE}).")
    int webUiPort;

    private final List<Thread> simulators = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Process job;
    private Path work;
    private boolean kafkaStarted;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || synthetic < 0 || replay < 0 || synthetic + replay == 0) {
            throw new UsageError("need --rate > 0 and at least one sensor (--synthetic N and/or --replay K)");
        }
        if (duration != null && duration < 1) {
            throw new UsageError("--duration must be at least 1 second, got " + duration);
        }
        Path home = DeployScripts.home();
        work = home.resolve("work/demo");
        Files.createDirectories(work);
        long t0 = System.currentTimeMillis();
        Thread hook = new Thread(this::stopEverything, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            say(t0, "starting Kafka on 127.0.0.1:" + kafkaPort);
            kafkaStarted = true;
            check(DeployScripts.run("kafka.sh", List.of("start", "--work-dir", work.resolve("kafka").toString(),
                    "--port", String.valueOf(kafkaPort), "--controller-port", String.valueOf(kafkaPort + 1),
                    "--timeout", "300", // a broker start took over 60 s at load average 20 on 2 cores
                    "--topics", "sensor-readings:2,forecasts:2,sensor-readings-dlq:1,sensor-readings-late:1,forecast-evaluations:2")), "kafka start");
            Path bundle = model(home, t0);
            String bootstrap = "127.0.0.1:" + kafkaPort;
            say(t0, "starting the job in a local Flink (log: " + work.resolve("job.log") + ")");
            job = startJob(bundle, bootstrap);
            waitForJob(t0);
            say(t0, "Flink web UI: http://localhost:" + webUiPort + " ; streaming readings at " + rate + "/s");
            startSimulators(home, bootstrap);
            liveView(bootstrap, t0);
        } finally {
            stopEverything();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is already running (and has stopped everything)
            }
        }
        return 0;
    }

    private Path model(Path home, long t0) throws IOException, InterruptedException {
        Path shipped = home.resolve("models/bundled/etth1-demo");
        Path bundle = model != null ? model
                : Files.isRegularFile(shipped.resolve("manifest.json")) ? shipped : work.resolve("model");
        if (Files.isRegularFile(bundle.resolve("manifest.json"))) {
            say(t0, "model: " + bundle);
            return bundle.toAbsolutePath();
        }
        if (model != null) {
            throw new UsageError("--model " + model + " has no manifest.json; fix: pass a bundle written by 'streamcast train'");
        }
        say(t0, "training a small model on data/ett/ETTh1.csv (first run only, ~30-60 s; log: " + work.resolve("train.log") + ")");
        Process train = javaWithSameClasspath(List.of("train", "--data", home.resolve("data/ett/ETTh1.csv").toString(),
                "--window", "24", "--horizon", "6", "--head", "flat", "--units", "16", "--epochs", "1",
                "--plots", "0", "--name", "demo", "--out", bundle.toString()))
                .redirectErrorStream(true).redirectOutput(work.resolve("train.log").toFile()).start();
        if (train.waitFor() != 0) {
            throw new UsageError("training the demo model failed; see " + work.resolve("train.log"));
        }
        return bundle.toAbsolutePath();
    }

    /** The job in a child JVM with this JVM's classpath and options: stopping it is one destroy(). */
    private Process startJob(Path bundle, String bootstrap) throws IOException {
        return javaWithSameClasspath(List.of("job", JobConfig.kafkaOverride("bootstrap.servers", bootstrap),
                Setting.MODEL_BUNDLE.override(bundle), Setting.STARTING_OFFSETS.override("latest"),
                Setting.GROUP_ID.override("demo-" + System.currentTimeMillis()), Setting.WEB_UI_PORT.override(webUiPort),
                Setting.PARALLELISM.override(2), Setting.OUT_OF_ORDERNESS.override("2s"), Setting.JOB_NAME.override("streamcast-demo")))
                .redirectErrorStream(true).redirectOutput(work.resolve("job.log").toFile()).start();
    }

    private static ProcessBuilder javaWithSameClasspath(List<String> args) {
        return JavaProcess.of(List.of(), Streamcast.class.getName(), args);
    }

    private void waitForJob(long t0) throws Exception {
        FlinkRest flink = new FlinkRest("http://127.0.0.1:" + webUiPort);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!job.isAlive()) {
                throw new UsageError("the job stopped (exit " + job.exitValue() + "); see " + work.resolve("job.log")
                        + (Files.readString(work.resolve("job.log")).contains("Unmatched argument") ? " ('job' command missing in this build)" : ""));
            }
            try {
                for (JsonNode j : flink.get("/jobs/overview").path("jobs")) {
                    if (j.path("state").asText().equals("RUNNING")) {
                        return;
                    }
                }
            } catch (InvalidInputException | IOException notYet) {
                // the local web UI comes up with the job
            }
            Thread.sleep(300);
        }
        throw new UsageError("the job did not start within 120 s; see " + work.resolve("job.log"));
    }

    private void startSimulators(Path home, String bootstrap) {
        double total = synthetic + replay;
        if (synthetic > 0) {
            simulator("demo-synthetic", List.of("--synthetic", String.valueOf(synthetic), "--rate",
                    String.valueOf(rate * synthetic / total), "--bootstrap", bootstrap, "--quiet"));
        }
        if (replay > 0) {
            simulator("demo-replay", List.of("--data", home.resolve("data/ett/ETTh1.csv").toString(), "--sensors",
                    String.valueOf(replay), "--rate", String.valueOf(rate * replay / total), "--bootstrap", bootstrap, "--quiet"));
        }
    }

    private void simulator(String name, List<String> args) {
        Thread t = new Thread(() -> {
            try {
                Cli.run(new SimulateCommand(), args.toArray(String[]::new));
            } catch (RuntimeException e) {
                if (!stopping.get()) {
                    System.err.println("demo: " + name + " stopped: " + e.getMessage());
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        simulators.add(t);
    }

    /**
     * Reads readings, forecasts and the job's evaluations (the scores), redraws the table every second
     * until --duration or Ctrl-C, then prints it once more as the final table.
     */
    private void liveView(String bootstrap, long t0) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        LiveView view = new LiveView();
        boolean terminal = System.console() != null;
        long end = duration == null ? Long.MAX_VALUE : System.currentTimeMillis() + duration * 1000;
        long nextDraw = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of("sensor-readings", "forecasts", "forecast-evaluations")) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (System.currentTimeMillis() < end && !stopping.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (r.topic().equals("forecasts")) {
                            view.forecast(Forecast.getDecoder().decode(ByteBuffer.wrap(r.value())));
                        } else if (r.topic().equals("forecast-evaluations")) {
                            view.evaluation(ForecastEvaluation.getDecoder().decode(ByteBuffer.wrap(r.value())));
                        } else {
                            view.reading(SensorReading.getDecoder().decode(ByteBuffer.wrap(r.value())));
                        }
                    } catch (Exception skipped) {
                        // not ours (e.g. JSON readings from another producer): the job's DLQ deals with it
                    }
                }
                long now = System.currentTimeMillis();
                if (now >= nextDraw) {
                    nextDraw = now + (terminal ? 1000 : 10_000);
                    if (terminal) {
                        System.out.print("\033[H\033[2J");
                    }
                    view.draw(System.out, header(view, t0, now, "Ctrl-C stops"));
                }
            }
        }
        System.out.println();
        view.draw(System.out, header(view, t0, System.currentTimeMillis(), "final; scores from the evaluation topic, last "
                + LiveView.ROLLING + " scored forecasts per sensor"));
        if (view.forecasts() == 0) {
            System.err.println("demo: no forecast arrived; see " + work.resolve("job.log"));
        }
    }

    private String header(LiveView view, long t0, long now, String note) {
        String first = view.forecasts() == 0 ? "no forecast yet"
                : "first forecast " + (view.firstForecastAt() - t0) / 1000 + " s after start";
        return String.format("streamcast demo - %d s - %d forecasts, %s - web UI http://localhost:%d - %s",
                (now - t0) / 1000, view.forecasts(), first, webUiPort, note);
    }

    /** Idempotent: simulators, then the job, then the broker; runs on Ctrl-C too. */
    private void stopEverything() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        simulators.forEach(Thread::interrupt);
        for (Thread t : simulators) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (job != null && job.isAlive()) {
            System.err.println("demo: stopping the job");
            job.descendants().forEach(ProcessHandle::destroy);
            job.destroy();
            try {
                if (!job.waitFor(30, TimeUnit.SECONDS)) {
                    job.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (kafkaStarted) {
            DeployScripts.run("kafka.sh", List.of("stop", "--work-dir", work.resolve("kafka").toString()));
        }
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw new UsageError(what + " failed (exit " + rc + "); see its message above");
        }
    }

    private static void say(long t0, String message) {
        System.err.printf("demo [%ds] %s%n", (System.currentTimeMillis() - t0) / 1000, message);
    }
}

package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.ForecastJob;
import io.streamcast.job.ForecastPipeline;
import io.streamcast.job.PipelineSettings;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.ingest.ReadingEncoder;
import io.streamcast.job.reload.ModelStore;
import io.streamcast.job.records.Reading;
import io.streamcast.job.testing.FlinkMiniCluster;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import io.streamcast.models.WindowNorm;
import io.streamcast.models.data.CsvTimeSeries;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.data.WindowSet;
import io.streamcast.models.eval.Evaluation;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job end to end with a real broker and a MiniCluster (parallelism 2): ETTh1 test-split rows
 * replayed as two sensors (one per partition, slightly out of order), a model bundle with the
 * train-split normaliser published to a store; the streaming evaluation must agree with the models
 * module's {@code Evaluation} (the code behind {@code ./streamcast evaluate}) on the same windows, and
 * the metrics must be on the Prometheus endpoint.
 */
class OnlineEvaluationIT {
    private static final int T = 8;
    private static final int H = 3;
    private static final int ROWS_PER_SENSOR = 150;
    private static final long HOUR = 3_600_000L;
    private static final List<String> CHANNELS = List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT");
    private static final Path ETTH1 = Path.of("..", "data", "ett", "ETTh1.csv");
    private static final int PROMETHEUS_PORT = freePort();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension(
            conf -> PrometheusReporting.configure(conf, PROMETHEUS_PORT));

    @TempDir
    static Path dir;

    private static TimeSeries series;
    private static Split split;
    private static Path bundle;
    private static ForecastModel model;

    @BeforeAll
    static void modelAndData() throws Exception {
        series = CsvTimeSeries.read(ETTH1, CHANNELS);
        split = Split.standard(ETTH1, series.length(), T, null);
        Normalizer trainSplit = Normalizer.fit(series.rows(split.train().start(), split.train().end()), WindowNorm.NONE);
        ModelSpec spec = new ModelSpec(T, CHANNELS, H, Head.FLAT, PerStepTarget.NEXT, 16, 1, "tanh", HOUR);
        Path random = dir.resolve("etth1-random");
        ModelBundle.createRandom(random, "etth1", spec, trainSplit, 7);
        String version = new ModelStore(dir.resolve("store").toString()).publish(random, "etth1");
        bundle = dir.resolve("store").resolve("etth1").resolve(version);
        model = ForecastModel.load(bundle);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rows of sensor k: consecutive slices of the test split. */
    private static Split.Range slice(int k) {
        int from = split.test().start() + k * ROWS_PER_SENSOR;
        return new Split.Range(from, from + ROWS_PER_SENSOR);
    }

    private static long epochMillis(int row) {
        return LocalDateTime.parse(series.times()[row], DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
                .toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** Sensor k's rows to partition k, every 7th pair swapped (one hour out of order, within the bound). */
    private static void replay(String topic, int sensors) {
        replay(topic, sensors, true);
    }

    private static void replay(String topic, int sensors, boolean swapPairs) {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (int k = 0; k < sensors; k++) {
                Split.Range r = slice(k);
                List<Reading> readings = new ArrayList<>();
                for (int row = r.start(); row < r.end(); row++) {
                    readings.add(new Reading("transformer-" + k, epochMillis(row), series.rows()[row].clone()));
                }
                for (int i = 3; swapPairs && i + 1 < readings.size(); i += 7) {
                    Reading a = readings.get(i);
                    readings.set(i, readings.get(i + 1));
                    readings.set(i + 1, a);
                }
                for (Reading reading : readings) {
                    p.send(new ProducerRecord<>(topic, k % 2, reading.sensorId.getBytes(), ReadingEncoder.avro(reading)));
                }
            }
            p.flush();
        }
    }

    /**
     * Two partitions each, kept forever: forecasts and evaluations carry their issuedAt (2017) as record
     * timestamp, and the broker's time-based retention (7 days) would delete them at its next check.
     */
    private static void createTopics(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of("readings", "forecasts", "dlq", "late", "evaluations")) {
                topics.add(new NewTopic(name + "-" + t, 2, (short) 1).configs(Map.of("retention.ms", "-1")));
            }
            admin.createTopics(topics).all().get();
        }
    }

    private static JobConfig config(String name) {
        return config(name, Map.of());
    }

    private static JobConfig config(String name, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", KAFKA.bootstrapServers());
        m.put("topic.readings", name + "-readings");
        m.put("topic.forecasts", name + "-forecasts");
        m.put("topic.dlq", name + "-dlq");
        m.put("topic.late", name + "-late");
        m.put("topic.evaluations", name + "-evaluations");
        m.put("source.group-id", name);
        m.put("source.starting-offsets", "earliest");
        m.put("model.bundle", bundle.toString());
        m.put("validation.max-timestamp-skew", "0"); // ETT is from 2016-2018
        m.put("watermark.out-of-orderness", "2h");
        m.put("watermark.idleness", "0");
        m.put("checkpoint.interval", "0");
        m.put("parallelism", String.valueOf(FlinkMiniCluster.PARALLELISM));
        m.putAll(extra);
        return JobConfig.of(m);
    }

    private static void define(StreamExecutionEnvironment env, JobConfig cfg, boolean bounded) throws Exception {
        Manifest manifest = ModelBundle.readManifest(bundle);
        ForecastJob.configure(env, cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, manifest), KafkaEndpoints.readings(cfg, bounded),
                KafkaEndpoints.sinks(cfg));
    }

    /**
     * In both window modes: ETT rows are hourly, so each fixed-step bucket holds exactly one reading.
     * Event-time ordering re-orders the swapped pairs of the replay; in-order (the default) gets them in order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"count event-time", "fixed-step event-time", "count in-order", "fixed-step in-order"})
    void streamingEvaluationEqualsTheModelsModulesEvaluationOnTheSameWindows(String variant) throws Exception {
        String mode = variant.split(" ")[0];
        String ordering = variant.split(" ")[1];
        String name = "eval-ett-" + mode + "-" + ordering;
        createTopics(name);
        replay(name + "-readings", 2, ordering.equals("event-time"));
        JobConfig cfg = config(name, Map.of("window.mode", mode, "window.ordering", ordering));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        define(env, cfg, true);
        env.execute("online evaluation vs streamcast evaluate");

        // the models module on the same windows: each sensor's slice, windows of T inputs and H targets
        int expectedWindows = 0;
        double modelSe = 0, repeatSe = 0, modelRawSe = 0;
        double[] modelSeByStep = new double[H];
        Set<String> expectedKeys = new HashSet<>();
        for (int k = 0; k < 2; k++) {
            WindowSet windows = new WindowSet(series.rows(), slice(k), T, H);
            Evaluation e = Evaluation.evaluate(model::predict, model.normalizer(), windows, 64, null);
            expectedWindows += windows.size();
            modelSe += e.model().mse() * windows.size();
            repeatSe += e.repeat().mse() * windows.size();
            modelRawSe += e.model().rawMse() * windows.size();
            for (int h = 0; h < H; h++) modelSeByStep[h] += e.model().mseByStep()[h] * windows.size();
            for (int i = 0; i < windows.size(); i++) {
                expectedKeys.add("transformer-" + k + "@" + epochMillis(windows.start(i) + T - 1));
            }
        }
        assertEquals(2 * (ROWS_PER_SENSOR - T - H + 1), expectedWindows);

        List<ConsumerRecord<byte[], byte[]>> records =
                KAFKA.readAll(name + "-evaluations", false, expectedWindows, Duration.ofMinutes(2));
        assertEquals(expectedWindows, records.size(), "one evaluation per window with H actuals, none twice");
        double streamModel = 0, streamRepeat = 0, streamRaw = 0;
        double[] streamByStep = new double[H];
        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ForecastEvaluation e = EvaluationRecords.decode(r.value());
            assertEquals(new String(r.key()), e.getSensorId(), "key = sensorId");
            assertEquals("etth1", e.getModelName());
            assertEquals("1", e.getModelVersion());
            assertEquals(e.getIssuedAt().toEpochMilli() + H * HOUR, e.getLastActualAt().toEpochMilli(),
                    "hourly rows: the last actual is H steps after issuedAt");
            keys.add(e.getSensorId() + "@" + e.getIssuedAt().toEpochMilli());
            for (int h = 0; h < H; h++) {
                streamModel += e.getModelSquaredErrorNormalized().get(h);
                streamRepeat += e.getRepeatSquaredErrorNormalized().get(h);
                streamRaw += e.getModelSquaredError().get(h);
                streamByStep[h] += e.getModelSquaredErrorNormalized().get(h);
            }
        }
        assertEquals(expectedKeys, keys, "the same windows (sensor, issuedAt)");
        double n = (double) expectedWindows * H;
        double expectedMse = modelSe / expectedWindows;
        System.out.printf(variant + ": streaming MSE %.9f vs evaluate %.9f; Repeat %.9f vs %.9f (%d windows)%n",
                streamModel / n, expectedMse, streamRepeat / n, repeatSe / expectedWindows, expectedWindows);
        assertEquals(expectedMse, streamModel / n, 1e-5 * expectedMse, "model MSE (normalised)");
        assertEquals(repeatSe / expectedWindows, streamRepeat / n, 1e-5 * repeatSe / expectedWindows, "Repeat MSE (normalised)");
        assertEquals(modelRawSe / expectedWindows, streamRaw / n, 1e-5 * modelRawSe / expectedWindows, "model MSE (raw)");
        for (int h = 0; h < H; h++) {
            double expected = modelSeByStep[h] / expectedWindows;
            assertEquals(expected, streamByStep[h] / expectedWindows, 1e-5 * expected, "model MSE at step " + (h + 1));
        }
        // the last H forecasts of each sensor never get all their actuals: they expire, nothing is left waiting
        assertEquals(2 * (ROWS_PER_SENSOR - T + 1), KAFKA.readAll(name + "-forecasts", false, 1, Duration.ofMinutes(1)).size());
    }

    @Test
    void thePrometheusEndpointServesTheModelVersionAndTheEvaluationMetrics() throws Exception {
        String name = "eval-prom";
        createTopics(name);
        replay(name + "-readings", 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        define(env, config(name), false); // unbounded: the metrics exist while the job runs
        JobClient job = env.executeAsync("online evaluation metrics");
        try {
            KAFKA.readAll(name + "-evaluations", false, 10, Duration.ofMinutes(2));
            String[] wanted = {
                "flink_taskmanager_job_task_operator_evaluation_modelVersion",
                "flink_taskmanager_job_task_operator_evaluation_forecastsEvaluated",
                "flink_taskmanager_job_task_operator_evaluation_model_version_skill",
                "flink_taskmanager_job_task_operator_evaluation_model_version_rmse",
                "flink_taskmanager_job_task_operator_evaluation_model_version_mae",
                "flink_taskmanager_job_task_operator_evaluation_model_version_step_rmse",
                "flink_taskmanager_job_task_operator_evaluation_model_version_driftAlarm",
                "flink_taskmanager_job_task_operator_readingsAccepted",
                "flink_taskmanager_job_task_operator_windowsEmitted",
            };
            String page = scrapeUntil(wanted, Duration.ofMinutes(2));
            if (System.getenv("STREAMCAST_DUMP_METRICS") != null) System.out.println(grep(page, "_evaluation_") + grep(page, "inference") + grep(page, "readingsAccepted") + grep(page, "batchSize"));
            assertTrue(page.lines().anyMatch(l -> l.startsWith("flink_taskmanager_job_task_operator_evaluation_modelVersion{")
                            && l.endsWith(" 1.0")),
                    "model version gauge = 1 (the published version):\n" + grep(page, "modelVersion"));
            assertTrue(page.lines().anyMatch(l -> l.startsWith("flink_taskmanager_job_task_operator_evaluation_model_version_skill{")
                            && l.contains("model=\"etth1\"") && l.contains("version=\"1\"")),
                    "skill labelled with model and version:\n" + grep(page, "_skill"));
            assertTrue(page.lines().anyMatch(l -> l.startsWith("flink_taskmanager_job_task_operator_evaluation_model_version_step_rmse{")
                            && l.contains("step=\"" + H + "\"")),
                    "per-step RMSE labelled with the step:\n" + grep(page, "step_rmse"));
        } finally {
            job.cancel().get();
        }
    }

    private static String scrapeUntil(String[] names, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://localhost:" + PROMETHEUS_PORT + "/metrics")).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String page = "";
        while (System.nanoTime() < deadline) {
            page = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
            boolean all = true;
            for (String n : names) all &= page.contains(n + "{");
            if (all) return page;
            Thread.sleep(200); // polling an HTTP endpoint: nothing to await on
        }
        StringBuilder missing = new StringBuilder();
        for (String n : names) if (!page.contains(n + "{")) missing.append(n).append(' ');
        throw new AssertionError("not on the Prometheus endpoint after " + timeout + ": " + missing
                + "\nstreamcast metrics there:\n" + grep(page, "operator_"));
    }

    private static String grep(String page, String s) {
        StringBuilder b = new StringBuilder();
        page.lines().filter(l -> l.contains(s) && !l.startsWith("#")).limit(400).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }
}

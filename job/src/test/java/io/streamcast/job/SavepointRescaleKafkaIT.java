package io.streamcast.job;

import static io.streamcast.job.testing.KafkaJobTests.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.ingest.ReadingEncoder;
import io.streamcast.job.records.Reading;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.testing.KafkaJobTests;
import io.streamcast.job.testing.KafkaJobTests.Topics;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upgrade and rescale through savepoints, on a real broker and a MiniCluster of three slots: the job
 * runs at parallelism 2, stops with a savepoint, resumes from it at parallelism 1, stops again and
 * resumes at parallelism 3, with readings sent in three phases. The assemblers' buffered readings,
 * the evaluator's waiting forecasts and the Kafka offsets must survive both stops: every window of the
 * whole sequence is forecast exactly once (read_committed), including the windows that span a stop
 * (a lost buffer would leave a T-reading gap), and every forecast with H later readings is evaluated
 * exactly once. Both state backends; each must be the one the job asked for.
 */
class SavepointRescaleKafkaIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(new Configuration())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(3)
            .build());

    static final int T = ForecastPipelineKafkaIT.T;
    static final int C = ForecastPipelineKafkaIT.C;
    static final int H = ForecastPipelineKafkaIT.H;
    static final long STEP = ForecastPipelineKafkaIT.STEP;
    static final int PARTITIONS = 3;
    static final int SENSORS = 12;
    /** Readings per sensor sent before each stop, and in all. */
    static final int[] PHASE_END = {10, 17, 24};
    static final int[] PARALLELISM = {2, 1, 3};

    @TempDir
    static Path dir;
    static Path bundle;
    static Manifest manifest;
    static ForecastModel model;

    @BeforeAll
    static void tinyModel() throws Exception {
        bundle = dir.resolve("tiny");
        ModelSpec spec = new ModelSpec(T, List.of("load", "temp"), H, Head.FLAT, PerStepTarget.NEXT, 8, 1, "tanh", STEP);
        ModelBundle.createRandom(bundle, "tiny", spec, Normalizer.identity(C), 11L);
        model = ForecastModel.load(bundle);
        manifest = ForecastJob.manifest(bundle);
    }

    @ParameterizedTest(name = "state.backend={0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void stopWithSavepointThenResumeAt1And3KeepsEveryForecastExactlyOnce(String backend,
            @InjectClusterClient RestClusterClient<?> rest) throws Exception {
        Topics topics = Topics.create(KAFKA, "rescale-" + backend, PARTITIONS);
        String evaluations = topics.forecasts() + "-evaluations";
        KAFKA.createTopics(PARTITIONS, evaluations);
        long base = (System.currentTimeMillis() / STEP) * STEP - 120_000;
        Map<String, List<Reading>> bySensor = ForecastPipelineKafkaIT.readings(SENSORS, PHASE_END[2], base, 5, 0);
        String prefix = "rescale-" + UUID.randomUUID();
        Path savepoints = dir.resolve("savepoints-" + backend);

        String savepoint = null;
        JobClient job = null;
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (int phase = 0; phase < PHASE_END.length; phase++) {
                JobConfig cfg = JobConfig.of(settings(topics, evaluations, prefix, backend, PARALLELISM[phase]));
                job = start(cfg, savepoint);
                awaitRunning(job);
                assertEquals(backendClass(backend), stateBackendOf(rest, job.getJobID()), "the job's state backend");
                int from = phase == 0 ? 0 : PHASE_END[phase - 1];
                ForecastPipelineKafkaIT.send(producer, topics.readings(), bySensor, from, PHASE_END[phase]);
                if (phase < PHASE_END.length - 1) {
                    // progress gate only: this phase's early windows are committed (readings behind the
                    // watermark became steps); the newest readings stay buffered in the assemblers
                    int released = PHASE_END[phase] - 5;
                    KAFKA.readAll(topics.forecasts(), true, SENSORS * (released - T + 1), Duration.ofMinutes(3));
                    savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get();
                    assertEquals(JobStatus.FINISHED, job.getJobStatus().get());
                    job = null;
                }
            }
            // every partition's watermark past all readings: the last steps and evaluations are released
            // (dated within validation.max-ahead of the wall clock, or it would be a dead letter)
            for (int p = 0; p < PARTITIONS; p++) {
                Reading flush = new Reading("flush-" + p, System.currentTimeMillis() + 120_000, new float[] {0f, 0f});
                producer.send(new ProducerRecord<>(topics.readings(), p, ForecastPipelineKafkaIT.key(flush.sensorId),
                        ReadingEncoder.avro(flush)));
            }
            producer.flush();

            Map<String, float[]> expected = expectedForecasts(bySensor);
            assertEquals(SENSORS * (PHASE_END[2] - T + 1), expected.size());
            List<ConsumerRecord<byte[], byte[]>> out = KAFKA.readAll(topics.forecasts(), true, expected.size(), Duration.ofMinutes(3));
            ForecastPipelineKafkaIT.assertForecastsExactlyOnce(expected, out);

            // a forecast is scored once all H later readings are final: windows ending before the last H
            int expectedEvaluations = SENSORS * (PHASE_END[2] - H - T + 1);
            List<ConsumerRecord<byte[], byte[]>> scored = KAFKA.readAll(evaluations, true, expectedEvaluations, Duration.ofMinutes(3));
            Set<String> seen = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : scored) {
                ForecastEvaluation e = ForecastEvaluation.getDecoder().decode(r.value());
                String id = e.getSensorId() + "@" + e.getIssuedAt().toEpochMilli();
                assertTrue(expected.containsKey(id), "evaluation of an unknown forecast " + id);
                assertTrue(seen.add(id), "evaluated twice: " + id);
            }
            assertEquals(expectedEvaluations, scored.size(), "evaluations");
        } finally {
            if (job != null) job.cancel().get();
        }
    }

    static Map<String, String> settings(Topics topics, String evaluations, String prefix, String backend, int parallelism) {
        Map<String, String> m = topics.settings(KAFKA);
        m.put("model.bundle", bundle.toString());
        m.put("topic.evaluations", evaluations);
        m.put("watermark.out-of-orderness", "3s");
        m.put("window.ordering", "event-time"); // readings arrive out of order per sensor, within the bound
        m.put("watermark.idleness", "0");
        m.put("inference.batch-size", "16");
        m.put("delivery.guarantee", "exactly-once");
        m.put("delivery.transactional-id-prefix", prefix);
        m.put("delivery.transaction-timeout", "2m");
        m.put("checkpoint.interval", "500ms");
        m.put("state.backend", backend);
        m.put("parallelism", Integer.toString(parallelism));
        return m;
    }

    /** The job, restored from {@code savepoint} when it is set (what submit --from-savepoint asks of a cluster). */
    static JobClient start(JobConfig cfg, String savepoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ForecastJob.configure(env, cfg);
        if (savepoint != null) {
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            env.configure(restore);
        }
        ForecastPipeline.define(env, PipelineSettings.from(cfg, manifest), KafkaEndpoints.readings(cfg, false),
                KafkaEndpoints.sinks(cfg));
        return env.executeAsync("rescale-" + cfg.parallelism());
    }

    static void awaitRunning(JobClient job) throws InterruptedException {
        await("job " + job.getJobID() + " running", Duration.ofMinutes(2), () -> {
            try {
                return job.getJobStatus().get() == JobStatus.RUNNING;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    static String backendClass(String backend) {
        return backend.equals("rocksdb") ? "EmbeddedRocksDBStateBackend" : "HashMapStateBackend";
    }

    /** state_backend of the job's checkpoint configuration, as Flink's REST API reports it. */
    static String stateBackendOf(RestClusterClient<?> rest, JobID job) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(rest.getWebInterfaceURL() + "/jobs/" + job + "/checkpoints/config")).build(),
                HttpResponse.BodyHandlers.ofString());
        return ForecastPipelineKafkaIT.JSON.readTree(r.body()).path("state_backend").asText();
    }

    static Map<String, float[]> expectedForecasts(Map<String, List<Reading>> bySensor) {
        Map<String, float[]> windows = KafkaJobTests.windows(bySensor, T, C, t -> t);
        float[][] predicted = model.predict(windows.values().toArray(float[][]::new));
        Map<String, float[]> out = new LinkedHashMap<>();
        int i = 0;
        for (String id : windows.keySet()) out.put(id, predicted[i++]);
        return out;
    }
}

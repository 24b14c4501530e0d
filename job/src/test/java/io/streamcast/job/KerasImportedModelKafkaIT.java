package io.streamcast.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.streamcast.avro.Forecast;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.ingest.ReadingEncoder;
import io.streamcast.job.reload.ModelStore;
import io.streamcast.job.records.Reading;
import io.streamcast.job.testing.FlinkMiniCluster;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.testing.KafkaJobTests;
import io.streamcast.job.testing.KafkaJobTests.Topics;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.keras.KerasImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Keras model (Keras 3 .keras flat, Keras 2 .h5 per-step, and the classic LSTM(100, relu) -> Dense(10) that
 * forecasts one target from 30 channels), imported, published to a model store and served
 * by the whole job on a real broker and a MiniCluster: every forecast equals ForecastModel.predict of the
 * published bundle on the window built here from the time-ordered readings.
 */
class KerasImportedModelKafkaIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
    // Its own MiniCluster: FlinkMiniCluster's shared in-memory metrics reporter is closed with the first cluster
    // that uses it, and this test reads no metrics.
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(FlinkMiniCluster.PARALLELISM).build());

    static final long STEP = 1000;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"flat_relu.keras,flat,,2", "per_step.k2.h5,per-step,3,2", "classic_flat_target.keras,flat,,30"})
    void theJobServesAnImportedKerasModel(String file, String head, Integer horizon, int channels) throws Exception {
        Path keras = Path.of("..", "models", "src", "test", "resources", "keras", file);
        Path bundle = tmp.resolve("import");
        KerasImporter.importToBundle(keras, bundle, "keras-" + head, null,
                new KerasImporter.Options(horizon, null, null, channels == 2 ? List.of("load", "temp") : null, STEP));
        if (channels > 2) {
            // intervals calibrated at import, given data: forecasts carry them
            Path csv = noiseCsv(tmp.resolve("calibration.csv"), 400, channels);
            io.streamcast.models.data.TimeSeries series = io.streamcast.models.data.CsvTimeSeries.read(csv, null);
            io.streamcast.models.eval.Calibration.bundle(bundle, series, io.streamcast.models.data.Split.standard(csv, series.length(), 10, null));
        }
        String version = new ModelStore(tmp.resolve("store").toString()).publish(bundle, "keras-" + head);
        Path published = tmp.resolve("store").resolve("keras-" + head).resolve(version);

        Topics topics = Topics.create(KAFKA, "keras", 3);
        Map<String, String> m = topics.settings(KAFKA);
        m.put("model.bundle", published.toString());
        m.put("watermark.out-of-orderness", "5s");
        m.put("window.ordering", "event-time"); // the readings are sent out of order per sensor, within the bound
        m.put("inference.batch-size", "16");
        m.put("input.format", "avro");
        JobConfig cfg = JobConfig.of(m);

        long base = (System.currentTimeMillis() / STEP) * STEP - 60_000;
        Map<String, List<Reading>> bySensor = ForecastPipelineKafkaIT.readings(8, 16, base, 5, 0, channels);
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            for (Reading r : ForecastPipelineKafkaIT.outOfOrder(bySensor, new Random(9))) {
                producer.send(new ProducerRecord<>(topics.readings(), ForecastPipelineKafkaIT.key(r.sensorId), ReadingEncoder.avro(r)));
            }
            producer.flush();
        }
        StreamExecutionEnvironment env = KafkaJobTests.environment(cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, ForecastJob.modelSpec(published)),
                KafkaEndpoints.readings(cfg, true), KafkaEndpoints.sinks(cfg));
        env.execute("keras-" + head);

        try (ForecastModel model = ForecastModel.load(published)) {
            ModelSpec spec = model.spec();
            Map<String, float[]> expected = expected(model, bySensor);
            List<ConsumerRecord<byte[], byte[]>> out = KAFKA.readAll(topics.forecasts(), false, expected.size(), Duration.ofMinutes(2));
            assertEquals(expected.size(), out.size());
            Map<String, Integer> seen = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> rec : out) {
                Forecast f = Forecast.getDecoder().decode(rec.value());
                String key = f.getSensorId() + "@" + f.getIssuedAt().toEpochMilli();
                float[] want = expected.get(key);
                assertNotNull(want, "unexpected forecast " + key);
                assertEquals(1, seen.merge(key, 1, Integer::sum), "once: " + key);
                assertEquals("keras-" + head, f.getModelName());
                assertEquals(version, f.getModelVersion());
                assertEquals(head, f.getHead());
                assertEquals(spec.horizon(), f.getHorizon());
                assertEquals(spec.targetCount(), f.getChannels());
                assertEquals(spec.targets(), f.getTargets().stream().map(CharSequence::toString).toList());
                assertArrayEquals(want, KafkaJobTests.values(f), 1e-5f, key);
                if (model.intervals() == null) {
                    assertEquals(List.of(), f.getLower());
                    assertEquals(0f, f.getCoverage());
                } else {
                    float[] q = model.intervals().halfWidths(0.9);
                    assertEquals(0.9f, f.getCoverage());
                    for (int j = 0; j < want.length; j++) {
                        assertEquals(want[j] - q[j], f.getLower().get(j), 1e-4f);
                        assertEquals(want[j] + q[j], f.getUpper().get(j), 1e-4f);
                    }
                }
            }
            System.out.println("keras import served by the job: " + file + " -> " + out.size() + " forecasts equal to predict");
        }
    }

    /** Hourly rows of Gaussian noise, columns c0, c1, ... */
    static Path noiseCsv(Path file, int rows, int channels) throws java.io.IOException {
        Random rnd = new Random(3);
        StringBuilder sb = new StringBuilder("date");
        for (int c = 0; c < channels; c++) sb.append(",c").append(c);
        sb.append('\n');
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2020, 1, 1, 0, 0);
        for (int i = 0; i < rows; i++) {
            sb.append(t.plusHours(i).toString().replace('T', ' ')).append(":00");
            for (int c = 0; c < channels; c++) sb.append(',').append((float) rnd.nextGaussian());
            sb.append('\n');
        }
        Files.writeString(file, sb.toString());
        return file;
    }

    static Map<String, float[]> expected(ForecastModel model, Map<String, List<Reading>> bySensor) {
        int t = model.spec().window();
        int c = model.spec().channelCount();
        Map<String, float[]> windows = KafkaJobTests.windows(bySensor, t, c, time -> time);
        float[][] p = model.predict(windows.values().toArray(float[][]::new));
        Map<String, float[]> out = new LinkedHashMap<>();
        int i = 0;
        for (String id : windows.keySet()) out.put(id, p[i++]);
        return out;
    }
}

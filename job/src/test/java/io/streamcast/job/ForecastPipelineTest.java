package io.streamcast.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.ingest.DeadLetter;
import io.streamcast.job.ingest.DeadLetterReason;
import io.streamcast.job.ingest.Ingested;
import io.streamcast.job.kafka.KafkaEndpoints.Sinks;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.testing.CollectSink;
import io.streamcast.job.testing.FlinkMiniCluster;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole graph of {@link ForecastPipeline#define} (validation, watermarks, assembly, inference,
 * the side outputs) on a MiniCluster at parallelism 2, with in-memory source and sinks instead of
 * Kafka: readings out of order within the watermark bound (event-time ordering re-orders them) and
 * bad records interleaved; every forecast arrives once with the model's own predict on the windows built here from the
 * time-ordered readings, every bad record is one dead letter with its reason, nothing is late.
 */
class ForecastPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    private static final int T = 4;
    private static final int C = 2;
    private static final int H = 3;
    private static final long STEP = 1000;
    private static final int SENSORS = 10;
    private static final int READINGS = 16;
    private static final long START = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void forecastsDeadLettersAndNothingLateFromOutOfOrderInput() throws Exception {
        ModelSpec spec = new ModelSpec(T, List.of("load", "temp"), H, Head.FLAT, PerStepTarget.NEXT, 8, 1, "tanh", STEP);
        Path bundle = dir.resolve("tiny");
        ModelBundle.createRandom(bundle, "tiny", spec, Normalizer.identity(C), 42);

        Random random = new Random(11);
        List<Reading> valid = new ArrayList<>();
        List<Ingested> input = new ArrayList<>();
        Map<Ingested, Long> arrival = new HashMap<>();
        for (int s = 0; s < SENSORS; s++) {
            for (int i = 0; i < READINGS; i++) {
                long t = START + i * STEP;
                Reading r = new Reading("sensor-" + s, t, new float[] {(float) random.nextGaussian(), s + i * 0.1f});
                valid.add(r);
                Ingested in = ingested(r, input.size());
                input.add(in);
                arrival.put(in, t + (long) (random.nextDouble() * 2 * STEP)); // up to 2 steps late: inside the 3 s bound
            }
        }
        Map<DeadLetterReason, Integer> bad = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            long t = START + (2 + 2 * i) * STEP;
            Ingested in;
            DeadLetterReason reason;
            switch (i % 3) {
                case 0 -> {
                    in = ingested(new Reading("sensor-0", t, new float[] {1f}), input.size());
                    reason = DeadLetterReason.WRONG_CHANNEL_COUNT;
                }
                case 1 -> {
                    in = ingested(new Reading("sensor-1", t, new float[] {Float.NaN, 1f}), input.size());
                    reason = DeadLetterReason.NON_FINITE_VALUE;
                }
                default -> {
                    in = ingested(null, input.size());
                    in.failure = DeadLetterReason.UNDECODABLE.name();
                    in.failureDetail = "not Avro";
                    reason = DeadLetterReason.UNDECODABLE;
                }
            }
            bad.merge(reason, 1, Integer::sum);
            input.add(in);
            arrival.put(in, t);
        }
        input.sort(Comparator.comparing(arrival::get));

        JobConfig cfg = JobConfig.of(Map.of("window.ordering", "event-time", "watermark.out-of-orderness", "3s", "watermark.idleness", "0s",
                "validation.max-timestamp-skew", "0s", "model.bundle", bundle.toString(), "inference.batch-size", "8",
                "evaluation.enabled", "false"));
        CollectSink<WindowForecast> forecasts = new CollectSink<>();
        CollectSink<DeadLetter> deadLetters = new CollectSink<>();
        CollectSink<Reading> late = new CollectSink<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        TypeInformation<Ingested> type = TypeInformation.of(Ingested.class);
        // two source subtasks, each with a contiguous part of the arrival order
        DataGeneratorSource<Ingested> source = new DataGeneratorSource<>(
                new FromElementsGeneratorFunction<>(type, env.getConfig(), input), input.size(), type);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, ModelBundle.readManifest(bundle)), source,
                new Sinks(forecasts, deadLetters, late, null));
        env.execute("whole graph, in memory");

        Map<String, TreeMap<Long, float[]>> windows = expectedWindows(valid);
        int expectedCount = SENSORS * (READINGS - T + 1);
        List<WindowForecast> out = forecasts.received();
        assertEquals(expectedCount, out.size(), "one forecast per window");
        Map<String, Integer> perSensor = new HashMap<>();
        try (ForecastModel model = ForecastModel.load(bundle)) {
            for (WindowForecast f : out) {
                float[] window = windows.get(f.sensorId).get(f.issuedAt);
                assertNotNull(window, "no window ends at " + f);
                assertArrayEquals(model.predict(new float[][] {window})[0], f.values, 1e-5f, f.toString());
                assertEquals("tiny", f.modelName);
                assertEquals(H, f.horizon);
                assertEquals(C, f.channels);
                perSensor.merge(f.sensorId, 1, Integer::sum);
            }
        }
        assertEquals(SENSORS, perSensor.size());
        perSensor.values().forEach(n -> assertEquals(READINGS - T + 1, n, "each window once"));

        Map<DeadLetterReason, Integer> reasons = new HashMap<>();
        for (DeadLetter d : deadLetters.received()) {
            reasons.merge(DeadLetterReason.valueOf(d.reason), 1, Integer::sum);
            assertTrue(new String(d.payload, StandardCharsets.UTF_8).startsWith("record-"), "original bytes kept: " + d);
        }
        assertEquals(bad, reasons);
        assertEquals(List.of(), late.received(), "disorder within the bound is never late");
    }

    private static Ingested ingested(Reading r, int offset) {
        Ingested in = new Ingested();
        in.reading = r;
        in.topic = "readings";
        in.partition = 0;
        in.offset = offset;
        in.payload = ("record-" + offset).getBytes(StandardCharsets.UTF_8);
        return in;
    }

    /** Windows of T steps ending at each reading from the T-th on, per sensor in time order. */
    private static Map<String, TreeMap<Long, float[]>> expectedWindows(List<Reading> readings) {
        Map<String, TreeMap<Long, float[]>> steps = new HashMap<>();
        for (Reading r : readings) steps.computeIfAbsent(r.sensorId, k -> new TreeMap<>()).put(r.timestamp, r.values);
        Map<String, TreeMap<Long, float[]>> windows = new HashMap<>();
        steps.forEach((sensor, byTime) -> {
            List<float[]> ordered = new ArrayList<>(byTime.values());
            List<Long> times = new ArrayList<>(byTime.keySet());
            for (int end = T - 1; end < ordered.size(); end++) {
                float[] w = new float[T * C];
                for (int k = 0; k < T; k++) System.arraycopy(ordered.get(end - T + 1 + k), 0, w, k * C, C);
                windows.computeIfAbsent(sensor, k -> new TreeMap<>()).put(times.get(end), w);
            }
        });
        return windows;
    }
}

package io.streamcast.job.inference;

import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.assembly.SequenceAssembler;
import io.streamcast.job.records.Reading;
import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two stateful cores on a real Flink runtime at parallelism 2, with out-of-order readings and
 * checkpoints: every expected forecast arrives once, per sensor in issuedAt order, equal to the
 * model's own predict on the windows built from the time-ordered readings.
 */
class AssemblyAndInferenceMiniClusterTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int SENSORS = 12;
    private static final int READINGS = 25;
    private static final long STEP = TinyModel.STEP;
    private static final long BOUND = 3 * STEP;

    @TempDir
    static Path dir;
    static Path bundle;

    @BeforeAll
    static void bundle() throws Exception {
        bundle = TinyModel.create(dir, "tiny", Head.FLAT);
    }

    /** Readings of every sensor, disordered by up to 2 steps (within the 3-step watermark bound). */
    private static List<Reading> disorderedReadings() {
        Random r = new Random(7);
        List<Reading> all = new ArrayList<>();
        Map<Reading, Long> arrival = new HashMap<>();
        for (int s = 0; s < SENSORS; s++) {
            for (int i = 0; i < READINGS; i++) {
                long t = 1_000_000 + i * STEP;
                Reading reading = new Reading("sensor-" + s, t, new float[] {(float) r.nextGaussian(), s + i * 0.1f});
                all.add(reading);
                arrival.put(reading, t + (long) (r.nextDouble() * 2 * STEP));
            }
        }
        all.sort(Comparator.comparing(arrival::get));
        return all;
    }

    /** Windows built by hand from the readings in time order, per sensor. */
    private static Map<String, TreeMap<Long, float[]>> expectedWindows(List<Reading> readings) {
        Map<String, TreeMap<Long, float[]>> steps = new HashMap<>();
        for (Reading r : readings) {
            steps.computeIfAbsent(r.sensorId, k -> new TreeMap<>()).put(r.timestamp, r.values);
        }
        Map<String, TreeMap<Long, float[]>> windows = new HashMap<>();
        int t = TinyModel.T;
        int c = TinyModel.C;
        steps.forEach((sensor, byTime) -> {
            List<Map.Entry<Long, float[]>> ordered = new ArrayList<>(byTime.entrySet());
            for (int end = t - 1; end < ordered.size(); end++) {
                float[] w = new float[t * c];
                for (int k = 0; k < t; k++) {
                    System.arraycopy(ordered.get(end - t + 1 + k).getValue(), 0, w, k * c, c);
                }
                windows.computeIfAbsent(sensor, k -> new TreeMap<>()).put(ordered.get(end).getKey(), w);
            }
        });
        return windows;
    }

    /** What inference sent on: the steps passed through, and the forecasts. */
    private record Inferred(List<AcceptedStep> steps, List<WindowForecast> forecasts) {
    }

    private static Inferred run(List<Reading> readings, InferenceConfig cfg) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        DataStream<Reading> input = env.fromData(readings).setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Reading>forBoundedOutOfOrderness(Duration.ofMillis(BOUND))
                        .withTimestampAssigner((r, ts) -> r.timestamp))
                .setParallelism(1);
        DataStream<AcceptedStep> steps = input.keyBy(r -> r.sensorId)
                // event-time ordering: the readings are disordered within the watermark bound
                .process(new SequenceAssembler(AssemblerConfig.count(TinyModel.T, TinyModel.C)
                        .withOrdering(AssemblerConfig.Ordering.EVENT_TIME)))
                .name("assemble");
        Inferred out = new Inferred(new ArrayList<>(), new ArrayList<>());
        try (var it = Inference.apply(steps, cfg).executeAndCollect()) {
            it.forEachRemaining(e -> {
                if (e.isLeft()) out.steps().add(e.left());
                else out.forecasts().add(e.right());
            });
        }
        return out;
    }

    @Test
    void batchedAndPerRecordForecastEveryWindowOnceInOrderEqualToPredict() throws Exception {
        List<Reading> readings = disorderedReadings();
        Map<String, TreeMap<Long, float[]>> expected = expectedWindows(readings);
        int expectedCount = SENSORS * (READINGS - TinyModel.T + 1);

        try (ForecastModel model = ForecastModel.load(bundle)) {
            for (InferenceConfig cfg : List.of(new InferenceConfig(bundle.toString(), InferenceConfig.Mode.BATCHED, 256, 5).withMaxBatch(16),
                    new InferenceConfig(bundle.toString(), InferenceConfig.Mode.PER_RECORD, 1, 0))) {
                Inferred inferred = run(readings, cfg);
                assertEquals(SENSORS * READINGS, inferred.steps().size(), cfg + ": every step passes through once");
                assertEquals(expectedCount, inferred.steps().stream().filter(AcceptedStep::windowEmitted).count(), cfg.toString());
                List<WindowForecast> out = inferred.forecasts();
                assertEquals(expectedCount, out.size(), cfg.toString());
                Map<String, Long> last = new HashMap<>();
                Map<String, Integer> perSensor = new HashMap<>();
                for (WindowForecast f : out) {
                    Long prev = last.put(f.sensorId, f.issuedAt);
                    assertTrue(prev == null || prev < f.issuedAt, cfg + ": order of " + f.sensorId);
                    perSensor.merge(f.sensorId, 1, Integer::sum);
                    float[] window = expected.get(f.sensorId).get(f.issuedAt);
                    float[] want = model.predict(new float[][] {window})[0];
                    assertArrayEquals(want, f.values, 1e-5f, cfg + ": " + f);
                    assertEquals("tiny", f.modelName);
                }
                assertEquals(SENSORS, perSensor.size());
                perSensor.values().forEach(n -> assertEquals(READINGS - TinyModel.T + 1, n, "each window once"));
            }
        }
    }
}

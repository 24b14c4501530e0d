package io.streamcast.job.inference;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.streamcast.job.inference.InferenceOutput.forecastRecords;
import static io.streamcast.job.inference.InferenceOutput.forecasts;
import static io.streamcast.job.inference.InferenceOutput.step;
import static io.streamcast.job.inference.TinyModel.window;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchedInferenceOperatorTest {
    @TempDir
    static Path dir;
    static Path flat;
    static Path perStep;
    static Path channelIndependent;
    static Path linear;

    @BeforeAll
    static void bundles() throws Exception {
        flat = TinyModel.create(dir, "tiny-flat", Head.FLAT);
        perStep = TinyModel.create(dir, "tiny-per-step", Head.PER_STEP);
        channelIndependent = TinyModel.createChannelIndependent(dir, "tiny-ci", 1);
        linear = TinyModel.createChannelIndependent(dir, "tiny-ci-linear", 0);
    }

    private static InferenceConfig cfg(int maxBatch, long timeoutMillis) {
        return new InferenceConfig(flat.toString(), InferenceConfig.Mode.BATCHED, 256, 5).withMaxBatch(maxBatch).withFlushTimeoutMillis(timeoutMillis);
    }

    private static OneInputStreamOperatorTestHarness<AcceptedStep, Either<AcceptedStep, WindowForecast>> harness(InferenceConfig cfg)
            throws Exception {
        var h = InferenceOutput.typed(new OneInputStreamOperatorTestHarness<>(new BatchedInferenceOperator(cfg)));
        h.setProcessingTime(0);
        return h;
    }

    private static OneInputStreamOperatorTestHarness<AcceptedStep, Either<AcceptedStep, WindowForecast>> opened(InferenceConfig cfg)
            throws Exception {
        var h = harness(cfg);
        h.open();
        return h;
    }

    private static BatchedInferenceOperator operator(OneInputStreamOperatorTestHarness<AcceptedStep, Either<AcceptedStep, WindowForecast>> h) {
        return (BatchedInferenceOperator) h.getOperator();
    }

    /** Flush timers still armed (the operator's own processing-time timers, not keyed ones). */
    private static int activeTimers(OneInputStreamOperatorTestHarness<AcceptedStep, Either<AcceptedStep, WindowForecast>> h) {
        return h.getProcessingTimeService().getNumActiveTimers();
    }

    private static void feed(OneInputStreamOperatorTestHarness<AcceptedStep, Either<AcceptedStep, WindowForecast>> h, List<Window> ws)
            throws Exception {
        for (Window w : ws) {
            h.processElement(step(w), w.endTime);
        }
    }

    private static List<Window> interleaved(int sensors, int perSensor) {
        List<Window> ws = new ArrayList<>();
        for (int i = 0; i < perSensor; i++) {
            for (int s = 0; s < sensors; s++) {
                ws.add(window("sensor-" + s, 10_000L + i * TinyModel.STEP));
            }
        }
        return ws;
    }

    /** What the model itself says about these windows, in one predict call. */
    private static float[][] predict(Path bundle, List<Window> ws) throws Exception {
        try (ForecastModel m = ForecastModel.load(bundle)) {
            float[][] in = new float[ws.size()][];
            for (int i = 0; i < in.length; i++) {
                in[i] = ws.get(i).values;
            }
            return m.predict(in);
        }
    }

    private static String id(WindowForecast f) {
        return f.sensorId + "@" + f.issuedAt;
    }

    private static List<String> ids(List<WindowForecast> fs) {
        return fs.stream().map(BatchedInferenceOperatorTest::id).toList();
    }

    private static List<String> windowIds(List<Window> ws) {
        return ws.stream().map(w -> w.sensorId + "@" + w.endTime).toList();
    }

    @Test
    void aFullBatchIsScoredAtOnceInOnePredictCallAndARemainderWhenTheTimeoutExpires() throws Exception {
        List<Window> ws = interleaved(2, 3); // 6 windows
        try (var h = opened(cfg(4, 1000))) {
            feed(h, ws.subList(0, 3));
            assertEquals(List.of(), forecasts(h), "3 < maxBatch: still buffered");
            assertEquals(3, operator(h).buffered());
            assertEquals(1, activeTimers(h), "flush timer armed by the first window");

            feed(h, ws.subList(3, 4));
            assertEquals(ids(forecasts(h)), windowIds(ws.subList(0, 4)));
            var sizes = operator(h).batchSizes();
            assertEquals(1, sizes.getCount(), "one predict call");
            assertEquals(4, sizes.getStatistics().getMax());
            assertEquals(0, activeTimers(h), "a full batch cancels its flush timer");

            feed(h, ws.subList(4, 6));
            h.setProcessingTime(999);
            assertEquals(4, forecasts(h).size(), "timeout not reached yet");
            h.setProcessingTime(1000);
            assertEquals(windowIds(ws), ids(forecasts(h)));
            assertEquals(2, sizes.getCount());
            assertEquals(2, sizes.getStatistics().getMin(), "the remainder went as one batch of 2");
            assertEquals(0, operator(h).buffered());
        }
    }

    @Test
    void stepsPassThroughAtOnceAndOnlyTheirWindowsWaitForTheBatch() throws Exception {
        List<Window> ws = interleaved(1, 2);
        AcceptedStep plain = new AcceptedStep("sensor-0", 9_000, new float[TinyModel.C], null);
        try (var h = opened(cfg(100, 1000))) {
            h.processElement(plain, plain.time);
            feed(h, ws);
            List<StreamRecord<?>> out = new ArrayList<>();
            h.getOutput().forEach(o -> out.add((StreamRecord<?>) o));
            assertEquals(List.of(Either.Left(plain), Either.Left(step(ws.get(0))), Either.Left(step(ws.get(1)))),
                    out.stream().map(StreamRecord::getValue).toList(), "every step at once, in order; no forecast yet");
            assertEquals(List.of(9_000L, ws.get(0).endTime, ws.get(1).endTime),
                    out.stream().map(StreamRecord::getTimestamp).toList(), "record timestamps kept");
            assertEquals(2, operator(h).buffered(), "a step without a window is not buffered");

            h.setProcessingTime(1000);
            assertEquals(windowIds(ws), ids(forecasts(h)), "the forecasts follow their steps");
            assertEquals(5, h.getOutput().size());
        }
    }

    @Test
    void forecastsEqualForecastModelPredictOnTheSameWindowsAndCarryTheModelIdentity() throws Exception {
        for (Path bundle : List.of(flat, perStep, channelIndependent, linear)) {
            List<Window> ws = interleaved(3, 4); // 12 windows, one batch
            float[][] expected = predict(bundle, ws);
            try (var h = opened(new InferenceConfig(bundle.toString(), InferenceConfig.Mode.BATCHED, 256, 5).withMaxBatch(12))) {
                long before = System.currentTimeMillis();
                feed(h, ws);
                List<StreamRecord<WindowForecast>> out = forecastRecords(h);
                assertEquals(12, out.size());
                for (int i = 0; i < 12; i++) {
                    WindowForecast f = out.get(i).getValue();
                    Window w = ws.get(i);
                    assertArrayEquals(expected[i], f.values, "forecast " + i + " of " + bundle.getFileName());
                    assertEquals(w.sensorId, f.sensorId);
                    assertEquals(w.endTime, f.issuedAt);
                    assertEquals(w.endTime, out.get(i).getTimestamp(), "record timestamp kept");
                    assertEquals(bundle.getFileName().toString(), f.modelName);
                    assertEquals("dev", f.modelVersion);
                    assertEquals(bundle == perStep ? "per-step" : "flat", f.head);
                    assertEquals(TinyModel.STEP, f.stepMillis);
                    assertEquals(TinyModel.H, f.horizon);
                    assertEquals(TinyModel.C, f.channels);
                    assertEquals(TinyModel.H * TinyModel.C, f.values.length);
                    assertTrue(f.producedAt >= before && f.producedAt <= System.currentTimeMillis(), "wall clock");
                }
            }
        }
    }

    @Test
    void prepareSnapshotPreBarrierFlushesSoASnapshotRestoreLosesAndDuplicatesNothing() throws Exception {
        List<Window> ws = interleaved(2, 5); // 10 windows
        OperatorSubtaskState snapshot;
        List<WindowForecast> beforeBarrier;
        try (var h = opened(cfg(100, 1000))) {
            feed(h, ws.subList(0, 6));
            assertEquals(List.of(), forecasts(h));
            h.prepareSnapshotPreBarrier(1);
            beforeBarrier = forecasts(h);
            assertEquals(windowIds(ws.subList(0, 6)), ids(beforeBarrier), "everything buffered leaves before the barrier");
            assertEquals(0, activeTimers(h));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(cfg(100, 1000))) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(5000);
            assertEquals(List.of(), forecasts(h), "nothing comes back from the snapshot: no duplicates");
            feed(h, ws.subList(6, 10));
            h.endInput();
            List<WindowForecast> all = new ArrayList<>(beforeBarrier);
            all.addAll(forecasts(h));
            assertEquals(windowIds(ws), ids(all), "every window exactly once, in order");
        }
    }

    @Test
    void windowsASnapshotFindsBufferedAreRestoredAndScoredFirst() throws Exception {
        List<Window> ws = interleaved(2, 3);
        OperatorSubtaskState snapshot;
        try (var h = opened(cfg(100, 1000))) {
            feed(h, ws.subList(0, 4));
            snapshot = h.snapshot(1, 1); // no pre-barrier flush on this path
        }
        try (var h = harness(cfg(100, 1000))) {
            h.initializeState(snapshot);
            h.open();
            feed(h, ws.subList(4, 6));
            h.setProcessingTime(1000);
            List<StreamRecord<WindowForecast>> out = forecastRecords(h);
            assertEquals(windowIds(ws), ids(out.stream().map(StreamRecord::getValue).toList()));
            for (int i = 0; i < out.size(); i++) {
                assertEquals(ws.get(i).endTime, out.get(i).getTimestamp(), "timestamp survives the snapshot");
            }
            assertEquals(1, operator(h).batchSizes().getCount(), "restored and new windows share one batch");
        }
    }

    @Test
    void eachSensorsForecastsLeaveInIssuedAtOrder() throws Exception {
        List<Window> ws = interleaved(5, 20); // 100 windows
        try (var h = opened(cfg(7, 10))) {
            long now = 0;
            for (int i = 0; i < ws.size(); i++) {
                h.processElement(step(ws.get(i)), ws.get(i).endTime);
                if (i % 4 == 0) {
                    h.setProcessingTime(now += 10); // timeouts and full batches interleave
                }
            }
            h.endInput();
            List<WindowForecast> out = forecasts(h);
            assertEquals(windowIds(ws), ids(out));
            Map<String, Long> last = new HashMap<>();
            for (WindowForecast f : out) {
                Long prev = last.put(f.sensorId, f.issuedAt);
                assertTrue(prev == null || prev < f.issuedAt, "order of " + f.sensorId);
            }
            var sizes = operator(h).batchSizes();
            assertTrue(sizes.getCount() > 100 / 7, "several batches: " + sizes.getCount());
        }
    }

    /**
     * The operator's output as a list of forecast ids ("sensor@issuedAt"), "WM t" and "IDLE"/"ACTIVE";
     * the steps passed through are left out.
     */
    private static List<String> events(OneInputStreamOperatorTestHarness<AcceptedStep, Either<AcceptedStep, WindowForecast>> h) {
        List<String> out = new ArrayList<>();
        for (Object o : InferenceOutput.withoutSteps(h)) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Either<?, ?> e) {
                out.add(id((WindowForecast) e.right()));
            } else if (o instanceof Watermark w) {
                out.add("WM " + w.getTimestamp());
            } else if (o instanceof WatermarkStatus st) {
                out.add(st.isIdle() ? "IDLE" : "ACTIVE");
            }
        }
        return out;
    }

    @Test
    void aWatermarkIsHeldBehindBufferedWindowsAndDoesNotCutTheBatch() throws Exception {
        List<Window> ws = interleaved(2, 4); // 8 windows
        try (var h = opened(cfg(6, 1000))) {
            feed(h, ws.subList(0, 3));
            h.processWatermark(new Watermark(10_000));
            feed(h, ws.subList(3, 5));
            h.processWatermark(new Watermark(11_000));
            assertEquals(List.of(), events(h), "watermarks wait behind the 5 buffered windows; nothing is scored yet");
            assertEquals(5, operator(h).buffered(), "a watermark does not flush the batch");

            feed(h, ws.subList(5, 6)); // the 6th window fills the batch
            List<String> expected = new ArrayList<>(windowIds(ws.subList(0, 6)));
            expected.add("WM 11000"); // the newest held watermark, right after the windows it waited for
            assertEquals(expected, events(h));
            assertEquals(1, operator(h).batchSizes().getCount(), "one batch of 6, not cut at either watermark");
            assertEquals(6, operator(h).batchSizes().getStatistics().getMax());
        }
    }

    @Test
    void withNothingBufferedAWatermarkPassesAtOnceAndAHeldOneLeavesWithTheTimeoutFlush() throws Exception {
        List<Window> ws = interleaved(2, 1);
        try (var h = opened(cfg(100, 1000))) {
            h.processWatermark(new Watermark(9_000));
            assertEquals(List.of("WM 9000"), events(h), "no window buffered: nothing to wait for");
            h.getOutput().clear();

            feed(h, ws);
            h.processWatermark(new Watermark(10_500));
            h.setProcessingTime(999);
            assertEquals(List.of(), events(h));
            h.setProcessingTime(1000);
            List<String> expected = new ArrayList<>(windowIds(ws));
            expected.add("WM 10500");
            assertEquals(expected, events(h));
        }
    }

    @Test
    void aWatermarkStatusDoesNotPassAHeldWatermark() throws Exception {
        List<Window> ws = interleaved(1, 2);
        try (var h = opened(cfg(100, 1000))) {
            feed(h, ws);
            h.processWatermark(new Watermark(10_000));
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            assertEquals(List.of(), events(h), "an idle status overtaking the held watermark would strand it downstream");
            h.setProcessingTime(1000);
            List<String> expected = new ArrayList<>(windowIds(ws));
            expected.add("WM 10000");
            expected.add("IDLE");
            assertEquals(expected, events(h));
        }
    }

    @Test
    void theBarrierFlushesTheBatchAndReleasesTheHeldWatermarkBeforeIt() throws Exception {
        List<Window> ws = interleaved(2, 2);
        try (var h = opened(cfg(100, 60_000))) {
            feed(h, ws);
            h.processWatermark(new Watermark(10_000));
            assertEquals(List.of(), events(h));
            h.prepareSnapshotPreBarrier(7);
            List<String> expected = new ArrayList<>(windowIds(ws));
            expected.add("WM 10000");
            assertEquals(expected, events(h), "everything before the barrier, watermark last");
            assertEquals(0, operator(h).buffered());
            assertEquals(0, activeTimers(h));
        }
    }

    @Test
    void noEmittedWatermarkEverPassesAForecastIssuedAtOrBeforeIt() throws Exception {
        // readings in per-sensor order, watermarks after every few windows, batches cut by size and time
        List<Window> ws = interleaved(5, 30); // 150 windows
        try (var h = opened(cfg(16, 50))) {
            long now = 0;
            for (int i = 0; i < ws.size(); i++) {
                h.processElement(step(ws.get(i)), ws.get(i).endTime);
                // other sensors may still send this step: the input's watermark stays just below it
                if (i % 3 == 2) h.processWatermark(new Watermark(ws.get(i).endTime - 1));
                if (i % 7 == 0) h.setProcessingTime(now += 10);
            }
            h.endInput();
            long watermark = Long.MIN_VALUE;
            Map<String, Long> last = new HashMap<>();
            int forecasts = 0;
            for (Object o : h.getOutput()) {
                if (o instanceof Watermark w) {
                    assertTrue(w.getTimestamp() >= watermark, "watermarks rise");
                    watermark = w.getTimestamp();
                } else if (((StreamRecord<?>) o).getValue() instanceof Either<?, ?> e && e.isRight()) {
                    WindowForecast f = (WindowForecast) e.right();
                    assertTrue(f.issuedAt > watermark, f + " came after watermark " + watermark + ": it would be late downstream");
                    Long prev = last.put(f.sensorId, f.issuedAt);
                    assertTrue(prev == null || prev < f.issuedAt, "order of " + f.sensorId);
                    forecasts++;
                }
            }
            assertEquals(ws.size(), forecasts);
            assertEquals(ws.get(ws.size() - 1).endTime - 1, watermark, "the last watermark is released too");
            var sizes = operator(h).batchSizes();
            assertEquals(16, sizes.getStatistics().getMax(), "full batches despite a watermark every 3 windows");
        }
    }

    @Test
    void endOfInputFlushes() throws Exception {
        List<Window> ws = interleaved(1, 3);
        try (var h = opened(cfg(100, 60_000))) {
            feed(h, ws);
            h.endInput();
            assertEquals(windowIds(ws), ids(forecasts(h)));
        }
    }

    @Test
    void perRecordModeGivesTheSameForecastsAsBatched() throws Exception {
        List<Window> ws = interleaved(3, 5);
        List<WindowForecast> batched;
        try (var h = opened(cfg(8, 5))) {
            feed(h, ws);
            h.endInput();
            batched = forecasts(h);
        }
        List<WindowForecast> single;
        try (var h = InferenceOutput.typed(new OneInputStreamOperatorTestHarness<>(
                new StreamFlatMap<>(new PerRecordInference(new InferenceConfig(flat.toString(), InferenceConfig.Mode.PER_RECORD, 1, 0)))))) {
            h.open();
            feed(h, ws);
            single = forecasts(h);
        }
        assertEquals(ids(batched), ids(single));
        for (int i = 0; i < ws.size(); i++) {
            WindowForecast b = batched.get(i);
            WindowForecast s = single.get(i);
            // a batch of 8 and a batch of 1 may round differently in the last bits of BLAS
            assertArrayEquals(b.values, s.values, 1e-5f, "forecast " + i);
            assertEquals(b.modelName, s.modelName);
            assertEquals(b.modelVersion, s.modelVersion);
            assertEquals(b.head, s.head);
            assertEquals(b.horizon, s.horizon);
            assertEquals(b.channels, s.channels);
            assertEquals(b.stepMillis, s.stepMillis);
        }
    }
}

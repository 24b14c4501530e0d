package io.streamcast.job.inference;

import static io.streamcast.job.inference.TinyModel.window;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.reload.BundleValidator;
import io.streamcast.job.reload.ModelUpdate;
import io.streamcast.job.testing.ModelStoreFixture;
import io.streamcast.models.ForecastModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broadcast-connected inference operator in a test harness: manual processing time, real bundles in a real store. */
class ReloadingInferenceOperatorTest {
    @TempDir
    static Path dir;
    static ModelStoreFixture fx;
    static ModelUpdate v1;
    static ModelUpdate v2;
    static ModelUpdate corrupt;
    static ModelUpdate threeChannels;

    @BeforeAll
    static void store() throws Exception {
        fx = new ModelStoreFixture(dir);
        v1 = fx.pointer(fx.publish(1));
        v2 = fx.pointer(fx.publish(2));
        corrupt = fx.pointer(fx.publishCorrupt(3));
        threeChannels = fx.pointer(fx.publish(4, 3));
    }

    private static TwoInputStreamOperatorTestHarness<AcceptedStep, ModelUpdate, Either<AcceptedStep, WindowForecast>> harness(
            int maxBatch, long timeoutMillis, int awaitLimit, BundleValidator validator) throws Exception {
        var cfg = new InferenceConfig("(from the store)", InferenceConfig.Mode.BATCHED, 256, 5).withMaxBatch(maxBatch).withFlushTimeoutMillis(timeoutMillis);
        var h = InferenceOutput.typed(new TwoInputStreamOperatorTestHarness<>(new ReloadingInferenceOperator(cfg, validator, awaitLimit)));
        h.setProcessingTime(0);
        return h;
    }

    private static TwoInputStreamOperatorTestHarness<AcceptedStep, ModelUpdate, Either<AcceptedStep, WindowForecast>> harness(int maxBatch, long timeoutMillis)
            throws Exception {
        return harness(maxBatch, timeoutMillis, 1000, new BundleValidator(TinyModel.T, TinyModel.C));
    }

    private static ReloadingInferenceOperator op(TwoInputStreamOperatorTestHarness<AcceptedStep, ModelUpdate, Either<AcceptedStep, WindowForecast>> h) {
        return (ReloadingInferenceOperator) h.getOperator();
    }

    /** Waits for the background load, then lets the task thread's reload check run. */
    private static void loadFinishes(TwoInputStreamOperatorTestHarness<AcceptedStep, ModelUpdate, Either<AcceptedStep, WindowForecast>> h) throws Exception {
        op(h).loadInFlight().get(60, TimeUnit.SECONDS);
        h.setProcessingTime(h.getProcessingTime() + ReloadingInferenceOperator.RELOAD_CHECK_MILLIS);
    }

    private static void update(TwoInputStreamOperatorTestHarness<AcceptedStep, ModelUpdate, Either<AcceptedStep, WindowForecast>> h, ModelUpdate u)
            throws Exception {
        h.processElement2(new StreamRecord<>(u));
    }

    private static List<Window> windows(String prefix, int n) {
        List<Window> ws = new ArrayList<>();
        for (int i = 0; i < n; i++) ws.add(window(prefix + (i % 3), 10_000L + i * TinyModel.STEP));
        return ws;
    }

    private static void feed(TwoInputStreamOperatorTestHarness<AcceptedStep, ModelUpdate, Either<AcceptedStep, WindowForecast>> h, List<Window> ws) throws Exception {
        for (Window w : ws) h.processElement1(InferenceOutput.step(w), w.endTime);
    }

    /** Forecasts must be those of {@code version} for exactly these windows, in order, stamped with it. */
    private static void assertScoredBy(ModelUpdate version, List<Window> ws, List<WindowForecast> out) throws Exception {
        assertEquals(ws.size(), out.size());
        float[][] in = ws.stream().map(w -> w.values).toArray(float[][]::new);
        float[][] expected = fx.predict(version.version, in);
        for (int i = 0; i < ws.size(); i++) {
            WindowForecast f = out.get(i);
            assertEquals(ws.get(i).sensorId + "@" + ws.get(i).endTime, f.sensorId + "@" + f.issuedAt);
            assertEquals(ModelStoreFixture.NAME, f.modelName);
            assertEquals(version.version, f.modelVersion, "forecast " + i);
            assertArrayEquals(expected[i], f.values, 1e-5f, "forecast " + i + " equals " + version.label() + "'s prediction");
        }
    }

    private static List<WindowForecast> drain(TwoInputStreamOperatorTestHarness<AcceptedStep, ModelUpdate, Either<AcceptedStep, WindowForecast>> h) {
        List<WindowForecast> out = InferenceOutput.forecasts(h);
        h.getOutput().clear();
        return out;
    }

    @Test
    void aWatermarkWaitsBehindTheOpenBatchWithoutCuttingItAndLeavesBeforeTheBarrier() throws Exception {
        List<Window> ws = windows("s", 6);
        try (var h = harness(4, 60_000)) {
            h.open();
            update(h, v1);
            loadFinishes(h);
            drain(h);
            feed(h, ws.subList(0, 2));
            h.processWatermark1(new Watermark(10_000));
            assertTrue(InferenceOutput.withoutSteps(h).isEmpty(), "2 windows buffered: the watermark waits, the batch stays open");
            assertEquals(2, op(h).buffered());
            feed(h, ws.subList(2, 4)); // fills the batch of 4
            List<Object> out = InferenceOutput.withoutSteps(h);
            assertEquals(5, out.size(), out.toString());
            assertEquals(new Watermark(10_000), out.get(4), "the watermark leaves right after the 4 forecasts");
            assertScoredBy(v1, ws.subList(0, 4), drain(h));

            feed(h, ws.subList(4, 6));
            h.processWatermark1(new Watermark(11_000));
            h.prepareSnapshotPreBarrier(3);
            out = InferenceOutput.withoutSteps(h);
            assertEquals(3, out.size(), out.toString());
            assertEquals(new Watermark(11_000), out.get(2), "flushed before the barrier, watermark after the forecasts");
            assertScoredBy(v1, ws.subList(4, 6), drain(h));
        }
    }

    @Test
    void windowsWaitForTheFirstModelInCheckpointedStateAndAreScoredWhenItArrives() throws Exception {
        List<Window> ws = windows("s", 5);
        OperatorSubtaskState snapshot;
        try (var h = harness(4, 1000)) {
            h.open();
            feed(h, ws);
            h.processWatermark1(new Watermark(20_000));
            h.setProcessingTime(5_000);
            assertTrue(InferenceOutput.withoutSteps(h).isEmpty(), "nothing leaves without a model, not even the watermark");
            assertEquals(ws.stream().map(InferenceOutput::step).toList(), InferenceOutput.steps(h), "only the steps, at once");
            assertEquals(5, op(h).buffered());
            assertEquals(0, h.getProcessingTimeService().getNumActiveTimers(), "no flush timer while there is no model");
            snapshot = h.snapshot(1, 1);

            update(h, v1);
            loadFinishes(h);
            List<Object> out = InferenceOutput.withoutSteps(h);
            assertEquals(6, out.size(), "5 forecasts, then the held watermark");
            assertEquals(new Watermark(20_000), out.get(5), "the watermark did not overtake the windows");
            assertScoredBy(v1, ws, InferenceOutput.forecasts(h));
            assertEquals(0, op(h).buffered());
            assertEquals(1, op(h).reloadsAccepted());
        }
        // the waiting windows were in the checkpoint: a restored operator still has them
        try (var h = harness(4, 1000)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(5, op(h).buffered());
            assertTrue(InferenceOutput.withoutSteps(h).isEmpty());
            update(h, v1);
            loadFinishes(h);
            assertScoredBy(v1, ws, drain(h));
        }
    }

    @Test
    void atTheBoundWithNoModelLoadingTheJobFailsNamingTheFixAndSoDoesAnInputEndingBeforeAModel() throws Exception {
        var h = harness(4, 1000, 3, new BundleValidator(TinyModel.T, TinyModel.C));
        h.open();
        feed(h, windows("s", 2));
        var e = assertThrows(IllegalStateException.class, () -> feed(h, windows("t", 1)));
        assertTrue(e.getMessage().contains("3 windows are waiting for a model") && e.getMessage().contains("streamcast publish"),
                e.getMessage());
        var end = assertThrows(IllegalStateException.class, h::close, "the input ends (finish) with windows and no model");
        assertTrue(end.getMessage().contains("never got a model"), end.getMessage());
    }

    @Test
    void atTheBoundWithAModelLoadingTheTaskWaitsForItAndScoresEverything() throws Exception {
        GatedValidator.gate = new CountDownLatch(1);
        try (var h = harness(4, 1000, 3, new GatedValidator("1"))) {
            h.open();
            update(h, v1);
            List<Window> ws = windows("s", 3);
            feed(h, ws.subList(0, 2)); // v1 cannot finish loading yet: these wait for it
            assertEquals(0, drain(h).size());
            GatedValidator.gate.countDown();
            feed(h, ws.subList(2, 3)); // the third reaches the bound: the task waits for the load instead of failing
            assertEquals(v1, op(h).serving());
            assertScoredBy(v1, ws, drain(h));
        }
    }

    @Test
    void anUpdateIsSwappedInBetweenBatchesNeverInsideOne() throws Exception {
        try (var h = harness(4, 1000)) {
            h.open();
            update(h, v1);
            loadFinishes(h);
            List<Window> first = windows("a", 4);
            feed(h, first.subList(0, 2)); // a batch is open
            update(h, v2);
            loadFinishes(h);
            assertEquals(v1, op(h).serving(), "v2 is loaded but waits: a batch is open");
            feed(h, first.subList(2, 4)); // the batch fills up and is scored by v1 alone, then v2 comes in
            assertScoredBy(v1, first, drain(h));
            assertEquals(v2, op(h).serving());
            List<Window> second = windows("b", 4);
            feed(h, second);
            assertScoredBy(v2, second, drain(h));
            assertEquals(2, op(h).reloadsAccepted());
            assertEquals(0, op(h).reloadsRejected());
        }
    }

    /** Holds the load of one version until the test lets it go. */
    static final class GatedValidator extends BundleValidator {
        static volatile CountDownLatch gate;
        private final String gatedVersion;

        GatedValidator(String gatedVersion) {
            super(TinyModel.T, TinyModel.C);
            this.gatedVersion = gatedVersion;
        }

        @Override
        public ForecastModel load(ModelUpdate update) throws Rejected {
            if (gatedVersion.equals(update.version)) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.load(update);
        }
    }

    @Test
    void windowsKeepBeingScoredWhileANewModelLoads() throws Exception {
        GatedValidator.gate = new CountDownLatch(1);
        try (var h = harness(4, 1000, 1000, new GatedValidator("2"))) {
            h.open();
            update(h, v1);
            loadFinishes(h);
            update(h, v2); // its load blocks in the background
            List<Window> during = windows("d", 8);
            feed(h, during);
            h.setProcessingTime(h.getProcessingTime() + 500);
            assertScoredBy(v1, during, drain(h)); // the task thread did not wait for the load
            assertEquals(v1, op(h).serving());
            GatedValidator.gate.countDown();
            loadFinishes(h);
            assertEquals(v2, op(h).serving());
            List<Window> after = windows("e", 4);
            feed(h, after);
            assertScoredBy(v2, after, drain(h));
        }
    }

    @Test
    void aCorruptBundleAndOneWithAnotherChannelCountAreRejectedAndTheCurrentModelKeepsServing() throws Exception {
        try (var h = harness(4, 1000)) {
            h.open();
            update(h, v1);
            loadFinishes(h);
            update(h, corrupt);
            loadFinishes(h);
            update(h, threeChannels);
            loadFinishes(h);
            assertEquals(2, op(h).reloadsRejected());
            assertEquals(1, op(h).reloadsAccepted());
            assertEquals(v1, op(h).serving());
            List<Window> ws = windows("r", 4);
            feed(h, ws);
            assertScoredBy(v1, ws, drain(h));
        }
    }

    @Test
    void afterARestoreTheCheckpointedVersionServesFirstThenTheWatcherIsFollowed() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(4, 1000)) {
            h.open();
            update(h, v1);
            loadFinishes(h);
            feed(h, windows("x", 4));
            snapshot = h.snapshot(1, 1);
            update(h, v2); // published after the checkpoint; the job fails before the next one
            loadFinishes(h);
            assertEquals(v2, op(h).serving());
        }
        try (var h = harness(4, 1000)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(v1, op(h).serving(), "re-read by the checkpoint's pointer, before any update");
            List<Window> replayed = windows("x", 4);
            feed(h, replayed);
            assertScoredBy(v1, replayed, drain(h));
            update(h, v1); // the watcher's first poll when LATEST had not moved: nothing to load
            assertNull(op(h).loadInFlight().getNow(null));
            assertEquals(0, op(h).reloadsAccepted());
            update(h, v2); // the watcher sees LATEST = 2
            loadFinishes(h);
            List<Window> next = windows("y", 4);
            feed(h, next);
            assertScoredBy(v2, next, drain(h));
            assertEquals(1, op(h).reloadsAccepted());
        }
    }

    @Test
    void theCheckpointHoldsThePointerOnlyNeverTheNetwork() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(4, 1000)) {
            h.open();
            update(h, v1);
            loadFinishes(h);
            feed(h, windows("p", 3));
            h.prepareSnapshotPreBarrier(1); // the open batch is scored before the barrier
            assertEquals(3, InferenceOutput.forecasts(h).size());
            snapshot = h.snapshot(1, 1);
        }
        Map<String, OperatorStateHandle.Mode> states = new HashMap<>();
        long bytes = 0;
        for (OperatorStateHandle handle : snapshot.getManagedOperatorState()) {
            handle.getStateNameToPartitionOffsets().forEach((name, meta) -> states.put(name, meta.getDistributionMode()));
            bytes += handle.getStateSize();
        }
        assertEquals(Map.of("model-pointer", OperatorStateHandle.Mode.BROADCAST,
                "unscored-windows", OperatorStateHandle.Mode.SPLIT_DISTRIBUTE), states);
        assertTrue(snapshot.getManagedKeyedState().isEmpty() && snapshot.getRawOperatorState().isEmpty());
        long network = Files.size(fx.dir(v1.version).resolve("network.zip"));
        System.out.println("operator state " + bytes + " bytes; the network file it points at " + network + " bytes");

        try (var h = harness(4, 1000)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(Map.of("serving", v1), op(h).pointerStateEntries(), "one entry: the pointer");
            assertEquals(0, op(h).buffered(), "nothing unscored: the batch was flushed before the barrier");
            assertInstanceOf(String.class, v1.sha256);
            assertEquals(64, v1.sha256.length(), "the pointer carries the network's sha256");
        }
    }
}

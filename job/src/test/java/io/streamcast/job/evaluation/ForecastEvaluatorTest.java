package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.assembly.SequenceAssembler;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * The evaluator on hand-computed cases, fed accepted steps directly or through the real assembler
 * ({@link AssemblyChain}). C=2 channels with train std [2, 4], H=2. The actuals and the
 * forecast are chosen so every error is exact in binary floating point:
 * <pre>
 * input's last step [1, 10]; actual step 1 [3, 14], step 2 [2, 6]; forecast step 1 [2, 12], step 2 [4, 10]
 * model  step 1: e = [-1, -2]  |e| 1.5  e^2 2.5   z = [-0.5, -0.5]  |z| 0.5   z^2 0.25
 *        step 2: e = [ 2,  4]  |e| 3    e^2 10    z = [ 1,    1  ]  |z| 1     z^2 1
 * Repeat step 1: e = [-2, -4]  |e| 3    e^2 10    z = [-1,   -1  ]  |z| 1     z^2 1
 *        step 2: e = [-1,  4]  |e| 2.5  e^2 8.5   z = [-0.5,  1  ]  |z| 0.75  z^2 0.625
 * </pre>
 */
class ForecastEvaluatorTest {
    private static final float[] STD = {2, 4};
    private static final int H = 2;

    private static final float[] MODEL_ABS = {1.5f, 3f};
    private static final float[] MODEL_SQ = {2.5f, 10f};
    private static final float[] MODEL_ABS_Z = {0.5f, 1f};
    private static final float[] MODEL_SQ_Z = {0.25f, 1f};
    private static final float[] REPEAT_ABS = {3f, 2.5f};
    private static final float[] REPEAT_SQ = {10f, 8.5f};
    private static final float[] REPEAT_ABS_Z = {1f, 0.75f};
    private static final float[] REPEAT_SQ_Z = {1f, 0.625f};

    private ForecastEvaluator evaluator;

    private KeyedOneInputStreamOperatorTestHarness<String, Either<AcceptedStep, WindowForecast>, EvaluatedForecast> harness(
            EvaluationConfig cfg) throws Exception {
        evaluator = new ForecastEvaluator(cfg);
        var h = evaluatorHarness(evaluator);
        h.open();
        return h;
    }

    /** The evaluator as the job runs it: one input, keyed as inference's output is partitioned. */
    static KeyedOneInputStreamOperatorTestHarness<String, Either<AcceptedStep, WindowForecast>, EvaluatedForecast> evaluatorHarness(
            ForecastEvaluator evaluator) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(evaluator),
                new OnlineEvaluation.BySensor(), Types.STRING);
    }

    private static EvaluationConfig count(Duration lateness) {
        return EvaluationConfig.of(AssemblerConfig.count(3, 2), STD).withAllowedLateness(lateness);
    }

    private static AssemblerConfig fixedSteps(long step, AssemblerConfig.Resample resample) {
        return AssemblerConfig.fixedStep(1, 2, step).withResample(resample);
    }

    private static EvaluationConfig fixedStep(AssemblerConfig steps) {
        return EvaluationConfig.of(steps, STD).withAllowedLateness(Duration.ofMillis(50));
    }

    private static Reading reading(String sensor, long t, float a, float b) {
        return new Reading(sensor, t, new float[] {a, b});
    }

    /** A step as the assembler sends it; {@code window}: a window ended here, so its forecast follows. */
    private static AcceptedStep step(String sensor, long t, float a, float b, boolean window) {
        return new AcceptedStep(sensor, t, new float[] {a, b}, window ? new Window(sensor, t, 0, new float[] {a, b}) : null);
    }

    private static WindowForecast forecast(String sensor, long issuedAt, long stepMillis, String version) {
        WindowForecast f = new WindowForecast();
        f.sensorId = sensor;
        f.issuedAt = issuedAt;
        f.modelName = "m";
        f.modelVersion = version;
        f.head = "flat";
        f.stepMillis = stepMillis;
        f.horizon = H;
        f.channels = 2;
        f.values = new float[] {2, 12, 4, 10};
        return f;
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Either<AcceptedStep, WindowForecast>, EvaluatedForecast> h,
                             AcceptedStep... steps) throws Exception {
        for (AcceptedStep s : steps) h.processElement(Either.Left(s), s.time);
    }

    private static void assertHandComputed(EvaluatedForecast e, String sensor, long issuedAt, long lastActualAt) {
        assertEquals(sensor, e.sensorId);
        assertEquals(issuedAt, e.issuedAt);
        assertEquals("m", e.modelName);
        assertEquals(H, e.horizon);
        assertEquals(2, e.channels);
        assertEquals(lastActualAt, e.lastActualAt);
        assertArrayEquals(MODEL_ABS, e.modelAbs, "model |e|");
        assertArrayEquals(MODEL_SQ, e.modelSq, "model e^2");
        assertArrayEquals(MODEL_ABS_Z, e.modelAbsNorm, "model |z|");
        assertArrayEquals(MODEL_SQ_Z, e.modelSqNorm, "model z^2");
        assertArrayEquals(REPEAT_ABS, e.repeatAbs, "Repeat |e|");
        assertArrayEquals(REPEAT_SQ, e.repeatSq, "Repeat e^2");
        assertArrayEquals(REPEAT_ABS_Z, e.repeatAbsNorm, "Repeat |z|");
        assertArrayEquals(REPEAT_SQ_Z, e.repeatSqNorm, "Repeat z^2");
    }

    private static void assertEmpty(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) {
        assertEquals(0, h.numKeyedStateEntries(), "keyed state entries left");
        assertEquals(0, h.numEventTimeTimers(), "event-time timers left");
    }

    @Test
    void countModeScoresTheNextHStepsAsSoonAsTheyArriveWithoutWaitingForTheWatermark() throws Exception {
        var h = harness(count(Duration.ofMillis(100)));
        feed(h, step("s", 10, 1, 10, true), step("other", 10, 1, 1, true));
        h.processElement(Either.Right(forecast("s", 10, 10, "1")), 10);
        feed(h, step("s", 20, 3, 14, true), step("other", 20, 1, 1, true));
        assertTrue(h.extractOutputValues().isEmpty(), "one of H=2 steps is here");

        feed(h, step("s", 30, 2, 6, false));
        List<EvaluatedForecast> out = h.extractOutputValues();
        assertEquals(1, out.size(), "one forecast, one evaluation: " + out);
        assertHandComputed(out.get(0), "s", 10, 30);
        assertEquals("1", out.get(0).modelVersion);
        assertEquals(0.625, out.get(0).modelMse(), 1e-9);
        assertEquals(0.8125, out.get(0).repeatMse(), 1e-9);
        assertEquals(1, evaluator.metrics().evaluated.getCount());

        RollingErrors r = evaluator.metrics().rolling("m", "1");
        assertEquals(1, r.size());
        assertEquals(1 - 0.625 / 0.8125, r.skill(), 1e-9, "skill = 1 - MSE_model / MSE_repeat");
        assertEquals(1 - 0.25 / 1.0, r.skill(0), 1e-9, "skill at step 1");
        assertEquals(Math.sqrt(0.625), r.rmse(), 1e-9);
        assertEquals(0.75, r.mae(), 1e-9);
        assertEquals(1, r.mae(1), 1e-9);
        assertEquals(1, EvaluationMetrics.numericVersion("1"));
        assertEquals(20261201, EvaluationMetrics.numericVersion("20261201"));
        assertEquals(-1, EvaluationMetrics.numericVersion("dev"), "a bundle's own version");
        assertEquals(-1, EvaluationMetrics.numericVersion("1.2"));
        assertEquals(-1, EvaluationMetrics.numericVersion(""));
        assertEquals(-1, EvaluationMetrics.numericVersion(null));
        assertEquals(-1, EvaluationMetrics.numericVersion("99999999999999999999"), "beyond a long");

        h.processWatermark(1_000); // the forecasts announced at 20 (s) and 10, 20 (other) never came
        assertEquals(0, evaluator.metrics().expired.getCount(), "forecasts that never arrived are not counted");
        assertEmpty(h);
    }

    @Test
    void aForecastWhoseActualsAreAlreadyHereIsScoredOnArrival() throws Exception {
        var h = harness(count(Duration.ofMillis(100)));
        feed(h, step("s", 10, 1, 10, true), step("s", 20, 3, 14, false), step("s", 30, 2, 6, false));
        h.processWatermark(40);
        h.processElement(Either.Right(forecast("s", 10, 10, "1")), 10); // delayed, but within allowed lateness
        List<EvaluatedForecast> out = h.extractOutputValues();
        assertEquals(1, out.size());
        assertHandComputed(out.get(0), "s", 10, 30);
        assertEmpty(h);
    }

    @Test
    void aForecastThatOvertookItsOwnStepWaitsForIt() throws Exception {
        var h = harness(count(Duration.ofMillis(100)));
        h.processElement(Either.Right(forecast("s", 10, 10, "1")), 10);
        feed(h, step("s", 10, 1, 10, true), step("s", 20, 3, 14, false), step("s", 30, 2, 6, false));
        List<EvaluatedForecast> out = h.extractOutputValues();
        assertEquals(1, out.size());
        assertHandComputed(out.get(0), "s", 10, 30);
        assertEmpty(h);
    }

    @Test
    void stepsNoForecastCanUseAreNotKept() throws Exception {
        var h = harness(count(Duration.ofMillis(100)));
        feed(h, step("s", 10, 1, 10, false), step("s", 20, 3, 14, false));
        assertEmpty(h);
        feed(h, step("s", 30, 1, 10, true));
        assertTrue(h.numKeyedStateEntries() > 0, "a forecast issued at 30 is announced: its steps are kept");
        h.processElement(Either.Right(forecast("s", 30, 10, "1")), 30);
        feed(h, step("s", 40, 3, 14, false), step("s", 50, 2, 6, false));
        assertEquals(1, h.extractOutputValues().size());
        assertEquals(0, h.numKeyedStateEntries(), "scored: nothing left");
    }

    @Test
    void forecastsWhoseActualsNeverComeExpireWithTheWatermarkLeavingNoStateOrTimers() throws Exception {
        // deadline = issuedAt + H*step + allowed lateness = 10 + 2*10 + 5 = 35
        var h = harness(count(Duration.ofMillis(5)));
        feed(h, step("s", 10, 1, 10, true), step("s", 20, 3, 14, false));
        h.processElement(Either.Right(forecast("s", 10, 10, "1")), 10);
        h.processWatermark(34);
        assertEquals(0, evaluator.metrics().expired.getCount(), "still waiting before its deadline");
        assertTrue(h.numKeyedStateEntries() > 0);

        h.processWatermark(35);
        assertEquals(1, evaluator.metrics().expired.getCount(), "expired at its deadline");
        assertTrue(h.extractOutputValues().isEmpty());
        assertEmpty(h);

        // the step that would have completed it comes after the deadline: nothing is kept for it
        feed(h, step("s", 30, 2, 6, false));
        h.processElement(Either.Right(forecast("s", 10, 10, "1")), 10); // and a forecast after its deadline
        h.processWatermark(1_000);
        assertTrue(h.extractOutputValues().isEmpty());
        assertEmpty(h);
    }

    @Test
    void anAnnouncedForecastThatNeverArrivesIsGivenUpWhenItsSuccessorArrives() throws Exception {
        var h = harness(count(Duration.ofHours(1)));
        feed(h, step("s", 5, 9, 9, true), step("s", 10, 1, 10, true));
        h.processElement(Either.Right(forecast("s", 10, 10, "1")), 10); // the one issued at 5 was lost on the way
        feed(h, step("s", 20, 3, 14, true), step("s", 30, 2, 6, true));
        h.processElement(Either.Right(forecast("s", 20, 10, "1")), 20);
        h.processElement(Either.Right(forecast("s", 30, 10, "1")), 30);
        List<EvaluatedForecast> out = h.extractOutputValues();
        assertEquals(1, out.size(), "the forecast issued at 10 is not held back by the lost one: " + out);
        assertHandComputed(out.get(0), "s", 10, 30);
    }

    @Test
    void fixedStepModeScoresTheBucketsAfterIssuedAt() throws Exception {
        var h = harness(fixedStep(fixedSteps(10, AssemblerConfig.Resample.LAST)));
        feed(h, step("s", 0, 1, 10, true));
        h.processElement(Either.Right(forecast("s", 0, 10, "3")), 9);
        feed(h, step("s", 10, 3, 14, true), step("s", 20, 2, 6, true));
        List<EvaluatedForecast> out = h.extractOutputValues();
        assertEquals(1, out.size());
        assertHandComputed(out.get(0), "s", 0, 20);
    }

    @Test
    void aGapInTheActualsMakesAFixedStepForecastIncomplete() throws Exception {
        var h = harness(fixedStep(fixedSteps(10, AssemblerConfig.Resample.LAST)));
        feed(h, step("s", 0, 1, 10, true));
        h.processElement(Either.Right(forecast("s", 0, 10, "1")), 9);
        feed(h, step("s", 20, 2, 6, true)); // bucket 10 stayed empty (or was filled forward)
        assertTrue(h.extractOutputValues().isEmpty());
        assertEquals(1, evaluator.metrics().incomplete.getCount());
        h.processWatermark(1_000);
        assertEmpty(h);
    }

    /** Through the real assembler: the evaluator scores exactly the steps it built (MEAN of each bucket). */
    @Test
    void fixedStepModeScoresTheSameResampledBucketsAsTheAssembler() throws Exception {
        // step 10, MEAN: bucket 0 = mean([0,8],[2,12]) = [1,10]; bucket 10 = [3,14]; bucket 20 = mean([1,4],[3,8]) = [2,6]
        var steps = fixedSteps(10, AssemblerConfig.Resample.MEAN).withOrdering(AssemblerConfig.Ordering.EVENT_TIME);
        try (var c = new AssemblyChain(steps, fixedStep(steps))) {
            c.reading(reading("s", 2, 0, 8));
            c.reading(reading("s", 7, 2, 12));
            c.reading(reading("s", 11, 3, 14));
            c.watermark(9); // bucket 0 closes: its window, and the forecast of it
            assertEquals(1, c.takeWindows().size());
            c.forecast(forecast("s", 0, 10, "3"));
            c.reading(reading("s", 28, 3, 8));
            c.reading(reading("s", 21, 1, 4));
            c.watermark(28);
            assertTrue(c.evaluations().isEmpty(), "bucket 20 is open until watermark 29");
            c.watermark(29);
            List<EvaluatedForecast> out = c.evaluations();
            assertEquals(1, out.size());
            assertHandComputed(out.get(0), "s", 0, 20);
            c.watermark(1_000);
            assertEmpty(c.evaluator);
        }
    }

    /** Through the real assembler, in-order: LAST is the bucket's latest reading; a bucket closes on the next bucket's reading. */
    @Test
    void inOrderFixedStepBucketsCloseOnTheSensorsNextBucketWithoutAWatermark() throws Exception {
        var steps = fixedSteps(10, AssemblerConfig.Resample.LAST);
        try (var c = new AssemblyChain(steps, fixedStep(steps))) {
            c.reading(reading("s", 7, 1, 10));
            c.reading(reading("s", 2, 9, 9)); // same open bucket, older: accepted, but 7 stays the latest
            c.reading(reading("s", 11, 3, 14)); // closes bucket 0
            assertEquals(1, c.takeWindows().size());
            c.forecast(forecast("s", 0, 10, "3"));
            c.reading(reading("s", 25, 2, 6)); // closes bucket 10
            c.reading(reading("s", 21, 9, 9));
            assertTrue(c.evaluations().isEmpty(), "bucket 20 is still open");
            c.reading(reading("s", 31, 0, 0)); // closes bucket 20: the forecast's last step
            List<EvaluatedForecast> out = c.evaluations();
            assertEquals(1, out.size());
            assertHandComputed(out.get(0), "s", 0, 20);
            c.reading(reading("s", 19, 5, 5)); // bucket 10 is closed: late, no step
            assertEquals(1, c.assembler.getSideOutput(SequenceAssembler.LATE).size());
        }
    }

    @Test
    void lateReadingsAreNoStepsSoTheyNeverChangeTheActuals() throws Exception {
        var steps = AssemblerConfig.count(1, 2).withOrdering(AssemblerConfig.Ordering.EVENT_TIME);
        try (var c = new AssemblyChain(steps, count(Duration.ofMillis(100)))) {
            c.reading(reading("s", 10, 1, 10));
            c.reading(reading("s", 20, 3, 14));
            c.watermark(20);
            c.forecast(forecast("s", 10, 10, "1"));
            c.reading(reading("s", 15, 100, 100)); // behind the watermark: the late topic, not a step
            var late = c.assembler.getSideOutput(SequenceAssembler.LATE);
            assertEquals(List.of(reading("s", 15, 100, 100)), late.stream().map(StreamRecord::getValue).toList());
            c.reading(reading("s", 30, 2, 6));
            c.watermark(30);
            List<EvaluatedForecast> out = c.evaluations();
            assertEquals(1, out.size());
            assertHandComputed(out.get(0), "s", 10, 30); // unchanged by the late reading at 15
        }
    }

    /** A new evaluator restored from {@code snapshot}, fed the hand-computed case's last actual step (30). */
    private static KeyedOneInputStreamOperatorTestHarness<String, Either<AcceptedStep, WindowForecast>, EvaluatedForecast> restoredWithTheLastStep(
            OperatorSubtaskState snapshot, EvaluationConfig cfg) throws Exception {
        var restored = evaluatorHarness(new ForecastEvaluator(cfg));
        restored.initializeState(snapshot);
        restored.open();
        feed(restored, step("s", 30, 2, 6, false));
        return restored;
    }

    @Test
    void waitingForecastsAndActualsSurviveASnapshotAndRestore() throws Exception {
        var h = harness(count(Duration.ofMillis(100)));
        feed(h, step("s", 10, 1, 10, true), step("s", 20, 3, 14, false));
        h.processElement(Either.Right(forecast("s", 10, 10, "1")), 10);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        List<EvaluatedForecast> out = restoredWithTheLastStep(snapshot, count(Duration.ofMillis(100))).extractOutputValues();
        assertEquals(1, out.size());
        assertHandComputed(out.get(0), "s", 10, 30);
    }

    @Test
    void aForecastWaitingInTheOlderLayoutsMapStateIsStillScoredAndRemoved() throws Exception {
        var h = harness(count(Duration.ofMillis(100)));
        feed(h, step("s", 10, 1, 10, true), step("s", 20, 3, 14, false));
        h.processElement(Either.Right(forecast("s", 10, 10, "1")), 10);
        // move the waiting forecast to where the older layout kept it, as a restored savepoint has it
        var backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey("s");
        ValueState<EvaluationQueue> queue = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>("evaluation-queue", EvaluationQueue.class));
        MapState<Long, WindowForecast> legacy = backend.getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, new MapStateDescriptor<>("forecasts-awaiting-actuals", Types.LONG,
                        TypeInformation.of(WindowForecast.class)));
        EvaluationQueue q = queue.value();
        assertEquals(10, WaitingForecasts.issuedAt(q.frontWaiting()));
        q.waiting = null;
        queue.update(q);
        legacy.put(10L, forecast("s", 10, 10, "1"));

        feed(h, step("s", 30, 2, 6, false));
        List<EvaluatedForecast> out = h.extractOutputValues();
        assertEquals(1, out.size());
        assertHandComputed(out.get(0), "s", 10, 30);
        assertEmpty(h);
    }

    @Test
    void theQueueIsAFlinkPojoNeverKryo() {
        TypeInformation<EvaluationQueue> type = TypeInformation.of(EvaluationQueue.class);
        assertTrue(type instanceof PojoTypeInfo);
        // the waiting forecasts are byte arrays (written and copied in bulk); the previous layout's
        // objects, still read on restore, a POJO too: Kryo would copy each on every access while a snapshot runs
        TypeInformation<?> waiting = ((PojoTypeInfo<EvaluationQueue>) type).getTypeAt("waiting");
        assertTrue(waiting instanceof ObjectArrayTypeInfo<?, ?> a
                && a.getComponentInfo() == PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO, "waiting: " + waiting);
        TypeInformation<?> forecasts = ((PojoTypeInfo<EvaluationQueue>) type).getTypeAt("forecasts");
        assertTrue(forecasts instanceof ObjectArrayTypeInfo<?, ?> a && a.getComponentInfo() instanceof PojoTypeInfo,
                "forecasts: " + forecasts);
    }

    /**
     * A savepoint of the previous layout (the waiting forecasts as objects; written by
     * {@link EvaluatorSnapshotFixture} at commit 8d686f1) restores into this one: its forecast, with
     * intervals, is scored when its last step comes, and nothing is left behind.
     */
    @Test
    void aSavepointWithTheWaitingForecastsAsObjectsRestoresAndScoresThem() throws Exception {
        OperatorSubtaskState snapshot = OperatorSnapshotUtil.readStateHandle(
                getClass().getResource("evaluator-forecast-objects-flink-2.2.1.snapshot").getPath());
        var restored = restoredWithTheLastStep(snapshot, EvaluatorSnapshotFixture.config());
        List<EvaluatedForecast> out = restored.extractOutputValues();
        assertEquals(1, out.size());
        assertHandComputed(out.get(0), "s", 10, 30);
        assertEquals("1", out.get(0).modelVersion);
        // actual step 1 [3, 14], step 2 [2, 6] against intervals [0, 10]
        assertArrayEquals(new float[] {0.5f, 1f}, out.get(0).inInterval);
        assertEquals(0.9f, out.get(0).coverage);
        assertEmpty(restored);
        restored.close();
    }

    @Test
    void theDriftAlarmRisesWhileSkillStaysBelowTheThresholdAndClearsWhenItRecovers() throws Exception {
        // drift window 2, threshold 0.5: skill of the hand-computed forecast is 1 - 0.625/0.8125 = 0.23
        var h = harness(count(Duration.ofMillis(100)).withDrift(2, 0.5));
        feed(h, step("s", 10, 1, 10, true), step("s", 20, 3, 14, false), step("s", 30, 2, 6, false),
                step("t", 10, 1, 10, true), step("t", 20, 3, 14, false), step("t", 30, 2, 6, false));
        h.processElement(Either.Right(forecast("s", 10, 10, "2")), 10);
        assertFalse(evaluator.metrics().driftAlarm("m", "2"), "one forecast is too few to judge a window of 2");
        h.processElement(Either.Right(forecast("t", 10, 10, "2")), 30);
        assertTrue(evaluator.metrics().driftAlarm("m", "2"), "skill 0.23 < 0.5 over the last 2 forecasts");

        WindowForecast perfect = forecast("u", 31, 10, "2");
        perfect.values = new float[] {3, 14, 2, 6};
        feed(h, step("u", 31, 1, 10, true), step("u", 32, 3, 14, false), step("u", 33, 2, 6, false));
        h.processElement(Either.Right(perfect), 33);
        // window = {t: 0.23, u: 1.0}: skill = 1 - (0.625 + 0) / (0.8125 + 0.8125) = 0.615 >= 0.5
        assertFalse(evaluator.metrics().driftAlarm("m", "2"), "recovered");
        assertEquals(3, h.extractOutputValues().size());
    }
}

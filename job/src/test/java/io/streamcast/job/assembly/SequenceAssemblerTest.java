package io.streamcast.job.assembly;

import io.streamcast.job.assembly.AssemblerConfig.Resample;

import static io.streamcast.job.assembly.AssemblerConfig.Ordering.EVENT_TIME;
import static io.streamcast.job.assembly.AssemblerConfig.Ordering.IN_ORDER;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.Window;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceAssemblerTest {
    private static final int C = 2;

    /** A reading whose values encode its time: [t, 100 + t]. */
    private static Reading reading(String sensor, long t) {
        return new Reading(sensor, t, new float[] {t, 100 + t});
    }

    private static Reading reading(String sensor, long t, float a, float b) {
        return new Reading(sensor, t, new float[] {a, b});
    }

    /** The window over steps whose values are [v, 100 + v] for each v. */
    private static float[] stepsOf(float... vs) {
        float[] out = new float[vs.length * C];
        for (int i = 0; i < vs.length; i++) {
            out[i * C] = vs[i];
            out[i * C + 1] = 100 + vs[i];
        }
        return out;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Reading, AcceptedStep> harness(AssemblerConfig cfg)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SequenceAssembler(cfg)),
                (Reading r) -> r.sensorId, Types.STRING);
        h.setProcessingTime(0);
        return h;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Reading, AcceptedStep> opened(AssemblerConfig cfg)
            throws Exception {
        var h = harness(cfg);
        h.open();
        return h;
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, Reading, AcceptedStep> h, Reading... rs)
            throws Exception {
        for (Reading r : rs) {
            h.processElement(r, r.timestamp);
        }
    }

    /** The windows the steps out so far carried. */
    static List<Window> windows(KeyedOneInputStreamOperatorTestHarness<String, Reading, AcceptedStep> h) {
        return h.extractOutputValues().stream().filter(AcceptedStep::windowEmitted).map(s -> s.window).toList();
    }

    private static List<Reading> late(KeyedOneInputStreamOperatorTestHarness<String, Reading, AcceptedStep> h) {
        List<Reading> out = new ArrayList<>();
        var side = h.getSideOutput(SequenceAssembler.LATE);
        if (side != null) {
            for (StreamRecord<Reading> r : side) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    private static void assertWindow(Window w, String sensor, long end, long step, float[] values) {
        assertEquals(sensor, w.sensorId, "sensor");
        assertEquals(end, w.endTime, "endTime");
        assertEquals(step, w.stepMillis, "stepMillis");
        assertArrayEquals(values, w.values, "values of window ending " + end);
    }

    @Test
    void countModeEmitsEveryStepOnceTStepsExistInTimeOrder() throws Exception {
        try (var h = opened(AssemblerConfig.count(3, C).withOrdering(EVENT_TIME))) {
            feed(h, reading("s1", 1), reading("s1", 2), reading("s1", 3), reading("s1", 4), reading("s1", 5));
            assertEquals(List.of(), windows(h), "nothing leaves before the watermark passes");
            h.processWatermark(5);
            List<Window> out = windows(h);
            assertEquals(3, out.size());
            assertWindow(out.get(0), "s1", 3, 0, stepsOf(1, 2, 3));
            assertWindow(out.get(1), "s1", 4, 0, stepsOf(2, 3, 4));
            assertWindow(out.get(2), "s1", 5, 0, stepsOf(3, 4, 5));
        }
    }

    @Test
    void countModeReordersOutOfOrderReadingsWithinTheBoundPerSensor() throws Exception {
        try (var h = opened(AssemblerConfig.count(3, C).withOrdering(EVENT_TIME))) {
            feed(h, reading("a", 20), reading("b", 11), reading("a", 10), reading("b", 13), reading("a", 40),
                    reading("b", 12), reading("a", 30));
            h.processWatermark(25); // releases a@10, a@20 and all of b
            feed(h, reading("a", 35), reading("b", 14));
            h.processWatermark(100);
            List<Window> out = windows(h);
            assertEquals(4, out.size(), out.toString());
            assertWindow(out.get(0), "b", 13, 0, stepsOf(11, 12, 13));
            assertWindow(out.get(1), "a", 30, 0, stepsOf(10, 20, 30));
            assertWindow(out.get(2), "a", 35, 0, stepsOf(20, 30, 35));
            assertWindow(out.get(3), "a", 40, 0, stepsOf(30, 35, 40));
            // b@14 arrives after watermark 25: late, never a step
            assertEquals(List.of(reading("b", 14)), late(h));
            assertEquals(2, h.numEventTimeTimers(), "every release timer fired; one idle-cleanup timer per sensor left");
        }
    }

    @Test
    void readingsAtOrBehindTheWatermarkGoToTheLateOutputAndNotIntoState() throws Exception {
        try (var h = opened(AssemblerConfig.count(2, C).withOrdering(EVENT_TIME))) {
            feed(h, reading("s", 10), reading("s", 11));
            h.processWatermark(11);
            assertEquals(1, windows(h).size());
            int entries = h.numKeyedStateEntries();
            feed(h, reading("s", 5), reading("s", 11), reading("x", 3));
            assertEquals(List.of(reading("s", 5), reading("s", 11), reading("x", 3)), late(h));
            assertEquals(entries, h.numKeyedStateEntries(), "late readings leave no state (not even for new key x)");
            assertEquals(1, h.numEventTimeTimers(), "only s's idle-cleanup timer: late readings register none");
            feed(h, reading("s", 12));
            h.processWatermark(12);
            List<Window> out = windows(h);
            assertEquals(2, out.size());
            assertWindow(out.get(1), "s", 12, 0, stepsOf(11, 12));
        }
    }

    @Test
    void duplicateTimestampLastArrivalWins() throws Exception {
        try (var h = opened(AssemblerConfig.count(2, C).withOrdering(EVENT_TIME))) {
            feed(h, reading("s", 1), reading("s", 2, 7f, 7f), reading("s", 2, 8f, 9f));
            h.processWatermark(2);
            List<Window> out = windows(h);
            assertEquals(1, out.size(), "one step per timestamp");
            assertArrayEquals(new float[] {1, 101, 8, 9}, out.get(0).values);
        }
    }

    @Test
    void strideEmitsEveryStrideStepsAfterTheFirstFullWindow() throws Exception {
        try (var h = opened(AssemblerConfig.count(2, C).withOrdering(EVENT_TIME).withStride(3))) {
            for (int t = 1; t <= 9; t++) {
                feed(h, reading("s", t));
            }
            h.processWatermark(9);
            List<Window> out = windows(h);
            assertEquals(3, out.size(), out.toString());
            assertWindow(out.get(0), "s", 2, 0, stepsOf(1, 2));
            assertWindow(out.get(1), "s", 5, 0, stepsOf(4, 5));
            assertWindow(out.get(2), "s", 8, 0, stepsOf(7, 8));
        }
    }

    @Test
    void fixedStepResamplesLastValueOfEachBucketAndClosesBucketsWithTheWatermark() throws Exception {
        try (var h = opened(AssemblerConfig.fixedStep(2, C, 10).withOrdering(EVENT_TIME))) {
            // bucket 0: 9 is the latest even though it arrives first; bucket 10: 15; bucket 20: 27
            feed(h, reading("s", 9), reading("s", 0), reading("s", 4), reading("s", 15), reading("s", 12),
                    reading("s", 27));
            h.processWatermark(18);
            assertEquals(List.of(), windows(h), "bucket 10 is open until the watermark reaches 19");
            h.processWatermark(19);
            List<Window> out = windows(h);
            assertEquals(1, out.size());
            assertWindow(out.get(0), "s", 10, 10, stepsOf(9, 15));
            h.processWatermark(29);
            out = windows(h);
            assertEquals(2, out.size());
            assertWindow(out.get(1), "s", 20, 10, stepsOf(15, 27));
            assertEquals(1, h.numEventTimeTimers(), "every bucket timer fired; the idle-cleanup timer is left");
        }
    }

    @Test
    void fixedStepLastMeansLatestEventTimeNotLatestArrival() throws Exception {
        try (var h = opened(AssemblerConfig.fixedStep(1, C, 100).withOrdering(EVENT_TIME))) {
            // timestamps chosen so that neither arrival order nor hash order is time order
            feed(h, reading("s", 64), reading("s", 3), reading("s", 17));
            h.processWatermark(99);
            List<Window> out = windows(h);
            assertEquals(1, out.size());
            assertWindow(out.get(0), "s", 0, 100, stepsOf(64));
        }
    }

    @Test
    void fixedStepMeanAveragesEachBucket() throws Exception {
        try (var h = opened(AssemblerConfig.fixedStep(2, C, 10).withOrdering(EVENT_TIME).withResample(Resample.MEAN))) {
            feed(h, reading("s", 1, 1f, 10f), reading("s", 5, 2f, 20f), reading("s", 8, 6f, 60f),
                    reading("s", 13, 4f, 40f));
            h.processWatermark(1000);
            List<Window> out = windows(h);
            assertEquals(1, out.size());
            assertWindow(out.get(0), "s", 10, 10, new float[] {3f, 30f, 4f, 40f});
        }
    }

    @Test
    void fixedStepFillsShortGapsForwardWithoutEmittingForFilledSteps() throws Exception {
        try (var h = opened(AssemblerConfig.fixedStep(3, C, 10).withOrdering(EVENT_TIME).withMaxGapSteps(2))) {
            feed(h, reading("s", 0), reading("s", 10), reading("s", 40), reading("s", 50));
            h.processWatermark(59);
            List<Window> out = windows(h);
            assertEquals(2, out.size(), out.toString());
            // steps: 0, 10, 20 (=10), 30 (=10), 40, 50; the windows ending at filled 20 and 30 are not emitted
            assertWindow(out.get(0), "s", 40, 10, stepsOf(10, 10, 40));
            assertWindow(out.get(1), "s", 50, 10, stepsOf(10, 40, 50));
        }
    }

    @Test
    void fixedStepResetsTheBufferAfterAGapLongerThanMaxGap() throws Exception {
        try (var h = opened(AssemblerConfig.fixedStep(3, C, 10).withOrdering(EVENT_TIME).withMaxGapSteps(1))) {
            feed(h, reading("s", 0), reading("s", 10), reading("s", 20), reading("s", 60), reading("s", 70));
            h.processWatermark(79);
            List<Window> out = windows(h);
            assertEquals(1, out.size(), "after the reset only 2 of T=3 steps exist: " + out);
            assertWindow(out.get(0), "s", 20, 10, stepsOf(0, 10, 20));
            feed(h, reading("s", 80));
            h.processWatermark(89);
            out = windows(h);
            assertEquals(2, out.size());
            assertWindow(out.get(1), "s", 80, 10, stepsOf(60, 70, 80));
        }
    }

    @Test
    void idleSensorLosesAllStateAndTimersAfterTheTtlWhileActiveOnesKeepTheirs() throws Exception {
        var cfg = AssemblerConfig.count(2, C).withOrdering(EVENT_TIME).withStateTtl(Duration.ofMillis(1000));
        try (var h = opened(cfg)) {
            feed(h, reading("idle", 1), reading("busy", 1), reading("idle", 2), reading("busy", 2));
            h.processWatermark(2);
            assertEquals(2, windows(h).size());
            assertEquals(2, h.numEventTimeTimers(), "one cleanup timer per sensor (at 1 + ttl)");

            feed(h, reading("busy", 600));
            h.processWatermark(600);
            h.processWatermark(1001); // idle was seen at 2: its timer moves to 1002; busy's moves to 1600
            assertEquals(2, h.numEventTimeTimers());
            h.processWatermark(1002); // idle expires
            assertEquals(1, h.numEventTimeTimers());
            assertTrue(h.numKeyedStateEntries() > 0);

            h.processWatermark(1600);
            assertEquals(0, h.numKeyedStateEntries(), "no state left");
            assertEquals(0, h.numEventTimeTimers(), "no timer left");
            assertEquals(0, h.numProcessingTimeTimers(), "no timer left");

            // an expired sensor starts over: T fresh steps before its next window
            int before = windows(h).size();
            feed(h, reading("idle", 2000));
            h.processWatermark(2000);
            assertEquals(before, windows(h).size());
            feed(h, reading("idle", 2001));
            h.processWatermark(2001);
            List<Window> out = windows(h);
            assertWindow(out.get(out.size() - 1), "idle", 2001, 0, stepsOf(2000, 2001));
        }
    }

    @Test
    void ttlIsEventTimeSoWallClockTimeAloneNeverExpiresASensor() throws Exception {
        var cfg = AssemblerConfig.count(2, C).withOrdering(EVENT_TIME).withStateTtl(Duration.ofMillis(1000));
        try (var h = opened(cfg)) {
            feed(h, reading("s", 5), reading("s", 6));
            // e.g. a restore after a long outage: the wall clock jumped, the replayed readings still come
            h.setProcessingTime(10_000_000);
            assertTrue(h.numKeyedStateEntries() > 0, "pending readings and the sensor's state are kept");
            assertEquals(2, h.numEventTimeTimers(), "one release timer (the oldest pending reading's, at 5), cleanup at 1005");
            h.processWatermark(6);
            assertEquals(1, windows(h).size(), "kept readings still become a window");
            h.setProcessingTime(20_000_000); // nothing pending now: a wall-clock TTL would drop the buffer here
            feed(h, reading("s", 7));
            h.processWatermark(7);
            assertEquals(2, windows(h).size(), "the buffer survived: the next reading completes a window");
            h.processWatermark(1005); // the latest reading was at 7: the cleanup moves to 1007
            assertTrue(h.numKeyedStateEntries() > 0);
            assertEquals(1, h.numEventTimeTimers());
            h.processWatermark(1007);
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numProcessingTimeTimers());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void inOrderCountModeEmitsTheWindowWithTheReadingThatCompletesItNoWatermarkNeeded() throws Exception {
        try (var h = opened(AssemblerConfig.count(3, C))) {
            feed(h, reading("s", 1), reading("s", 2), reading("s", 3));
            List<Window> out = windows(h);
            assertEquals(1, out.size(), "no watermark at all, the window is out");
            assertWindow(out.get(0), "s", 3, 0, stepsOf(1, 2, 3));
            assertEquals(1, h.numEventTimeTimers(), "no timer per reading: only the sensor's idle-cleanup timer");

            // another sensor's order is its own: older than s's readings, still in order for t
            feed(h, reading("t", -5));
            feed(h, reading("s", 2), reading("s", 3), reading("s", 7));
            assertEquals(List.of(reading("s", 2), reading("s", 3)), late(h), "not newer than s's last accepted reading");
            out = windows(h);
            assertEquals(2, out.size());
            assertWindow(out.get(1), "s", 7, 0, stepsOf(2, 3, 7));

            h.processWatermark(100); // ahead of s: does not make its next reading late
            feed(h, reading("s", 8));
            assertEquals(3, windows(h).size());
        }
    }

    @Test
    void inOrderFixedStepClosesABucketOnTheSensorsNextBucketOrWhenTheWatermarkPassesItsEnd() throws Exception {
        try (var h = opened(AssemblerConfig.fixedStep(2, C, 10))) {
            feed(h, reading("s", 4), reading("s", 1), reading("s", 12)); // 4 is bucket 0's latest
            assertEquals(List.of(), windows(h), "only one bucket closed so far");
            feed(h, reading("s", 23));
            List<Window> out = windows(h);
            assertEquals(1, out.size());
            assertWindow(out.get(0), "s", 10, 10, stepsOf(4, 12));
            feed(h, reading("s", 9)); // bucket 0 is closed
            assertEquals(List.of(reading("s", 9)), late(h));

            // the producer pauses: the watermark closes the open bucket 20
            h.processWatermark(28);
            assertEquals(1, windows(h).size());
            h.processWatermark(29);
            out = windows(h);
            assertEquals(2, out.size());
            assertWindow(out.get(1), "s", 20, 10, stepsOf(12, 23));
            feed(h, reading("s", 25));
            assertEquals(2, late(h).size(), "bucket 20 is closed now");
            assertEquals(1, h.numEventTimeTimers(), "the bucket's release timer fired; the idle-cleanup timer is left");
        }
    }

    @Test
    void everyStepLeavesWithTheWindowItCompletedFilledStepsDoNot() throws Exception {
        try (var h = opened(AssemblerConfig.fixedStep(2, C, 10).withMaxGapSteps(1))) {
            feed(h, reading("s", 0), reading("s", 10), reading("s", 30), reading("s", 40));
            List<AcceptedStep> out = h.extractOutputValues();
            // bucket 20 is filled forward (no step sent, but in the ring); bucket 40 is still open
            assertEquals(List.of(new AcceptedStep("s", 0, new float[] {0, 100}, null),
                    new AcceptedStep("s", 10, new float[] {10, 110}, new Window("s", 10, 10, stepsOf(0, 10))),
                    new AcceptedStep("s", 30, new float[] {30, 130}, new Window("s", 30, 10, stepsOf(10, 30)))), out);
        }
    }

    @Test
    void eventTimeModeRegistersOneReleaseTimerPerSensorNotOnePerReading() throws Exception {
        try (var h = opened(AssemblerConfig.count(2, C).withOrdering(EVENT_TIME))) {
            for (int t = 1; t <= 50; t++) feed(h, reading("s", t));
            assertEquals(2, h.numEventTimeTimers(), "the oldest pending reading's release timer and the cleanup timer");
            h.processWatermark(50);
            assertEquals(49, windows(h).size());
            assertEquals(1, h.numEventTimeTimers());
        }
    }

    @Test
    void stateAndStepsAreFlinkPojosNeverKryo() {
        for (Class<?> c : List.of(StepBuffer.class, PendingSteps.class, AcceptedStep.class)) {
            assertTrue(TypeInformation.of(c) instanceof PojoTypeInfo, c + " is serialised as a POJO");
        }
    }

    /** The same input, once straight through and once with a snapshot/restore in the middle. */
    @Test
    void snapshotAndRestoreMidStreamContinuesExactlyAsWithoutFailure() throws Exception {
        for (AssemblerConfig cfg : List.of(AssemblerConfig.count(3, C).withOrdering(EVENT_TIME).withStride(2),
                AssemblerConfig.fixedStep(3, C, 10).withOrdering(EVENT_TIME).withMaxGapSteps(1).withResample(Resample.MEAN),
                AssemblerConfig.fixedStep(3, C, 10).withOrdering(IN_ORDER).withMaxGapSteps(1).withResample(Resample.MEAN))) {
            List<Reading> first = List.of(reading("a", 3), reading("b", 1), reading("a", 1), reading("a", 12),
                    reading("b", 14), reading("a", 7), reading("b", 25));
            List<Reading> second = List.of(reading("a", 21), reading("b", 33), reading("a", 26), reading("b", 40),
                    reading("a", 31), reading("a", 45), reading("b", 51));

            List<AcceptedStep> expected;
            try (var h = opened(cfg)) {
                first.forEach(r -> feedQuietly(h, r));
                h.processWatermark(9);
                second.forEach(r -> feedQuietly(h, r));
                h.processWatermark(100);
                expected = h.extractOutputValues();
            }
            assertTrue(expected.stream().filter(AcceptedStep::windowEmitted).count() >= 3, cfg + " emits windows to compare: " + expected);

            List<AcceptedStep> before;
            OperatorSubtaskState snapshot;
            try (var h = opened(cfg)) {
                first.forEach(r -> feedQuietly(h, r));
                h.processWatermark(9); // some steps released, some readings still pending
                before = h.extractOutputValues();
                snapshot = h.snapshot(1L, 1L);
            }
            try (var h = harness(cfg)) {
                h.initializeState(snapshot);
                h.open();
                second.forEach(r -> feedQuietly(h, r));
                h.processWatermark(100);
                List<AcceptedStep> all = new ArrayList<>(before);
                all.addAll(h.extractOutputValues());
                assertEquals(expected, all, cfg.toString());
                assertEquals(List.of(), late(h));
            }
        }
    }

    private static void feedQuietly(KeyedOneInputStreamOperatorTestHarness<String, Reading, AcceptedStep> h, Reading r) {
        try {
            h.processElement(r, r.timestamp);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

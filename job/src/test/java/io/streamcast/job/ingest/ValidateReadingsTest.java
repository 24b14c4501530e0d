package io.streamcast.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.JobConfig.Format;
import io.streamcast.job.records.Reading;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ValidateReadingsTest {
    static final long NOW = 1_800_000_000_000L;
    static final long SKEW = 3_600_000L;
    static final long AHEAD = 60_000L;

    @Test
    void goodReadingsPassEverythingElseIsDeadLetteredWithItsReasonAndOrigin() throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        List<DeadLetterReason> expected = new ArrayList<>();
        Reading good = new Reading("s-1", NOW, new float[] {1f, 2f});
        payloads.add(json(good));
        expected.add(null);
        add(payloads, expected, null, DeadLetterReason.EMPTY_PAYLOAD);
        add(payloads, expected, "{oops".getBytes(), DeadLetterReason.UNDECODABLE);
        add(payloads, expected, "{\"sensorId\":\"s\",\"values\":[1,2]}".getBytes(), DeadLetterReason.MISSING_FIELD);
        add(payloads, expected, "{\"sensorId\":\"s\",\"timestamp\":1,\"values\":{}}".getBytes(), DeadLetterReason.INVALID_FIELD);
        add(payloads, expected, "{\"sensorId\":\"s\",\"timestamp\":\"noon\",\"values\":[1,2]}".getBytes(), DeadLetterReason.BAD_TIMESTAMP);
        add(payloads, expected, json(new Reading(" ", NOW, new float[] {1f, 2f})), DeadLetterReason.EMPTY_SENSOR_ID);
        add(payloads, expected, json(new Reading("s-2", NOW, new float[] {1f, 2f, 3f})), DeadLetterReason.WRONG_CHANNEL_COUNT);
        add(payloads, expected, "{\"sensorId\":\"s-3\",\"timestamp\":1800000000000,\"values\":[1,NaN]}".getBytes(), DeadLetterReason.NON_FINITE_VALUE);
        add(payloads, expected, "{\"sensorId\":\"s-3\",\"timestamp\":1800000000000,\"values\":[Infinity,1]}".getBytes(), DeadLetterReason.NON_FINITE_VALUE);
        add(payloads, expected, new byte[64 * 1024 + 1], DeadLetterReason.OVERSIZED);
        add(payloads, expected, json(new Reading("s".repeat(257), NOW, new float[] {1f, 2f})), DeadLetterReason.SENSOR_ID_TOO_LONG);
        add(payloads, expected, json(new Reading("s-4", NOW + AHEAD + 1, new float[] {1f, 2f})), DeadLetterReason.TIMESTAMP_AHEAD);
        add(payloads, expected, json(new Reading("s-4", NOW + SKEW + 1, new float[] {1f, 2f})), DeadLetterReason.TIMESTAMP_AHEAD);
        add(payloads, expected, json(new Reading("s-4", NOW - SKEW - 1, new float[] {1f, 2f})), DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
        Reading edge = new Reading("s-5", NOW - SKEW, new float[] {0f, -0f});
        payloads.add(json(edge));
        expected.add(null);
        Reading aheadEdge = new Reading("s-" + "\u00e9".repeat(127), NOW + AHEAD, new float[] {0f, 1f}); // 256 UTF-8 bytes
        payloads.add(json(aheadEdge));
        expected.add(null);

        ValidateReadings fn = new ValidateReadings(new ReadingRules(2, SKEW, AHEAD));
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(fn))) {
            h.open();
            h.setProcessingTime(NOW);
            for (int i = 0; i < payloads.size(); i++) {
                h.processElement(new StreamRecord<>(ReadingDeserializerTest.deserialize(Format.JSON, List.of(), payloads.get(i)), 0L));
            }
            List<Reading> passed = new ArrayList<>();
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r) passed.add((Reading) r.getValue());
            }
            assertEquals(List.of(good, edge, aheadEdge), passed);

            List<DeadLetter> dead = new ArrayList<>();
            for (StreamRecord<DeadLetter> r : h.getSideOutput(ValidateReadings.DEAD_LETTERS)) dead.add(r.getValue());
            List<DeadLetterReason> wantedReasons = expected.stream().filter(r -> r != null).toList();
            assertEquals(wantedReasons, dead.stream().map(DeadLetter::reasonCode).toList());
            int j = 0;
            for (int i = 0; i < payloads.size(); i++) {
                if (expected.get(i) == null) continue;
                DeadLetter d = dead.get(j++);
                assertArrayEquals(payloads.get(i), d.payload, "original bytes");
                assertEquals("readings", d.topic);
                assertEquals(3, d.partition);
                assertEquals(42L, d.offset);
                assertEquals(NOW, d.rejectedAt);
                assertTrue(d.detail != null && !d.detail.isBlank());
            }
            Set<DeadLetterReason> kinds = EnumSet.copyOf(wantedReasons);
            assertEquals(EnumSet.complementOf(EnumSet.of(DeadLetterReason.UNKNOWN_SCHEMA)), kinds,
                    "JSON covers every reason but the Avro-only one (tested in ReadingDeserializerTest)");
        }
    }

    @Test
    void badReadingsNeverMoveTheWatermark() {
        ReadingRules rules = new ReadingRules(2, SKEW);
        ReadingTimestamps ts = new ReadingTimestamps(rules);
        long now = System.currentTimeMillis();
        Ingested ok = ReadingDeserializerTest.deserialize(Format.JSON, List.of(), json(new Reading("s", now, new float[] {1f, 2f})));
        Ingested future = ReadingDeserializerTest.deserialize(Format.JSON, List.of(), json(new Reading("s", now + 10 * SKEW, new float[] {1f, 2f})));
        Ingested broken = ReadingDeserializerTest.deserialize(Format.JSON, List.of(), "{".getBytes());
        assertEquals(now, ts.extractTimestamp(ok, 5L));
        assertEquals(Long.MIN_VALUE, ts.extractTimestamp(future, 5L));
        assertEquals(Long.MIN_VALUE, ts.extractTimestamp(broken, 5L));
    }

    @Test
    void aReadingAheadOfTheWallClockNeverMovesTheWatermarkUnlessTheCheckIsOff() {
        long now = System.currentTimeMillis();
        Ingested twoMinutesAhead = ReadingDeserializerTest.deserialize(Format.JSON, List.of(),
                json(new Reading("s", now + 120_000, new float[] {1f, 2f})));
        assertEquals(Long.MIN_VALUE, new ReadingTimestamps(new ReadingRules(2, SKEW, AHEAD)).extractTimestamp(twoMinutesAhead, 5L));
        assertEquals(now + 120_000, new ReadingTimestamps(new ReadingRules(2, 0, 0)).extractTimestamp(twoMinutesAhead, 5L),
                "replay mode: both checks off");
        assertEquals(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
                new ReadingRules(1, SKEW, AHEAD).check(new Reading("s", Long.MIN_VALUE, new float[] {1f}), NOW).reason(), "no overflow");
        assertEquals(DeadLetterReason.TIMESTAMP_AHEAD,
                new ReadingRules(1, SKEW, AHEAD).check(new Reading("s", Long.MAX_VALUE, new float[] {1f}), NOW).reason(), "no overflow");
    }

    /**
     * Junk must not count as activity: a partition receiving only junk goes idle, or its frozen
     * watermark would hold event time back for every partition.
     */
    @Test
    void junkNeitherMovesTheWatermarkNorKeepsAPartitionActive() {
        ManualClock clock = new ManualClock(1_000_000_000L);
        ValidReadingsOnly generator = new ValidReadingsOnly(new WatermarksWithIdleness<>(
                new BoundedOutOfOrdernessWatermarks<>(Duration.ofSeconds(5)), Duration.ofMinutes(1), clock));
        List<String> out = new ArrayList<>();
        WatermarkOutput output = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark w) {
                out.add("wm " + w.getTimestamp());
            }

            @Override
            public void markIdle() {
                out.add("idle");
            }

            @Override
            public void markActive() {
                out.add("active");
            }
        };
        generator.onEvent(new Ingested(), NOW, output);
        generator.onPeriodicEmit(output);
        assertEquals(List.of("wm " + (NOW - 5000 - 1)), out);
        out.clear();
        for (int i = 0; i < 120; i++) { // two minutes of nothing but junk
            clock.advanceTime(1, TimeUnit.SECONDS);
            generator.onEvent(new Ingested(), Long.MIN_VALUE, output);
            generator.onPeriodicEmit(output);
        }
        assertTrue(out.contains("idle"), out::toString);
        assertTrue(out.stream().filter(o -> o.startsWith("wm ")).allMatch(o -> o.equals("wm " + (NOW - 5000 - 1))), out::toString);
    }

    @Test
    void skewCheckCanBeSwitchedOff() {
        ReadingRules rules = new ReadingRules(1, 0);
        assertEquals(null, rules.check(new Reading("s", 0L, new float[] {1f}), NOW), "epoch 0 allowed when max skew is 0");
    }

    private static void add(List<byte[]> payloads, List<DeadLetterReason> expected, byte[] p, DeadLetterReason r) {
        payloads.add(p);
        expected.add(r);
    }

    private static byte[] json(Reading r) {
        return ReadingEncoder.json(r);
    }
}

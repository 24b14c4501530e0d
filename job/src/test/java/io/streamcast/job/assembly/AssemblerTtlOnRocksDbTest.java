package io.streamcast.job.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.records.Reading;
import io.streamcast.job.records.Window;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The idle-sensor TTL on both state backends (state.backend=rocksdb keeps keyed state and timers
 * in RocksDB): an idle sensor loses its window state once event time passed its last reading by the
 * TTL, an active one keeps it, and nothing is left once all are idle. Observed from outside: a sensor
 * that kept its state completes a window with its next reading; an expired one needs T fresh readings.
 */
class AssemblerTtlOnRocksDbTest {
    static final int T = 2;
    static final int C = 2;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rocksdb", "hashmap"})
    void idleSensorsExpireAfterTheTtlOnEitherBackend(String backend) throws Exception {
        StateBackend stateBackend = backend.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        AssemblerConfig cfg = AssemblerConfig.count(T, C).withStateTtl(Duration.ofMillis(1000));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SequenceAssembler(cfg)),
                (Reading r) -> r.sensorId, Types.STRING)) {
            h.setStateBackend(stateBackend);
            h.open();
            feed(h, 2, reading("idle", 1), reading("busy", 1), reading("idle", 2), reading("busy", 2));
            assertEquals(2, SequenceAssemblerTest.windows(h).size(), "one window per sensor");

            // busy stays active; idle's last reading is at 2, so it expires once event time passes 1002
            feed(h, 900, reading("busy", 900));
            feed(h, 1500, reading("busy", 1500));
            int before = SequenceAssemblerTest.windows(h).size();
            feed(h, 1800, reading("busy", 1800), reading("idle", 1800));
            List<Window> out = SequenceAssemblerTest.windows(h);
            assertEquals(before + 1, out.size(), "busy kept its state (window), idle starts over (no window)");
            assertEquals("busy", out.get(out.size() - 1).sensorId);

            feed(h, 1801, reading("idle", 1801));
            assertEquals(before + 2, SequenceAssemblerTest.windows(h).size(), "idle's second fresh reading completes a window");

            h.processWatermark(10_000); // both idle for longer than the TTL now
            assertEquals(0, stateEntries(h), "no state left");
            assertEquals(0, h.numEventTimeTimers(), "no timer left");
        }
    }

    /** Keyed state entries of every state of the operator (the harness counts only heap backends itself). */
    static int stateEntries(KeyedOneInputStreamOperatorTestHarness<String, Reading, AcceptedStep> h) {
        return h.getOperator().getKeyedStateBackend() instanceof RocksDBKeyedStateBackend<?> rocks
                ? rocks.numKeyValueStateEntries() : h.numKeyedStateEntries();
    }

    static Reading reading(String sensor, long t) {
        return new Reading(sensor, t, new float[] {t, -t});
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, Reading, AcceptedStep> h, long watermark, Reading... rs)
            throws Exception {
        for (Reading r : rs) h.processElement(r, r.timestamp);
        h.processWatermark(watermark);
    }
}

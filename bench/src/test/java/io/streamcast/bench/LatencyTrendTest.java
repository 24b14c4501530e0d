package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class LatencyTrendTest {
    /** Rows [second, forecasts, p50, p99, max] for seconds 0..99, p50 from the given function. */
    private static List<long[]> series(LongUnaryOperator p50) {
        List<long[]> rows = new ArrayList<>();
        for (long s = 0; s < 100; s++) {
            long p = p50.applyAsLong(s);
            rows.add(new long[] {s, 14_000, p, 2 * p, 3 * p});
        }
        return rows;
    }

    @Test
    void aJobThatKeepsPaceIsSteadyDespiteCheckpointSpikes() {
        // every fifth second a spike, as checkpoints make them
        LatencyTrend t = LatencyTrend.of(series(s -> s % 5 == 0 ? 150 : 35), 40, 100).orElseThrow();
        assertEquals(150, t.firstSecondP50Ms()); // a spike in the first second is not a backlog
        assertEquals(35, t.firstSpanP50Ms());
        assertEquals(35, t.lastSpanP50Ms());
        assertEquals(LatencyTrend.Verdict.STEADY, t.verdict());
        assertTrue(t.warning("batched", 14_000).isEmpty());
    }

    @Test
    void aBacklogStillDrainingAtTheStartIsNamedWithItsFix() {
        // as in a run whose warm-up was a little short: 1.1 s behind at the start, caught up 3 s later
        // (the median of the first 5 s, 130 ms, would hide it)
        LatencyTrend t = LatencyTrend.of(series(s -> s < 43 ? 1_100 - (s - 40) * 485 : s < 45 ? 130 : 40), 40, 100).orElseThrow();
        assertEquals(1_100, t.firstSecondP50Ms());
        assertEquals(130, t.firstSpanP50Ms());
        assertEquals(LatencyTrend.Verdict.CAUGHT_UP_DURING_MEASUREMENT, t.verdict());
        String w = t.warning("batched", 14_000).orElseThrow();
        assertTrue(w.contains("still catching up") && w.contains("--warmup"), w);
        assertEquals("caught-up-during-measurement", t.toJson().get("verdict"));
    }

    @Test
    void aJobFallingBehindIsNamedWithItsFix() {
        LatencyTrend t = LatencyTrend.of(series(s -> 40 + Math.max(0, s - 40) * 100), 40, 100).orElseThrow();
        assertEquals(LatencyTrend.Verdict.FELL_BEHIND, t.verdict());
        String w = t.warning("batched", 20_000).orElseThrow();
        assertTrue(w.contains("20000 readings/s") && w.contains("lower --rate"), w);
    }

    @Test
    void onlyTheMeasuredSecondsCount() {
        // the warm-up's backlog (seconds before 40) and the seconds after the measurement do not count
        LatencyTrend t = LatencyTrend.of(series(s -> s < 40 || s >= 60 ? 5_000 : 30), 40, 60).orElseThrow();
        assertEquals(30, t.firstSecondP50Ms());
        assertEquals(30, t.lastSpanP50Ms());
        assertEquals(LatencyTrend.Verdict.STEADY, t.verdict());
    }

    @Test
    void shortOrEmptyMeasurementsGiveNoTrend() {
        assertTrue(LatencyTrend.of(series(s -> 30), 40, 41).isEmpty());
        assertTrue(LatencyTrend.of(List.of(), 40, 100).isEmpty());
        LatencyTrend shortRun = LatencyTrend.of(series(s -> 30), 40, 44).orElseThrow();
        assertEquals(2, shortRun.spanSeconds());
    }
}

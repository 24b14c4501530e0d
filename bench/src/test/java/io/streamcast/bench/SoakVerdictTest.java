package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class SoakVerdictTest {
    private static final double MIB = 1024.0 * 1024.0;

    /** 20 samples, one a minute; state and RSS from the given functions of the minute. */
    private static List<Map<String, Object>> run(IntToDoubleFunction stateMiB, IntToDoubleFunction rssMiB, double backPressure, double slowestMs) {
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int m = 1; m <= 20; m++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("seconds", m * 60.0);
            s.put("stateBytes", stateMiB.applyAsDouble(m) * MIB);
            s.put("rssMiB", rssMiB.applyAsDouble(m));
            s.put("checkpointMs", 500.0);
            s.put("slowestCheckpointMs", m == 12 ? slowestMs : 500.0);
            s.put("checkpointsCompleted", (long) (2 * m));
            s.put("checkpointsFailed", 0L);
            s.put("maxBackPressuredMsPerSec", m == 15 ? backPressure : 0.0);
            s.put("readingsTotal", m * 60.0 * 2000);
            s.put("forecastsTotal", m * 60.0 * 1990);
            samples.add(s);
        }
        return samples;
    }

    private static Map<String, Boolean> verdicts(List<Map<String, Object>> samples) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (SoakVerdict.Criterion c : SoakVerdict.judge(samples, 300, 2048, 2000)) out.put(c.name(), c.pass());
        return out;
    }

    @Test
    void flatRunPassesEveryCriterion() {
        Map<String, Boolean> v = verdicts(run(m -> m < 5 ? m : 3.2 + 0.1 * (m % 2), m -> m < 5 ? 300 * m : 1400 + 20 * (m % 3), 40, 1500));
        assertEquals(6, v.size());
        assertTrue(v.values().stream().allMatch(b -> b), v.toString());
    }

    @Test
    void eachCriterionCanFail() {
        assertFalse(verdicts(run(m -> 1 + m, m -> 1400, 0, 500)).get("state flat (checkpointed size)"), "linear state growth");
        Map<String, Boolean> rss = verdicts(run(m -> 3, m -> 1000 + 30 * m, 0, 500));
        assertFalse(rss.get("TaskManager RSS flat"), "RSS growing 30 MiB/min");
        assertTrue(rss.get("RSS within the process size"));
        assertFalse(verdicts(run(m -> 3, m -> 2100, 0, 500)).get("RSS within the process size"));
        assertFalse(verdicts(run(m -> 3, m -> 1400, 0, 2100)).get("checkpoints under 2 s"));
        assertFalse(verdicts(run(m -> 3, m -> 1400, 101, 500)).get("no back-pressure"));
    }

    @Test
    void slopeIsPerMinute() {
        assertEquals(2.0, SoakVerdict.slope(new double[] {0, 1, 2, 3}, new double[] {1, 3, 5, 7}), 1e-9);
        assertEquals(2.5, SoakVerdict.median(new double[] {4, 1, 2, 3}), 1e-9);
    }
}

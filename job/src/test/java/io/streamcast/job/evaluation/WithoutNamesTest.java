package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.streamcast.job.records.WindowForecast;
import org.junit.jupiter.api.Test;

/** What the evaluator keeps of a forecast: everything scoring needs, without the names. */
class WithoutNamesTest {
    @Test
    void keepsWhatScoringNeedsAndDropsTheNames() {
        WindowForecast f = new WindowForecast();
        f.sensorId = "s";
        f.issuedAt = 10;
        f.modelName = "m";
        f.modelVersion = "3";
        f.head = "flat";
        f.stepMillis = 1000;
        f.horizon = 2;
        f.channels = 1;
        f.targets = new String[] {"temperature"};
        f.targetIndex = new int[] {4};
        f.values = new float[] {1, 2};
        f.lower = new float[] {0, 1};
        f.upper = new float[] {2, 3};
        f.coverage = 0.9f;
        f.producedAt = 20;

        WindowForecast e = f.withoutNames();
        assertNull(e.targets);
        assertNull(e.head);
        f.targets = null;
        f.head = null;
        assertEquals(f, e, "every other field as it was");
        assertSame(f.values, e.values, "arrays are shared, not copied");
        assertSame(f.targetIndex, e.targetIndex);
    }
}

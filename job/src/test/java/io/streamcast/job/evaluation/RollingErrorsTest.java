package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RollingErrorsTest {
    private static EvaluatedForecast errors(float modelSq, float repeatSq) {
        EvaluatedForecast e = new EvaluatedForecast();
        e.modelSqNorm = new float[] {modelSq, 3 * modelSq};
        e.modelAbsNorm = new float[] {modelSq, modelSq};
        e.modelSq = new float[] {4 * modelSq, 4 * modelSq};
        e.modelAbs = new float[] {2, 2};
        e.repeatSqNorm = new float[] {repeatSq, repeatSq};
        e.repeatAbsNorm = new float[] {1, 1};
        e.horizon = 2;
        return e;
    }

    @Test
    void coversOnlyTheLastCapacityForecasts() {
        RollingErrors r = new RollingErrors(2, 2);
        assertTrue(Double.isNaN(r.skill()), "nothing evaluated yet");
        r.add(errors(100, 1)); // pushed out by the next two
        r.add(errors(1, 4));
        r.add(errors(2, 4));
        assertEquals(2, r.size());
        // model z^2: {1, 3} and {2, 6} -> mean 3; Repeat z^2: 4 everywhere
        assertEquals(3.0, r.mse(), 1e-12);
        assertEquals(Math.sqrt(3.0), r.rmse(), 1e-12);
        assertEquals(1 - 3.0 / 4.0, r.skill(), 1e-12);
        assertEquals(1 - 1.5 / 4.0, r.skill(0), 1e-12);
        assertEquals(1 - 4.5 / 4.0, r.skill(1), 1e-12);
        assertEquals(Math.sqrt(4.5), r.rmse(1), 1e-12);
        assertEquals(1.5, r.mae(), 1e-12);
        assertEquals(Math.sqrt(6.0), r.rmseRaw(), 1e-12);
        assertEquals(2.0, r.maeRaw(), 1e-12);
        assertEquals(2.0, r.repeatRmse(), 1e-12);
        assertEquals(1.0, r.repeatMae(), 1e-12);
    }

    @Test
    void coverageCountsOnlyForecastsWithIntervals() {
        RollingErrors r = new RollingErrors(3, 2);
        r.add(errors(1, 1));
        assertTrue(Double.isNaN(r.coverage()), "no forecast had an interval");
        EvaluatedForecast a = errors(1, 1);
        a.inInterval = new float[] {1f, 0f};
        EvaluatedForecast b = errors(1, 1);
        b.inInterval = new float[] {1f, 1f};
        r.add(a);
        r.add(b);
        assertEquals(1.0, r.coverage(0), 1e-12);
        assertEquals(0.5, r.coverage(1), 1e-12);
        assertEquals(0.75, r.coverage(), 1e-12);
        r.add(errors(1, 1)); // pushes out the first (no interval): still a and b
        assertEquals(0.75, r.coverage(), 1e-12);
        r.add(errors(1, 1)); // pushes out a
        assertEquals(1.0, r.coverage(1), 1e-12);
        r.add(errors(1, 1)); // pushes out b (a lap: sums rebuilt)
        assertTrue(Double.isNaN(r.coverage()));
    }

    @Test
    void aWindowLargerThanTheFirstAllocationMatchesTheMeanOfItsLastForecasts() {
        int capacity = 150; // grows from 64 slots while the first lap fills
        RollingErrors r = new RollingErrors(capacity, 2);
        java.util.Random random = new java.util.Random(7);
        float[] sq = new float[400];
        for (int i = 0; i < sq.length; i++) {
            sq[i] = random.nextInt(100);
            EvaluatedForecast e = errors(sq[i], 1);
            if (i % 3 == 0) e.inInterval = new float[] {1f, 0f};
            r.add(e);
            int from = Math.max(0, i + 1 - capacity);
            double sum = 0;
            int intervals = 0;
            for (int j = from; j <= i; j++) {
                sum += sq[j] + 3 * sq[j]; // steps 1 and 2 of errors()
                if (j % 3 == 0) intervals++;
            }
            assertEquals(i + 1 - from, r.size());
            assertEquals(sum / (2.0 * (i + 1 - from)), r.mse(), 1e-9, "after " + (i + 1) + " forecasts");
            assertEquals(intervals == 0 ? Double.NaN : 0.5, r.coverage(), 1e-12, "after " + (i + 1) + " forecasts");
        }
    }
}

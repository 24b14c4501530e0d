package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.records.WindowForecast;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The queue's arrays: a snapshot writes them whole, so their capacity is state size. */
class EvaluationQueueTest {
    @Test
    void aSteadySensorsArraysStayWithinTwiceWhatTheyHold() {
        EvaluationQueue q = new EvaluationQueue();
        int held = 11; // H steps and forecasts plus one in flight
        for (long t = 0; t < 5_000; t++) {
            q.addStep(t, new float[] {t, -t});
            q.markArrived(q.addEntry(t, t + 100), t + 100, forecast(t));
            if (t >= held) {
                q.removeFront();
                q.dropStepsBefore(t - held + 1);
            }
            q.shrink();
            assertTrue(q.stepTimes.length <= 16 && q.issuedAt.length <= 16,
                    "capacity at step " + t + ": " + q.stepTimes.length + " steps, " + q.issuedAt.length + " entries");
            // no forecast is held outside the live entries: a snapshot writes the whole array
            assertEquals(q.entryCount, Arrays.stream(q.waiting).filter(Objects::nonNull).count(), "forecasts held at step " + t);
        }
        assertEquals(held, q.stepCount);
        assertEquals(5_000 - held, q.stepTime(0));
        int last = q.stepOffset(held - 1);
        assertArrayEquals(new float[] {4_999, -4_999}, new float[] {q.stepValues[last], q.stepValues[last + 1]},
                "values moved with their steps");
        assertEquals(5_000 - held, q.frontIssuedAt());
    }

    private static WindowForecast forecast(long issuedAt) {
        WindowForecast f = new WindowForecast();
        f.issuedAt = issuedAt;
        f.horizon = 1;
        f.channels = 2;
        f.values = new float[2];
        return f;
    }

    @Test
    void aBurstGrowsTheArraysAndTheyShrinkBackAfterIt() {
        EvaluationQueue q = new EvaluationQueue();
        for (long t = 0; t < 200; t++) q.addStep(t, new float[] {t});
        assertTrue(q.stepTimes.length >= 200);
        q.dropStepsBefore(195);
        for (int i = 0; i < 10; i++) q.shrink();
        assertEquals(16, q.stepTimes.length);
        assertEquals(195, q.stepTime(0));
        assertEquals(199f, q.stepValues[q.stepOffset(4)]);
    }
}

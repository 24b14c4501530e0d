package io.streamcast.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fault suite's verdict: windows due from the readings, forecasts duplicated, missing or of no window. */
class ForecastAuditTest {
    /** Two sensors on two partitions, a reading per second from 0 to 9 s: windows of 3 end at 2..9 s. */
    private static ForecastAudit tenSecondsOfTwoSensors() {
        ForecastAudit audit = new ForecastAudit(3);
        for (int i = 0; i < 10; i++) {
            audit.reading(0, "a", i * 1000L);
            audit.reading(1, "b", i * 1000L + 500);
        }
        return audit;
    }

    @Test
    void windowsAreDueOnceTheSlowestPartitionsWatermarkPassedThem() {
        ForecastAudit audit = tenSecondsOfTwoSensors();
        assertEquals(16, audit.windowEnds().size());
        // newest readings 9000 (partition 0) and 9500: cut = 9000 - 2000 - 1000 = 6000
        Set<String> due = audit.due(2000, 1000);
        assertEquals(Set.of("a@2000", "a@3000", "a@4000", "a@5000", "b@2500", "b@3500", "b@4500", "b@5500"), due);
    }

    @Test
    void exactlyOnceForEveryDueWindowPasses() {
        ForecastAudit audit = tenSecondsOfTwoSensors();
        Set<String> due = audit.due(2000, 1000);
        assertFalse(audit.complete(due));
        for (String k : audit.windowEnds()) {
            audit.forecast(k.substring(0, 1), Long.parseLong(k.substring(2)));
        }
        assertTrue(audit.complete(due));
        ForecastAudit.Result r = audit.result(due);
        assertTrue(r.ok(), r.summary());
        assertEquals(20, r.readings());
        assertEquals(16, r.distinctForecasts());
    }

    @Test
    void duplicatedMissingAndUnexpectedForecastsAreNamed() {
        ForecastAudit audit = tenSecondsOfTwoSensors();
        Set<String> due = audit.due(2000, 1000);
        for (String k : due) {
            if (!k.equals("b@3500")) audit.forecast(k.substring(0, 1), Long.parseLong(k.substring(2)));
        }
        audit.forecast("a", 4000);  // twice
        audit.forecast("a", 1000);  // ends no window: only two readings before it
        audit.forecast("a", 4200);  // no reading at that time
        ForecastAudit.Result r = audit.result(due);
        assertFalse(r.ok());
        assertEquals(List.of("b@3500"), r.missing());
        assertEquals(List.of("a@4000 x2"), r.duplicated());
        assertEquals(List.of("a@1000", "a@4200"), r.unexpected());
        assertTrue(r.summary().contains("duplicated 1, missing 1, unexpected 2"), r.summary());
    }

    @Test
    void aReadingSentTwiceCountsOnce() {
        ForecastAudit audit = new ForecastAudit(2);
        audit.reading(0, "a", 1000);
        audit.reading(0, "a", 1000);
        audit.reading(0, "a", 2000);
        ForecastAudit.Result r = audit.result(audit.due(0, 0));
        assertEquals(2, r.readings());
        assertEquals(1, r.duplicateReadings());
    }
}

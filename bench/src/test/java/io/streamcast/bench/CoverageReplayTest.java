package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.avro.ForecastEvaluation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoverageReplayTest {
    @Test
    void coveragePerStepIsTheMeanOfInIntervalWithABatchMeansError() {
        List<ForecastEvaluation> evaluations = new ArrayList<>();
        // step 1 always inside; step 2 inside in every other block of BLOCK forecasts (4 blocks: 1, 0, 1, 0)
        for (int i = 0; i < 4 * CoverageReplay.BLOCK; i++) {
            float second = (i / CoverageReplay.BLOCK) % 2 == 0 ? 1f : 0f;
            evaluations.add(evaluation(i, List.of(1f, second), 0.9f));
        }
        CoverageReplay.Coverage c = CoverageReplay.coverage(evaluations);
        assertEquals(0.9, c.nominal(), 1e-6);
        assertEquals(4 * CoverageReplay.BLOCK, c.forecasts());
        assertArrayEquals(new double[] {1.0, 0.5}, c.byStep(), 1e-12);
        // block means 1,0,1,0: sample variance 1/3, over 4 blocks -> s.e. sqrt(1/12)
        assertEquals(0.0, c.standardError()[0], 1e-12);
        assertEquals(Math.sqrt(1.0 / 12), c.standardError()[1], 1e-12);
        assertEquals(0.4, c.worstDeviation(), 1e-6);
    }

    @Test
    void aForecastWithoutAnIntervalIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoverageReplay.coverage(
                List.of(evaluation(0, List.of(1f, 1f), 0.9f), evaluation(1, List.of(), 0f))));
        assertTrue(e.getMessage().contains("no interval"), e.getMessage());
    }

    @Test
    void windowsWithAllTheirActuals() {
        assertEquals(2875, CoverageReplay.scorableWindows(2904, 24, 6));
        assertEquals(0, CoverageReplay.scorableWindows(20, 24, 6));
    }

    private static ForecastEvaluation evaluation(long issued, List<Float> inInterval, float coverage) {
        List<Float> zeros = List.of(0f, 0f);
        return ForecastEvaluation.newBuilder().setSensorId("s").setIssuedAt(Instant.ofEpochMilli(issued)).setModelName("m")
                .setModelVersion("1").setHorizon(2).setChannels(1).setStepMillis(0).setLastActualAt(Instant.ofEpochMilli(issued + 2))
                .setModelAbsError(zeros).setModelSquaredError(zeros).setModelAbsErrorNormalized(zeros)
                .setModelSquaredErrorNormalized(zeros).setRepeatAbsError(zeros).setRepeatSquaredError(zeros)
                .setRepeatAbsErrorNormalized(zeros).setRepeatSquaredErrorNormalized(zeros).setInInterval(inInterval)
                .setCoverage(coverage).build();
    }
}

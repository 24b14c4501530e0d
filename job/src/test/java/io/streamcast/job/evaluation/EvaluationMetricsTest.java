package io.streamcast.job.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class EvaluationMetricsTest {
    @Test
    void evaluationsOfAlternatingVersionsCountTowardsTheirOwnVersion() {
        EvaluationMetrics metrics = new EvaluationMetrics(new UnregisteredMetricsGroup(), EvaluatorSnapshotFixture.config());
        for (String version : new String[] {"1", "2", "1", "1", "2", "1"}) metrics.record(evaluated("m", version));
        metrics.record(evaluated("n", "1")); // another model with the same version string
        assertEquals(4, metrics.rolling("m", "1").size());
        assertEquals(2, metrics.rolling("m", "2").size());
        assertEquals(1, metrics.rolling("n", "1").size());
        assertEquals(7, metrics.evaluated.getCount());
    }

    private static EvaluatedForecast evaluated(String model, String version) {
        EvaluatedForecast e = new EvaluatedForecast();
        e.modelName = model;
        e.modelVersion = version;
        e.horizon = 2;
        e.modelAbs = new float[2];
        e.modelSq = new float[2];
        e.modelAbsNorm = new float[2];
        e.modelSqNorm = new float[2];
        e.repeatAbs = new float[2];
        e.repeatSq = new float[2];
        e.repeatAbsNorm = new float[2];
        e.repeatSqNorm = new float[2];
        return e;
    }
}

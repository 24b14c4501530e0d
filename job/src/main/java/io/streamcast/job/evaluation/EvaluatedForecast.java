package io.streamcast.job.evaluation;

import java.util.Arrays;
import java.util.Objects;

/**
 * One forecast scored against its actuals, next to the Repeat baseline (a Flink POJO; converted to
 * the Avro {@code ForecastEvaluation} at the sink). Every array has H entries: entry h is the error
 * at forecast step h+1, averaged over the channels.
 */
public class EvaluatedForecast {
    public String sensorId;
    public long issuedAt;
    public String modelName;
    public String modelVersion;
    public int horizon;
    public int channels;
    public long stepMillis;
    /** Event time of the actual step the last forecast step was scored against. */
    public long lastActualAt;

    public float[] modelAbs;
    public float[] modelSq;
    public float[] modelAbsNorm;
    public float[] modelSqNorm;
    public float[] repeatAbs;
    public float[] repeatSq;
    public float[] repeatAbsNorm;
    public float[] repeatSqNorm;
    /** Per step: the fraction of channels inside the forecast's interval; empty without intervals. */
    public float[] inInterval = new float[0];
    /** Nominal coverage of the forecast's interval; 0 without one. */
    public float coverage;

    public EvaluatedForecast() {
    }

    /** Mean over steps of the normalised squared error of the model (this forecast's MSE). */
    public double modelMse() {
        return mean(modelSqNorm);
    }

    /** Mean over steps of the normalised squared error of Repeat. */
    public double repeatMse() {
        return mean(repeatSqNorm);
    }

    static double mean(float[] a) {
        double s = 0;
        for (float v : a) s += v;
        return s / a.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluatedForecast e && issuedAt == e.issuedAt && horizon == e.horizon
                && channels == e.channels && stepMillis == e.stepMillis && lastActualAt == e.lastActualAt
                && Objects.equals(sensorId, e.sensorId) && Objects.equals(modelName, e.modelName)
                && Objects.equals(modelVersion, e.modelVersion)
                && Arrays.equals(modelAbs, e.modelAbs) && Arrays.equals(modelSq, e.modelSq)
                && Arrays.equals(modelAbsNorm, e.modelAbsNorm) && Arrays.equals(modelSqNorm, e.modelSqNorm)
                && Arrays.equals(repeatAbs, e.repeatAbs) && Arrays.equals(repeatSq, e.repeatSq)
                && Arrays.equals(repeatAbsNorm, e.repeatAbsNorm) && Arrays.equals(repeatSqNorm, e.repeatSqNorm)
                && Arrays.equals(inInterval, e.inInterval) && coverage == e.coverage;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensorId, issuedAt, modelName, modelVersion);
    }

    @Override
    public String toString() {
        return "EvaluatedForecast{" + sensorId + " issuedAt=" + issuedAt + " " + modelName + "@" + modelVersion
                + " mse=" + modelMse() + " repeatMse=" + repeatMse() + "}";
    }
}

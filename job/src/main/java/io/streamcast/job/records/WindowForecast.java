package io.streamcast.job.records;

import java.util.Arrays;
import java.util.Objects;

/** A forecast inside the job (a Flink POJO); converted to the Avro {@code Forecast} at the sink. */
public class WindowForecast {
    public String sensorId;
    /** Event time of the input window's last step, epoch millis. */
    public long issuedAt;
    public String modelName;
    public String modelVersion;
    /** flat or per-step. */
    public String head;
    public long stepMillis;
    public int horizon;
    /** C_out, the number of forecast (target) channels. */
    public int channels;
    /** Names of the forecast channels, in value order. */
    public String[] targets;
    /** Index of each forecast channel among the sensor's input channels (what the evaluator scores it against). */
    public int[] targetIndex;
    /** H x C raw values, step-major: values[h*C + c]. */
    public float[] values;
    /** H x C interval bounds laid out like values, or null when the model has no calibrated intervals. */
    public float[] lower;
    public float[] upper;
    /** Nominal coverage of [lower, upper]; 0 without intervals. */
    public float coverage;
    /** Wall-clock time of inference, epoch millis. */
    public long producedAt;

    public WindowForecast() {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowForecast f && issuedAt == f.issuedAt && stepMillis == f.stepMillis
                && horizon == f.horizon && channels == f.channels && producedAt == f.producedAt
                && Objects.equals(sensorId, f.sensorId) && Objects.equals(modelName, f.modelName)
                && Objects.equals(modelVersion, f.modelVersion) && Objects.equals(head, f.head)
                && Arrays.equals(values, f.values) && Arrays.equals(targets, f.targets)
                && Arrays.equals(targetIndex, f.targetIndex) && Arrays.equals(lower, f.lower)
                && Arrays.equals(upper, f.upper) && coverage == f.coverage;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensorId, issuedAt, modelName, modelVersion);
    }

    @Override
    public String toString() {
        return "WindowForecast{" + sensorId + " issuedAt=" + issuedAt + " " + modelName + "@" + modelVersion
                + " H=" + horizon + " C=" + channels + "}";
    }
}

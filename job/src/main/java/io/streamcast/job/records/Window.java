package io.streamcast.job.records;

import java.util.Arrays;
import java.util.Objects;

/** The last T steps of one sensor, ready for the model (a Flink POJO). */
public class Window {
    public String sensorId;
    /** Event time of the window's last step, epoch millis; becomes the forecast's issuedAt. */
    public long endTime;
    /** Step interval in fixed-step mode; 0 in count mode. */
    public long stepMillis;
    /** T x C raw values, time-major: values[t*C + c]. */
    public float[] values;

    public Window() {
    }

    public Window(String sensorId, long endTime, long stepMillis, float[] values) {
        this.sensorId = sensorId;
        this.endTime = endTime;
        this.stepMillis = stepMillis;
        this.values = values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Window w && endTime == w.endTime && stepMillis == w.stepMillis
                && Objects.equals(sensorId, w.sensorId) && Arrays.equals(values, w.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensorId, endTime, stepMillis) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Window{" + sensorId + " end=" + endTime + " step=" + stepMillis + " n=" + values.length + "}";
    }
}

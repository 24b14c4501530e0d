package io.streamcast.job.assembly;

import java.util.Arrays;
import java.util.Objects;

/**
 * A step the assembler built from accepted readings, in the order it built them (a Flink POJO): what
 * the online evaluator scores forecasts against, so that one place decides what a step is and what is
 * late. Fixed-step mode: the bucket's resampled step at its start time; forward-filled steps are not
 * measurements and are not sent.
 */
public class AcceptedStep {
    public String sensorId;
    /** Step time: the reading's time (count mode) or the bucket start (fixed-step mode). */
    public long time;
    /** C values. */
    public float[] values;
    /** A window ending at this step was emitted: a forecast issued at {@code time} will follow. */
    public boolean windowEmitted;

    public AcceptedStep() {
    }

    public AcceptedStep(String sensorId, long time, float[] values, boolean windowEmitted) {
        this.sensorId = sensorId;
        this.time = time;
        this.values = values;
        this.windowEmitted = windowEmitted;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AcceptedStep s && time == s.time && windowEmitted == s.windowEmitted
                && Objects.equals(sensorId, s.sensorId) && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensorId, time, windowEmitted) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "AcceptedStep{" + sensorId + " @" + time + (windowEmitted ? " window" : "") + " " + Arrays.toString(values) + "}";
    }
}

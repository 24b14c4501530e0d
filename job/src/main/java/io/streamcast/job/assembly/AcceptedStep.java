package io.streamcast.job.assembly;

import io.streamcast.job.records.Window;
import java.util.Arrays;
import java.util.Objects;

/**
 * A step the assembler built from accepted readings, in the order it built them, with the window it
 * completed, if any (a Flink POJO): the assembler's one output. Inference takes the windows; the
 * online evaluator scores forecasts against the steps, so that one place decides what a step is and
 * what is late. Fixed-step mode: the bucket's resampled step at its start time; forward-filled steps
 * are not measurements and are not sent.
 */
public class AcceptedStep {
    public String sensorId;
    /** Step time: the reading's time (count mode) or the bucket start (fixed-step mode). */
    public long time;
    /** C values. */
    public float[] values;
    /** The window ending at this step, or null: a forecast issued at {@code time} will follow it. */
    public Window window;

    public AcceptedStep() {
    }

    public AcceptedStep(String sensorId, long time, float[] values, Window window) {
        this.sensorId = sensorId;
        this.time = time;
        this.values = values;
        this.window = window;
    }

    /** A window ended here, so a forecast issued at this step's time will follow. */
    public boolean windowEmitted() {
        return window != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AcceptedStep s && time == s.time && Objects.equals(window, s.window)
                && Objects.equals(sensorId, s.sensorId) && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensorId, time, window) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "AcceptedStep{" + sensorId + " @" + time + (window != null ? " " + window : "") + " " + Arrays.toString(values) + "}";
    }
}

package io.streamcast.job.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * A validated sensor reading inside the job (a Flink POJO: public fields, no-arg constructor).
 * Plain float[], never INDArray: Kryo cannot serialise INDArray.
 */
public class Reading {
    public String sensorId;
    /** Event time, epoch millis. */
    public long timestamp;
    /** One value per channel, in the model's channel order. */
    public float[] values;

    public Reading() {
    }

    public Reading(String sensorId, long timestamp, float[] values) {
        this.sensorId = sensorId;
        this.timestamp = timestamp;
        this.values = values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reading r && timestamp == r.timestamp && Objects.equals(sensorId, r.sensorId)
                && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensorId, timestamp) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Reading{" + sensorId + " @" + timestamp + " " + Arrays.toString(values) + "}";
    }
}

package io.streamcast.tools;

import io.streamcast.avro.SensorReading;
import io.streamcast.job.ingest.ReadingEncoder;
import io.streamcast.job.records.Reading;

/** Wire formats of the sensor-readings topic (the job's own {@link ReadingEncoder}, so tools and job always agree). */
public enum ReadingFormat {
    /** Avro single-object encoding of {@link SensorReading} (a 10-byte header carries the schema fingerprint). */
    AVRO {
        @Override
        public byte[] encode(String sensorId, long timestampMillis, float[] values) {
            return ReadingEncoder.avro(new Reading(sensorId, timestampMillis, values));
        }
    },
    /** UTF-8 JSON with the Avro schema's field names: {"sensorId":..., "timestamp":epochMillis, "values":[...]}. */
    JSON {
        @Override
        public byte[] encode(String sensorId, long timestampMillis, float[] values) {
            return ReadingEncoder.json(new Reading(sensorId, timestampMillis, values));
        }
    };

    public abstract byte[] encode(String sensorId, long timestampMillis, float[] values);
}

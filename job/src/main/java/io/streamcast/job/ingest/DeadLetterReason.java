package io.streamcast.job.ingest;

/** Why a record went to the dead-letter topic. The names are the {@code reason} field of a DLQ record and the metric label. */
public enum DeadLetterReason {
    /** The Kafka record has no value or an empty one. */
    EMPTY_PAYLOAD,
    /** The value is larger than input.max-record-bytes; it is not decoded. */
    OVERSIZED,
    /** The bytes are not a reading in the configured format (bad Avro header or body, malformed JSON). */
    UNDECODABLE,
    /** Avro single-object encoding whose writer-schema fingerprint the job does not know. */
    UNKNOWN_SCHEMA,
    /** JSON without sensorId, timestamp or values (or with null). */
    MISSING_FIELD,
    /** A field of the wrong type (e.g. values not an array of numbers, sensorId not a string). */
    INVALID_FIELD,
    /** A timestamp that is neither epoch millis nor ISO-8601. */
    BAD_TIMESTAMP,
    /** sensorId empty or blank. */
    EMPTY_SENSOR_ID,
    /** sensorId longer than input.max-sensor-id-bytes (UTF-8). */
    SENSOR_ID_TOO_LONG,
    /** The number of values differs from the model's channel count (or exceeds input.max-channels). */
    WRONG_CHANNEL_COUNT,
    /** A value is NaN or infinite (or outside the float range). */
    NON_FINITE_VALUE,
    /** The timestamp is further ahead of the wall clock than validation.max-ahead. */
    TIMESTAMP_AHEAD,
    /** The timestamp is further from the wall clock than validation.max-timestamp-skew. */
    TIMESTAMP_OUT_OF_RANGE
}

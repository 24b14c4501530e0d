package io.streamcast.job.ingest;

import io.streamcast.job.records.Reading;

/**
 * What the Kafka source emits for every record: a decoded {@link Reading}, or the reason it could
 * not be decoded; always with the record's origin and bytes, so that a reading rejected later by
 * validation still reaches the DLQ with its original bytes (a Flink POJO).
 */
public class Ingested {
    /** The decoded reading, or null when decoding failed. */
    public Reading reading;
    /** A {@link DeadLetterReason} name when decoding failed, else null. */
    public String failure;
    public String failureDetail;
    /** The sensorId when decoding failed after reading it (null when unknown). */
    public String failureSensorId;
    public String topic;
    public int partition;
    public long offset;
    public long kafkaTimestamp;
    public byte[] key;
    public byte[] payload;

    public Ingested() {
    }

    public boolean decoded() {
        return reading != null;
    }

    /** The dead letter for this record, rejected for {@code reason}. */
    public DeadLetter reject(DeadLetterReason reason, String detail, long now) {
        DeadLetter d = new DeadLetter();
        d.sensorId = reading == null ? failureSensorId : reading.sensorId;
        d.reason = reason.name();
        d.detail = detail;
        d.topic = topic;
        d.partition = partition;
        d.offset = offset;
        d.kafkaTimestamp = kafkaTimestamp;
        d.rejectedAt = now;
        d.key = key;
        d.payload = payload;
        return d;
    }

    @Override
    public String toString() {
        return "Ingested{" + topic + "/" + partition + "@" + offset + " " + (reading != null ? reading : failure + ": " + failureDetail) + "}";
    }
}

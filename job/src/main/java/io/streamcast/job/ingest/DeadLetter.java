package io.streamcast.job.ingest;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record the job could not use, with everything needed to inspect or replay it: the original
 * key and value bytes, why it was rejected, and where it came from (a Flink POJO).
 */
public class DeadLetter {
    /** The reading's sensorId when it could be decoded, else null. */
    public String sensorId;
    /** A {@link DeadLetterReason} name. */
    public String reason;
    /** Human-readable detail: which field, which value, what was expected. */
    public String detail;
    public String topic;
    public int partition;
    public long offset;
    /** Kafka timestamp of the source record, epoch millis (-1 when none). */
    public long kafkaTimestamp;
    /** Wall-clock time the record was rejected, epoch millis. */
    public long rejectedAt;
    /** Original record key, may be null. */
    public byte[] key;
    /** Original record value, may be null. */
    public byte[] payload;

    public DeadLetter() {
    }

    public DeadLetterReason reasonCode() {
        return DeadLetterReason.valueOf(reason);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && partition == d.partition && offset == d.offset
                && kafkaTimestamp == d.kafkaTimestamp && rejectedAt == d.rejectedAt
                && Objects.equals(sensorId, d.sensorId) && Objects.equals(reason, d.reason)
                && Objects.equals(detail, d.detail) && Objects.equals(topic, d.topic)
                && Arrays.equals(key, d.key) && Arrays.equals(payload, d.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, reason);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + " " + topic + "/" + partition + "@" + offset + " sensor=" + sensorId + ": " + detail + "}";
    }
}

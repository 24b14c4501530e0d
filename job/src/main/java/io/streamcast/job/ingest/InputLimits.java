package io.streamcast.job.ingest;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.records.Reading;
import java.io.Serializable;

/**
 * Bounds on what one Kafka record may make the decoders do: the record's size is checked before
 * decoding, the sensorId and the number of values right after (JSON stops reading values at the
 * bound). With these, decoding costs time and memory proportional to the record's size.
 */
public record InputLimits(int maxRecordBytes, int maxSensorIdBytes, int maxChannels) implements Serializable {

    public static final InputLimits DEFAULTS = new InputLimits(64 * 1024, 256, 1024);

    public static InputLimits from(JobConfig cfg) {
        return new InputLimits(cfg.maxRecordBytes(), cfg.maxSensorIdBytes(), cfg.maxChannels());
    }

    /** Null when the decoded reading is within the bounds, else the failure. */
    DecodeException check(Reading r) {
        int idBytes = utf8Length(r.sensorId);
        if (idBytes > maxSensorIdBytes) {
            return new DecodeException(DeadLetterReason.SENSOR_ID_TOO_LONG,
                    "sensorId has " + idBytes + " UTF-8 bytes, at most " + maxSensorIdBytes + " allowed (input.max-sensor-id-bytes)");
        }
        if (r.values.length > maxChannels) return tooManyValues(r.sensorId);
        return null;
    }

    DecodeException tooManyValues(String sensorId) {
        return new DecodeException(DeadLetterReason.WRONG_CHANNEL_COUNT,
                "more than " + maxChannels + " values (input.max-channels)", sensorId);
    }

    /** UTF-8 length of {@code s} without encoding it (a lone surrogate counts as the 3 bytes of its replacement). */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }
}

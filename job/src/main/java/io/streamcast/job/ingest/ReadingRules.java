package io.streamcast.job.ingest;

import io.streamcast.job.records.Reading;
import java.io.Serializable;

/**
 * What makes a decoded reading usable by the model. Shared by the validator (which routes the bad
 * ones to the DLQ) and the watermark assigner (so that a reading with a wild timestamp never moves
 * the watermark before it is rejected).
 */
public final class ReadingRules implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int channels;
    private final long maxSkewMillis;

    /**
     * @param channels      the model's channel count C
     * @param maxSkewMillis largest allowed |timestamp - wall clock|; 0 = no check
     */
    public ReadingRules(int channels, long maxSkewMillis) {
        this.channels = channels;
        this.maxSkewMillis = maxSkewMillis;
    }

    public int channels() {
        return channels;
    }

    /** Null when the reading is usable, else why not. */
    public Violation check(Reading r, long now) {
        if (r.sensorId == null || r.sensorId.isBlank()) {
            return new Violation(DeadLetterReason.EMPTY_SENSOR_ID, "sensorId is empty");
        }
        if (r.values == null || r.values.length != channels) {
            return new Violation(DeadLetterReason.WRONG_CHANNEL_COUNT,
                    (r.values == null ? 0 : r.values.length) + " values, the model needs " + channels + " channels");
        }
        for (int i = 0; i < r.values.length; i++) {
            if (!Float.isFinite(r.values[i])) {
                return new Violation(DeadLetterReason.NON_FINITE_VALUE, "values[" + i + "] is " + r.values[i]);
            }
        }
        if (maxSkewMillis > 0) {
            long skew = r.timestamp - now;
            if (Math.abs(skew) > maxSkewMillis) {
                return new Violation(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
                        "timestamp " + r.timestamp + " is " + Math.abs(skew) + " ms " + (skew > 0 ? "ahead of" : "behind")
                                + " the wall clock; allowed: " + maxSkewMillis + " ms (validation.max-timestamp-skew)");
            }
        }
        return null;
    }

    /** A broken rule. */
    public record Violation(DeadLetterReason reason, String detail) {
    }
}
